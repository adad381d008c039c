/**
 * vrrp_script: runs a check every `interval` seconds without blocking the
 * timers (a child process, killed at `timeout`), and reports a change only
 * after `rise` successes or `fall` failures in a row, as keepalived does.
 * Until its first result a script is in keepalived's init state (ok
 * undefined): that first result decides whatever rise and fall say
 * (keepalived starts the count at rise - 1 and drops to failed on any
 * failure while in init). init_fail starts it failed instead.
 */
import { spawn } from 'node:child_process';
import type { VrrpScriptConfig } from '../config/vrrp-config';
import type { Logger } from '../core/log';

export interface Hysteresis {
  /** undefined: no result yet (init). */
  readonly ok: boolean | undefined;
  readonly streak: number;
}

/** The pure part: one more result, with rise/fall. */
export function nextHysteresis(
  h: Hysteresis,
  success: boolean,
  rise: number,
  fall: number,
): Hysteresis {
  if (h.ok === undefined || success === h.ok) return { ok: success, streak: 0 };
  const streak = h.streak + 1;
  return streak >= (success ? rise : fall) ? { ok: success, streak: 0 } : { ok: h.ok, streak };
}

export class ScriptTracker {
  private h: Hysteresis;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly listeners: Array<(ok: boolean) => void> = [];
  runs = 0;

  constructor(
    readonly cfg: VrrpScriptConfig,
    private readonly log: Logger,
    private readonly runAs: { readonly uid: number; readonly gid: number } | undefined = undefined,
    /** Script security refused this script: it counts as failed and never runs. */
    private readonly refused: string | undefined = undefined,
  ) {
    this.h = { ok: refused !== undefined || cfg.initFail ? false : undefined, streak: 0 };
    if (refused) log.error(`VRRP_Script(${cfg.name}) refused: ${refused}`);
  }

  /** undefined until the first result (keepalived's init state). */
  get ok(): boolean | undefined {
    return this.h.ok;
  }

  onChange(l: (ok: boolean) => void): void {
    this.listeners.push(l);
  }

  start(): void {
    if (!this.refused) this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.runOnce(), delayMs);
  }

  private runOnce(): void {
    const argv = this.cfg.argv;
    if (argv.length === 0) return;
    const started = Date.now();
    const child = spawn(argv[0] as string, argv.slice(1), {
      stdio: 'ignore',
      ...(this.runAs ?? {}),
    });
    let done = false;
    const finish = (success: boolean, why: string): void => {
      if (done) return;
      done = true;
      clearTimeout(kill);
      this.runs++;
      this.result(success, why);
      this.schedule(Math.max(0, this.cfg.intervalS * 1000 - (Date.now() - started)));
    };
    const kill = setTimeout(() => {
      child.kill('SIGKILL');
      finish(false, `timed out after ${this.cfg.timeoutS} s`);
    }, this.cfg.timeoutS * 1000);
    child.on('error', (err) => finish(false, err.message));
    child.on('exit', (code, signal) =>
      finish(code === 0, signal ? `killed by ${signal}` : `exit ${code}`),
    );
  }

  private result(success: boolean, why: string): void {
    const before = this.h.ok;
    this.h = nextHysteresis(this.h, success, this.cfg.rise, this.cfg.fall);
    if (this.h.ok !== before) {
      this.log.info(`VRRP_Script(${this.cfg.name}) ${this.h.ok ? 'succeeded' : `failed (${why})`}`);
      for (const l of this.listeners) l(this.h.ok === true);
    }
  }

  dispose(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
