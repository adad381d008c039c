/**
 * The addon's repeat fast path for one receiving socket (native/halb_net.c,
 * fast_repeat): an instance whose master's advert changes nothing but its
 * master-down time arms the packet, and repeats of it are then counted in the
 * addon instead of being handed up one wakeup at a time. The instance takes
 * the count and the last arrival when it next steps its state machine
 * (vrrp/instance.ts), so its timers are exactly what they would have been.
 */
import { performance } from 'node:perf_hooks';
import type { HalbSys } from '../../platform/halb-sys';
import { ipBytes } from '../checksum';
import type { ReceivedPacket } from './vrrp-socket';

export interface Repeats {
  /**
   * Repeats of `p` (for its VRID) are counted from now on. `anyTtl`: unicast
   * without check_unicast_src, where the TTL is not checked. False when the
   * VRID is another owner's or the packet cannot be matched.
   */
  arm(owner: object, p: ReceivedPacket, anyTtl: boolean): boolean;
  /** Every packet of the VRID is handed up again. */
  clear(owner: object, vrid: number): void;
  /**
   * The repeats counted since the last take: how many, and when the last one
   * came on performance.now()'s clock; undefined when none came.
   */
  take(owner: object, vrid: number): { count: number; at: number } | undefined;
}

export class RepeatFilter implements Repeats {
  private seen: Float64Array | undefined;
  private counts: Uint32Array | undefined;
  private readonly taken = new Uint32Array(256);
  private readonly owners: Array<object | undefined> = new Array<object | undefined>(256);
  /** performance.now() less the addon's CLOCK_MONOTONIC milliseconds. */
  private offset = 0;

  constructor(
    private readonly sys: HalbSys,
    private watcher: object,
  ) {}

  /** The socket was opened again (a re-created interface): nothing is armed on the new one. */
  reset(watcher: object): void {
    this.watcher = watcher;
    this.seen = undefined;
    this.counts = undefined;
    this.taken.fill(0);
    this.owners.fill(undefined);
  }

  arm(owner: object, p: ReceivedPacket, anyTtl: boolean): boolean {
    const vrid = p.payload[1] as number;
    const other = this.owners[vrid];
    if ((other !== undefined && other !== owner) || (!anyTtl && p.hopLimit < 0)) return false;
    try {
      if (!this.seen) {
        const ab = this.sys.fastInit(this.watcher);
        this.seen = new Float64Array(ab, 0, 256);
        this.counts = new Uint32Array(ab, 256 * 8, 256);
        this.offset = performance.now() - this.sys.monotonicMs();
      }
      this.sys.fastArm(
        this.watcher,
        vrid,
        anyTtl ? -1 : p.hopLimit,
        ipBytes(p.src),
        ipBytes(p.dst),
        p.payload,
      );
    } catch {
      return false; // an address of the other family, a packet too big: not armed
    }
    if (other === undefined) this.taken[vrid] = this.counts?.[vrid] ?? 0;
    this.owners[vrid] = owner;
    return true;
  }

  clear(owner: object, vrid: number): void {
    if (this.owners[vrid] !== owner) return;
    this.sys.fastClear(this.watcher, vrid);
    this.owners[vrid] = undefined;
  }

  take(owner: object, vrid: number): { count: number; at: number } | undefined {
    const counts = this.counts;
    if (!counts || this.owners[vrid] !== owner) return undefined;
    const now = counts[vrid] as number;
    const count = (now - (this.taken[vrid] as number)) >>> 0;
    if (count === 0) return undefined;
    this.taken[vrid] = now;
    return { count, at: (this.seen?.[vrid] as number) + this.offset };
  }
}
