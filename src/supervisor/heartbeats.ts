/**
 * The supervisor's view of its children's liveness: each child says "alive"
 * (with its event-loop delay) every second over its heartbeat pipe; the box
 * is healthy only while every running child has spoken within staleMs. Pure.
 */

export interface Beat {
  readonly at: number;
  /** The child's event-loop delay over its last interval (p99, ms). */
  readonly loopDelayMs: number;
  /** Children of the child that it vouches for (the daemon for its checkers). */
  readonly staleGrandchildren: readonly string[];
}

export class Heartbeats {
  private readonly last = new Map<string, Beat>();

  constructor(private readonly staleMs: number) {}

  /** A child started: it gets staleMs from now to say its first word. */
  started(name: string, now: number): void {
    this.last.set(name, { at: now, loopDelayMs: 0, staleGrandchildren: [] });
  }

  beat(name: string, beat: Beat): void {
    this.last.set(name, beat);
  }

  /** A child that exited is not waited for (the restart policy deals with it). */
  gone(name: string): void {
    this.last.delete(name);
  }

  /** Who is stale now, with why; empty when every child is fresh. */
  stale(now: number): string[] {
    const out: string[] = [];
    for (const [name, b] of this.last) {
      if (now - b.at > this.staleMs)
        out.push(`${name} silent for ${Math.round((now - b.at) / 100) / 10} s`);
      for (const g of b.staleGrandchildren) out.push(`${name}: ${g}`);
    }
    return out;
  }

  view(): Record<string, Beat> {
    return Object.fromEntries(this.last);
  }
}
