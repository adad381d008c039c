/**
 * When to restart a child that exited, and when to give up and reboot: a
 * doubling backoff (0.5 s, 1 s, 2 s ... capped), reset once the child has run
 * steadily; too many exits in a window escalate to a reboot. Pure: times are
 * given in, decisions come out.
 */

export interface RestartPolicyOptions {
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  /** A child that ran this long is healthy again: the backoff starts over. */
  readonly stableMs: number;
  /** This many exits within windowMs mean restarting does not help. */
  readonly maxExits: number;
  readonly windowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicyOptions = {
  firstDelayMs: 500,
  maxDelayMs: 8000,
  stableMs: 60000,
  maxExits: 5,
  windowMs: 60000,
};

export type RestartDecision =
  | { readonly action: 'restart'; readonly afterMs: number }
  | { readonly action: 'reboot'; readonly why: string };

export class RestartPolicy {
  private exits: number[] = [];
  private delayMs: number;

  constructor(private readonly o: RestartPolicyOptions = DEFAULT_RESTART_POLICY) {
    this.delayMs = o.firstDelayMs;
  }

  /** A child started at startedAt exited at now: what next. */
  exited(startedAt: number, now: number): RestartDecision {
    if (now - startedAt >= this.o.stableMs) this.delayMs = this.o.firstDelayMs;
    this.exits = [...this.exits.filter((t) => now - t < this.o.windowMs), now];
    if (this.exits.length >= this.o.maxExits)
      return {
        action: 'reboot',
        why: `${this.exits.length} exits within ${Math.round(this.o.windowMs / 1000)} s`,
      };
    const afterMs = this.delayMs;
    this.delayMs = Math.min(this.o.maxDelayMs, this.delayMs * 2);
    return { action: 'restart', afterMs };
  }

  get recentExits(): number {
    return this.exits.length;
  }
}
