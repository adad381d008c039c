/**
 * Drives one checker on a clock: the first attempt after warmup, then each
 * result through the pure rules of schedule.ts. Attempts never overlap: the
 * next one is armed when the previous one has resolved.
 */
import type { Logger } from '../core/log';
import type { Check, CheckResult } from './check';
import type { Clock, TimerHandle } from './clock';
import { verdictLine, type LineContext } from './log-lines';
import {
  afterResult,
  firstDelayMs,
  initialState,
  type CheckerState,
  type Timing,
} from './schedule';

export interface RunnerEvents {
  /** Every attempt's result, with the checker's state after it. */
  onResult(state: CheckerState, result: CheckResult, at: number): void;
}

export class CheckerRunner {
  private s: CheckerState;
  private timer: TimerHandle | undefined;
  private disposed = false;
  /** ha_suspend: the timer still ticks every delay_loop, no check runs (keepalived's disabled checker). */
  suspended = false;
  attempts = 0;

  constructor(
    private readonly check: Check,
    readonly timing: Timing,
    alpha: boolean,
    private readonly clock: Clock,
    private readonly random: () => number,
    private readonly log: Logger,
    private readonly line: LineContext,
    private readonly events: RunnerEvents,
  ) {
    this.s = initialState(alpha);
  }

  get state(): CheckerState {
    return this.s;
  }

  start(): void {
    this.arm(firstDelayMs(this.timing, this.random));
  }

  private arm(delayMs: number): void {
    if (this.disposed) return;
    this.timer = this.clock.setTimer(delayMs, () => {
      this.timer = undefined;
      if (this.suspended) this.arm(this.timing.delayLoopMs);
      else void this.attempt();
    });
  }

  private async attempt(): Promise<void> {
    let result: CheckResult;
    try {
      result = await this.check.run();
    } catch (err) {
      result = { ok: false, detail: err instanceof Error ? err.message : String(err) };
    }
    if (this.disposed) return;
    this.attempts++;
    const step = afterResult(this.s, result.ok, this.timing);
    this.s = step.state;
    if (step.verdict) {
      const { line, always } = verdictLine(this.line, step.verdict, result);
      if (always) this.log.info(line);
      else this.log.detail(line);
    }
    this.events.onResult(this.s, result, this.clock.wallNow());
    this.arm(step.delayMs);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer) this.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.check.dispose?.();
  }
}
