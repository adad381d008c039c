/** Timers that fire only when a test moves time (see src/leds/timers.ts). */
import type { Timers } from '../../src/leds/timers';

interface Entry {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  live: boolean;
}

export class FakeTimers implements Timers {
  now = 0;
  private seq = 0;
  private entries: Entry[] = [];

  setTimeout(fn: () => void, ms: number): unknown {
    const e: Entry = { at: this.now + ms, seq: this.seq++, fn, live: true };
    this.entries.push(e);
    return e;
  }

  clearTimeout(handle: unknown): void {
    if (handle) (handle as Entry).live = false;
  }

  /** Timers still armed. */
  get pending(): number {
    return this.entries.filter((e) => e.live).length;
  }

  /** Moves time by ms, firing each due timer in order and letting promises settle between. */
  async advance(ms: number): Promise<void> {
    const to = this.now + ms;
    for (;;) {
      await settle();
      const due = this.entries
        .filter((e) => e.live && e.at <= to)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      due.live = false;
      this.now = due.at;
      due.fn();
    }
    this.now = to;
    this.entries = this.entries.filter((e) => e.live);
    await settle();
  }
}

/** Lets queued microtasks and promise chains run (no timers, no I/O). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}
