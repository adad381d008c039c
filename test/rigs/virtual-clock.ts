/**
 * A virtual clock for the checkers (src/checkers/clock.ts): time moves only
 * when the test says, and every timer due on the way fires in order, with
 * the promises it starts settled before the next one.
 */
import type { Clock, TimerHandle } from '../../src/checkers/clock';

interface Timer {
  readonly id: number;
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

/** Lets pending promise callbacks (and their follow-ups) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}

export class VirtualClock implements Clock {
  private t = 0;
  private seq = 0;
  private nextId = 1;
  private timers = new Map<number, Timer>();

  constructor(private readonly wallBase = Date.UTC(2026, 10, 22)) {}

  now(): number {
    return this.t;
  }

  wallNow(): number {
    return this.wallBase + this.t;
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { id, at: this.t + Math.max(0, delayMs), seq: this.seq++, fn });
    return { id };
  }

  clearTimer(h: TimerHandle): void {
    this.timers.delete(h.id);
  }

  get pending(): number {
    return this.timers.size;
  }

  /** Moves time to `now + ms`, firing each due timer at its own time. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await settle();
    for (;;) {
      let first: Timer | undefined;
      for (const x of this.timers.values())
        if (x.at <= end && (!first || x.at < first.at || (x.at === first.at && x.seq < first.seq)))
          first = x;
      if (!first) break;
      this.timers.delete(first.id);
      this.t = first.at;
      first.fn();
      await settle();
    }
    this.t = end;
  }
}
