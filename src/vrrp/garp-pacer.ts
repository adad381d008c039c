/**
 * garp_interval / gna_interval: at most one gratuitous ARP (or unsolicited
 * NA) per interval on an interface, whichever instances they come from, as
 * keepalived paces them (global vrrp_garp_interval / vrrp_gna_interval, or a
 * garp_group naming the interface). Frames over the pace wait in a queue that
 * drains one per interval; an interval of 0 sends at once.
 */
import type { FrameSender } from './announcer';

export interface PacerClock {
  now(): number;
  later(ms: number, fn: () => void): { cancel(): void };
}

export const realClock: PacerClock = {
  now: () => performance.now(),
  later: (ms, fn) => {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
};

interface Lane {
  nextAt: number;
  queue: { frame: Buffer; owner: object | undefined }[];
  timer: { cancel(): void } | undefined;
}

/** Ethertype 0x0806 is ARP; everything else announced here is an IPv6 NA. */
function isArp(frame: Buffer): boolean {
  return frame.readUInt16BE(12) === 0x0806;
}

export class GarpPacer implements FrameSender {
  private readonly lanes = new Map<string, Lane>();

  constructor(
    private readonly inner: FrameSender,
    /** Seconds between frames on an interface, for ARP (true) or NA (false). */
    private readonly intervalS: (ifindex: number, arp: boolean) => number,
    private readonly clock: PacerClock = realClock,
  ) {}

  send(ifindex: number, frame: Buffer, owner?: object): void {
    const arp = isArp(frame);
    const gapMs = this.intervalS(ifindex, arp) * 1000;
    if (gapMs <= 0) {
      this.inner.send(ifindex, frame);
      return;
    }
    const key = `${ifindex}/${arp ? 'arp' : 'na'}`;
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { nextAt: 0, queue: [], timer: undefined };
      this.lanes.set(key, lane);
    }
    const now = this.clock.now();
    if (lane.queue.length === 0 && now >= lane.nextAt) {
      this.inner.send(ifindex, frame);
      lane.nextAt = now + gapMs;
      return;
    }
    lane.queue.push({ frame, owner });
    this.drainLater(ifindex, lane, gapMs);
  }

  private drainLater(ifindex: number, lane: Lane, gapMs: number): void {
    if (lane.timer) return;
    lane.timer = this.clock.later(Math.max(0, lane.nextAt - this.clock.now()), () => {
      lane.timer = undefined;
      const next = lane.queue.shift();
      if (!next) return;
      this.inner.send(ifindex, next.frame);
      lane.nextAt = this.clock.now() + gapMs;
      if (lane.queue.length > 0) this.drainLater(ifindex, lane, gapMs);
    });
  }

  /** Drops the frames an announcer queued (it left MASTER). */
  cancel(owner: object): void {
    for (const lane of this.lanes.values()) {
      lane.queue = lane.queue.filter((q) => q.owner !== owner);
      if (lane.queue.length === 0) {
        lane.timer?.cancel();
        lane.timer = undefined;
      }
    }
  }
}
