/**
 * Virtual IPs on interfaces, through rtnetlink (the `netlink` package): add
 * with dev / prefix / label / broadcast / scope (IPv6 with nodad and, unless
 * `preferred_lft` says otherwise, deprecated, as keepalived does), remove,
 * and list. EEXIST on add and EADDRNOTAVAIL on remove are fine:
 * the address is already as wanted.
 */
import type { RtNetlinkSocket } from 'netlink/dist/rt/rt';
import { rtRequests } from '../../platform/netlink-guard';
import { ipBytes, ipString } from '../checksum';
import type { Vip } from '../../config/vrrp-config';

export interface AddressManager {
  /** Opens what it needs now, so the first failover does not pay for it. */
  prepare(): void;
  add(vip: Vip, ifindex: number): Promise<void>;
  remove(vip: Vip, ifindex: number): Promise<void>;
  list(ifindex: number, family: 4 | 6): Promise<string[]>;
  dispose(): void;
}

const SCOPES: Record<string, number> = { global: 0, site: 200, link: 253, host: 254, nowhere: 255 };
const AF = { 4: 2, 6: 10 } as const;
const FOREVER = 0xffffffff;

function alreadyDone(err: unknown, codes: string[]): boolean {
  const e = err as { code?: string; errno?: number; message?: string };
  return codes.includes(e.code ?? '') || codes.some((c) => (e.message ?? '').includes(c));
}

type AddressDump = Awaited<ReturnType<RtNetlinkSocket['getAddresses']>>;

export class RtnetlinkAddresses implements AddressManager {
  private rt: RtNetlinkSocket | undefined;

  prepare(): void {
    this.socket();
    // A request the kernel refuses (no interface 0) runs the encoder once, so
    // the first real VIP add after a failover does not pay for compiling it.
    for (const family of [4, 6] as const) {
      const any = family === 4 ? '0.0.0.0' : '::';
      this.add(
        {
          address: any,
          prefix: 0,
          family,
          dev: undefined,
          label: undefined,
          scope: undefined,
          broadcast: undefined,
          peer: undefined,
          noTrack: false,
          preferredLft: family === 6 ? 0 : undefined,
        },
        0,
      ).catch(() => undefined);
    }
  }

  /** The socket, shared with the routes so the kernel sees VIPs and routes in order. */
  socket(): RtNetlinkSocket {
    this.rt ??= rtRequests();
    return this.rt;
  }

  async add(vip: Vip, ifindex: number): Promise<void> {
    const addr = ipBytes(vip.address);
    try {
      await this.socket().newAddress(
        {
          family: AF[vip.family],
          prefixlen: vip.prefix,
          index: ifindex,
          scope: SCOPES[vip.scope ?? 'global'] ?? 0,
          ...(vip.family === 6 && !vip.dad ? { flags: { nodad: true } } : {}),
        },
        {
          local: addr,
          address: vip.peer ? ipBytes(vip.peer) : addr,
          ...(vip.label ? { label: vip.label } : {}),
          ...(vip.broadcast ? { broadcast: ipBytes(vip.broadcast) } : {}),
          ...(vip.preferredLft !== undefined
            ? { cacheInfo: { ifaPrefered: vip.preferredLft, ifaValid: FOREVER } }
            : {}),
          // The 32-bit IFA_FLAGS (it overrides the header's 8 bits): home, noprefixroute...
          ...(vip.flags
            ? { flags: { ...vip.flags, ...(vip.family === 6 && !vip.dad ? { nodad: true } : {}) } }
            : {}),
          ...(vip.metric !== undefined ? { rtPriority: vip.metric } : {}),
        },
        { flags: 1024 | 512 }, // CREATE | EXCL
      );
    } catch (err) {
      if (!alreadyDone(err, ['EEXIST']))
        throw new Error(
          `cannot add ${vip.address}/${vip.prefix} to interface ${ifindex}: ${(err as Error).message}`,
        );
    }
  }

  async remove(vip: Vip, ifindex: number): Promise<void> {
    const addr = ipBytes(vip.address);
    try {
      await this.socket().delAddress(
        { family: AF[vip.family], prefixlen: vip.prefix, index: ifindex },
        { local: addr, address: vip.peer ? ipBytes(vip.peer) : addr },
      );
    } catch (err) {
      if (!alreadyDone(err, ['EADDRNOTAVAIL', 'ENOENT', 'ENODEV'])) {
        throw new Error(
          `cannot remove ${vip.address}/${vip.prefix} from interface ${ifindex}: ${(err as Error).message}`,
        );
      }
    }
  }

  /**
   * The kernel answers one dump at a time on a socket (a second one is EBUSY),
   * and a dump on the socket that adds and removes VIPs gets their answers
   * mixed into its multipart reply: dumps go on a socket of their own, one
   * after another; callers that arrive while one is still queued share it. A
   * dump already sent is never shared: it may predate the caller's event.
   */
  private dumpRt: RtNetlinkSocket | undefined;
  private dumpTail: Promise<unknown> = Promise.resolve();
  private readonly queued = new Map<number, Promise<AddressDump>>();

  private dump(family: 4 | 6): Promise<AddressDump> {
    const waiting = this.queued.get(family);
    if (waiting) return waiting;
    const run = this.dumpTail.then(() => {
      this.queued.delete(family);
      this.dumpRt ??= rtRequests();
      return this.dumpRt.getAddresses({ family: AF[family] });
    });
    this.queued.set(family, run);
    this.dumpTail = run.catch(() => undefined);
    return run;
  }

  async list(ifindex: number, family: 4 | 6): Promise<string[]> {
    const msgs = await this.dump(family);
    return msgs
      .filter((m) => m.data.index === ifindex && m.attrs.local !== undefined)
      .map((m) => ipString(m.attrs.local as Buffer, family));
  }

  dispose(): void {
    this.rt?.socket.close();
    this.rt = undefined;
    this.dumpRt?.socket.close();
    this.dumpRt = undefined;
  }
}
