/**
 * Interface addresses into the kernel through rtnetlink: link up, add what is
 * wanted, remove what was set before and is no longer. At boot (`halb net
 * apply`, from rcS) and from the console when the user changes them.
 */
import type { RtNetlinkSocket } from 'netlink/dist/rt/rt';
import { rtRequests } from '../platform/netlink-guard';
import { halbSys } from '../platform/halb-sys';
import { ipBytes } from '../vrrp/checksum';
import { addressDiff, formatAddress, type IfAddress } from './model';

const AF = { 4: 2, 6: 10 } as const;
const CREATE_EXCL = 0x400 | 0x200;

function failed(err: unknown, codes: RegExp): boolean {
  return !codes.test((err as Error).message ?? '');
}

export class InterfaceAddresses {
  private rt: RtNetlinkSocket | undefined;

  private socket(): RtNetlinkSocket {
    this.rt ??= rtRequests();
    return this.rt;
  }

  /** Brings `name` up and moves its addresses from `before` to `after`; one line per change. */
  async apply(
    name: string,
    before: readonly IfAddress[],
    after: readonly IfAddress[],
  ): Promise<string[]> {
    const index = halbSys().ifNameToIndex(name);
    if (!index) throw new Error(`there is no interface ${name} on this box`);
    const rt = this.socket();
    const done: string[] = [];
    await rt.setLink({ index, flags: { up: true }, change: { up: true } });
    const { add, remove } = addressDiff(before, after);
    for (const a of remove) {
      try {
        await rt.delAddress(
          { family: AF[a.family], prefixlen: a.prefix, index },
          { local: ipBytes(a.address), address: ipBytes(a.address) },
        );
        done.push(`${name}: removed ${formatAddress(a)}`);
      } catch (err) {
        if (failed(err, /EADDRNOTAVAIL|ENOENT/))
          throw new Error(`${name}: cannot remove ${formatAddress(a)}: ${(err as Error).message}`);
      }
    }
    for (const a of add) {
      try {
        await rt.newAddress(
          { family: AF[a.family], prefixlen: a.prefix, index },
          { local: ipBytes(a.address), address: ipBytes(a.address) },
          { flags: CREATE_EXCL },
        );
        done.push(`${name}: added ${formatAddress(a)}`);
      } catch (err) {
        if (failed(err, /EEXIST/))
          throw new Error(`${name}: cannot add ${formatAddress(a)}: ${(err as Error).message}`);
      }
    }
    return done;
  }

  dispose(): void {
    this.rt?.socket.close();
    this.rt = undefined;
  }
}
