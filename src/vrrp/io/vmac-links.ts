/**
 * use_vmac, the kernel part: a private-mode macvlan on the instance's
 * interface carrying the virtual MAC, created through rtnetlink (no `ip
 * link`), with keepalived's sysctls so that only the master answers ARP for
 * the VIPs and the base interface neither answers for the VMAC's addresses
 * nor names them in its own ARP requests.
 * For IPv6 the macvlan gets no address of its own (addr_gen_mode none:
 * backups share the MAC) but the base interface's link-local address, which
 * the adverts come from. A macvlan left by an earlier run is adopted when it
 * has our MAC on our interface; we delete the ones we made when we stop.
 */
import * as fs from 'node:fs';
import type { RtNetlinkSocket } from 'netlink/dist/rt/rt';
import { rtRequests } from '../../platform/netlink-guard';
import { halbSys } from '../../platform/halb-sys';
import { ipBytes } from '../checksum';
import { macBytes, macText, macvlanLinkInfo } from '../vmac';

export interface VmacSpec {
  readonly name: string;
  readonly parent: string;
  readonly mac: string;
  readonly family: 4 | 6;
  /** The base interface's link-local address (IPv6 instances). */
  readonly linkLocal6?: string;
}

const CREATE_EXCL = 1024 | 512;

function indexOf(name: string): number | undefined {
  try {
    return halbSys().ifNameToIndex(name);
  } catch {
    return undefined;
  }
}

function sysctl(path: string, value: string): void {
  try {
    fs.writeFileSync(`/proc/sys/net/${path}`, value);
  } catch {
    /* a kernel without that knob: nothing to set */
  }
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

export class VmacLinks {
  private rt: RtNetlinkSocket | undefined;
  private readonly made = new Set<string>();

  private socket(): RtNetlinkSocket {
    this.rt ??= rtRequests();
    return this.rt;
  }

  /** Makes (or adopts) the macvlan and brings it up; resolves to its ifindex. */
  async ensure(spec: VmacSpec): Promise<number> {
    const parentIndex = indexOf(spec.parent);
    if (parentIndex === undefined) throw new Error(`interface ${spec.parent} does not exist`);
    let index = indexOf(spec.name);
    if (index !== undefined) {
      await this.checkAdoptable(spec, index, parentIndex);
      this.made.add(spec.name);
    } else {
      await this.socket().newLink(
        {},
        {
          ifname: spec.name,
          address: macBytes(spec.mac),
          link: u32(parentIndex),
          linkinfo: macvlanLinkInfo(),
        },
        { flags: CREATE_EXCL },
      );
      this.made.add(spec.name);
      index = indexOf(spec.name);
      if (index === undefined) throw new Error(`macvlan ${spec.name} did not appear`);
    }
    sysctl(`ipv4/conf/${spec.name}/arp_ignore`, '1');
    sysctl(`ipv4/conf/${spec.name}/accept_local`, '1');
    sysctl(`ipv4/conf/${spec.name}/rp_filter`, '0');
    sysctl(`ipv4/conf/${spec.parent}/arp_ignore`, '1');
    sysctl(`ipv4/conf/${spec.parent}/arp_filter`, '1');
    // Replies to the VIPs may leave by the base interface (its connected route came first):
    // its ARP requests must then name its own address, not teach the neighbours the VIP
    // at the base MAC.
    sysctl(`ipv4/conf/${spec.parent}/arp_announce`, '2');
    // No link-local of its own: every node's VMAC has the same MAC, so the same EUI-64.
    sysctl(`ipv6/conf/${spec.name}/addr_gen_mode`, '1');
    await this.socket().setLink({ index, flags: { up: true }, change: { up: true } });
    if (spec.family === 6 && spec.linkLocal6) {
      await this.socket()
        .newAddress(
          { family: 10, prefixlen: 64, index, scope: 253, flags: { nodad: true } },
          { local: ipBytes(spec.linkLocal6), address: ipBytes(spec.linkLocal6) },
          { flags: CREATE_EXCL },
        )
        .catch((err: Error) => {
          if (!/EEXIST/.test(err.message)) throw err;
        });
    }
    return index;
  }

  /** An interface of the VMAC's name is adopted when it is that VMAC: its MAC, on the parent (rtnetlink). */
  private async checkAdoptable(spec: VmacSpec, index: number, parentIndex: number): Promise<void> {
    const [link] = await this.socket().getLink({ index });
    const address = link?.attrs.address;
    const lower = link?.attrs.link;
    const mac = address ? macText(address) : '';
    const onParent =
      lower !== undefined && lower.length >= 4 && lower.readUInt32LE(0) === parentIndex;
    if (mac !== spec.mac.toLowerCase() || !onParent)
      throw new Error(
        `interface ${spec.name} exists but is not the VMAC ${spec.mac} on ${spec.parent}: rename it or set use_vmac NAME`,
      );
  }

  /** Deletes a macvlan this run made or adopted. */
  async remove(name: string): Promise<void> {
    if (!this.made.has(name)) return;
    const index = indexOf(name);
    this.made.delete(name);
    if (index === undefined) return;
    await this.socket().delLink({ index });
  }

  dispose(): void {
    this.rt?.socket.close();
    this.rt = undefined;
  }
}
