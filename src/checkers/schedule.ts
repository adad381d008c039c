/**
 * The checker's scheduling rules as a pure function, after keepalived's
 * check_tcp.c tcp_epilog (the other checkers follow the same rules):
 *
 * - a success, or a failure once `retry` retries are spent, resets the retry
 *   count and waits `delay_loop`; a success on a down (or never run) checker
 *   brings it up, a failure on an up (or never run) checker takes it down;
 * - any other failure while up is retried after `delay_before_retry`, so a
 *   server goes down after retry + 1 failed attempts in a row;
 * - a checker already down is not retried: it is checked every delay_loop;
 * - the first check waits a random time in [0, warmup) (keepalived's warmup),
 *   and a checker starts up unless `alpha` says it starts down.
 */
export interface Timing {
  readonly delayLoopMs: number;
  readonly delayBeforeRetryMs: number;
  readonly retry: number;
  readonly warmupMs: number;
}

export interface CheckerState {
  readonly up: boolean;
  readonly hasRun: boolean;
  readonly retryIt: number;
}

export type Transition = 'up' | 'down';

/** What keepalived logs for this result; undefined when the result is not worth a line. */
export type Verdict =
  | { readonly kind: 'success' }
  | { readonly kind: 'failed'; readonly afterRetries: number | undefined }
  | { readonly kind: 'retrying'; readonly attempt: number };

export interface Step {
  readonly state: CheckerState;
  readonly delayMs: number;
  readonly transition: Transition | undefined;
  readonly verdict: Verdict | undefined;
}

export function initialState(alpha: boolean): CheckerState {
  return { up: !alpha, hasRun: false, retryIt: 0 };
}

/** keepalived: the first check of each checker at a random point of the warmup. */
export function firstDelayMs(t: Timing, random: () => number): number {
  return t.warmupMs > 0 ? Math.floor(random() * t.warmupMs) : 0;
}

export function afterResult(s: CheckerState, success: boolean, t: Timing): Step {
  const fresh = s.up || !s.hasRun;
  if (success || (fresh && s.retryIt >= t.retry)) {
    let verdict: Verdict | undefined;
    let transition: Transition | undefined;
    if (success && (!s.up || !s.hasRun)) {
      verdict = { kind: 'success' };
      if (!s.up) transition = 'up';
    } else if (!success && fresh) {
      verdict = { kind: 'failed', afterRetries: t.retry && s.hasRun ? t.retry : undefined };
      if (s.up) transition = 'down';
    }
    const up = transition === undefined ? s.up : transition === 'up';
    return {
      state: { up, hasRun: true, retryIt: 0 },
      delayMs: t.delayLoopMs,
      transition,
      verdict,
    };
  }
  if (s.up) {
    return {
      state: { up: true, hasRun: true, retryIt: s.retryIt + 1 },
      delayMs: t.delayBeforeRetryMs,
      transition: undefined,
      verdict: { kind: 'retrying', attempt: s.retryIt + 1 },
    };
  }
  return {
    state: { ...s, hasRun: true },
    delayMs: t.delayLoopMs,
    transition: undefined,
    verdict: undefined,
  };
}
