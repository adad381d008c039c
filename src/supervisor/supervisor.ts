/**
 * `halb run` on an appliance: the supervisor. It starts its children (the
 * daemon: VRRP, control socket, and the checkers under it), restarts one
 * that exits with backoff, escalates to a reboot (it stops feeding the
 * hardware watchdog) when restarts keep failing, and feeds the watchdog only
 * while every child's heartbeat is fresh — so a hung event loop anywhere
 * reboots the box. Its view (children, restarts, watchdog) is written to
 * RUNTIME/supervisor.json for `halb status`.
 */
import { withOneMallocArena } from '../platform/malloc-env';
import { compactPeriodically } from '../platform/heap';
import { trimSoon } from '../platform/trim';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { Logger } from '../core/log';
import { parseHeartbeat } from './heartbeat-sender';
import { Heartbeats } from './heartbeats';
import { RestartPolicy, type RestartPolicyOptions } from './restart-policy';
import { LinuxWatchdog, WatchdogFeeder, type WatchdogDevice, type WatchdogView } from './watchdog';

/** The daemon's exit status for a refused config (cli/cmd/run.ts). */
const CONFIG_REFUSED = 2;

export interface ChildSpec {
  readonly name: string;
  /** Program and arguments (the executable itself, in another role). */
  readonly argv: readonly string[];
}

export interface SupervisorOptions {
  readonly runtimeDir: string;
  readonly watchdog?: { readonly device: string; readonly timeoutS: number } | undefined;
  readonly staleMs?: number;
  readonly policy?: RestartPolicyOptions;
  /** Tests: a device without /dev/watchdog. */
  readonly openWatchdog?: (device: string) => WatchdogDevice;
}

export interface ChildView {
  readonly name: string;
  readonly pid: number | null;
  readonly running: boolean;
  readonly restarts: number;
  readonly startedAt: number | null;
  readonly lastExit: string | null;
  readonly loopDelayMs: number | null;
  /** Its last heartbeat (null until the first one: a child still starting). */
  readonly lastBeatAt: number | null;
}

export interface SupervisorView {
  readonly pid: number;
  readonly children: readonly ChildView[];
  readonly watchdog: WatchdogView | null;
  readonly problems: readonly string[];
  readonly rebootPending: string | null;
}

interface Child {
  readonly spec: ChildSpec;
  readonly policy: RestartPolicy;
  proc: ChildProcess | undefined;
  startedAt: number | null;
  restarts: number;
  lastExit: string | null;
  timer: NodeJS.Timeout | undefined;
}

export class Supervisor {
  private readonly children: Child[];
  private readonly beats: Heartbeats;
  private feeder: WatchdogFeeder | undefined;
  private stopping = false;
  private rebootPending: string | null = null;
  private viewTimer: NodeJS.Timeout | undefined;

  constructor(
    specs: readonly ChildSpec[],
    private readonly log: Logger,
    private readonly opts: SupervisorOptions,
  ) {
    this.children = specs.map((spec) => ({
      spec,
      policy: new RestartPolicy(opts.policy),
      proc: undefined,
      startedAt: null,
      restarts: 0,
      lastExit: null,
      timer: undefined,
    }));
    this.beats = new Heartbeats(opts.staleMs ?? 5000);
  }

  start(): void {
    const w = this.opts.watchdog;
    if (w) {
      try {
        const dev = (this.opts.openWatchdog ?? ((d) => new LinuxWatchdog(d)))(w.device);
        this.feeder = new WatchdogFeeder(
          dev,
          w.device,
          w.timeoutS,
          () => this.problems(),
          (why) =>
            this.log.error(
              `not feeding the watchdog: ${why}; the box reboots within ${this.feeder?.timeoutS ?? w.timeoutS} s`,
            ),
        );
        const v = this.feeder.view();
        this.log.info(
          `Watchdog ${v.device} (${v.identity}) timeout ${v.timeoutS} s${v.lastRebootByWatchdog ? "; the last reboot was the watchdog's" : ''}`,
        );
      } catch (err) {
        this.log.error(`cannot open the watchdog ${w.device}: ${(err as Error).message}`);
      }
    }
    for (const c of this.children) this.spawn(c);
    this.feeder?.start();
    trimSoon();
    compactPeriodically();
    this.writeView();
    this.viewTimer = setInterval(() => this.writeView(), 1000);
  }

  private problems(): string[] {
    const p = this.beats.stale(Date.now());
    if (this.rebootPending) p.push(this.rebootPending);
    return p;
  }

  private spawn(c: Child): void {
    const [prog, ...args] = c.spec.argv;
    const proc = spawn(prog as string, args, {
      stdio: ['ignore', 'inherit', 'inherit', 'pipe'],
      env: withOneMallocArena({
        ...process.env,
        HALB_HEARTBEAT_FD: '3',
        HALB_SUPERVISOR_PID: String(process.pid),
      }),
    });
    c.proc = proc;
    c.startedAt = Date.now();
    this.beats.started(c.spec.name, c.startedAt);
    this.log.info(`started ${c.spec.name} (pid ${proc.pid})`);
    const pipe = proc.stdio[3];
    if (pipe && 'on' in pipe) {
      readline.createInterface({ input: pipe as NodeJS.ReadableStream }).on('line', (line) => {
        const hb = parseHeartbeat(line);
        if (hb)
          this.beats.beat(c.spec.name, {
            at: Date.now(),
            loopDelayMs: hb.loopDelayMs,
            staleGrandchildren: hb.stale,
          });
      });
    }
    proc.on('exit', (code, signal) => this.exited(c, proc, code, signal));
  }

  private exited(c: Child, proc: ChildProcess, code: number | null, signal: string | null): void {
    if (c.proc !== proc) return;
    c.proc = undefined;
    this.beats.gone(c.spec.name);
    c.lastExit = signal ? `killed by ${signal}` : `exit ${code}`;
    if (this.stopping) return;
    if (code === CONFIG_REFUSED) {
      // Restarting cannot fix a config: wait for the next reload (SIGHUP) to try again.
      c.lastExit = 'config refused';
      this.log.error(`${c.spec.name}: the config was refused; waiting for a reload (SIGHUP)`);
      return;
    }
    const d = c.policy.exited(c.startedAt ?? Date.now(), Date.now());
    if (d.action === 'reboot') {
      this.rebootPending = `${c.spec.name}: ${d.why}`;
      this.log.error(`${c.spec.name} keeps exiting (${d.why}): giving up, rebooting`);
      if (this.feeder) this.feeder.abandon(this.rebootPending);
      else process.exitCode = 1;
      return;
    }
    this.log.warn(`${c.spec.name} ${c.lastExit}; restarting in ${d.afterMs} ms`);
    c.timer = setTimeout(() => {
      c.timer = undefined;
      c.restarts++;
      if (!this.stopping) this.spawn(c);
    }, d.afterMs);
  }

  /** Passes a signal (SIGHUP: reload) to the children; a reload also restarts one whose config was refused. */
  signal(sig: NodeJS.Signals): void {
    for (const c of this.children) {
      if (c.proc) c.proc.kill(sig);
      else if (sig === 'SIGHUP' && c.lastExit === 'config refused' && !c.timer) this.spawn(c);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const exits = this.children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.timer) clearTimeout(c.timer);
          const p = c.proc;
          if (!p || p.exitCode !== null) return resolve();
          const kill = setTimeout(() => p.kill('SIGKILL'), 10000);
          p.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          p.kill('SIGTERM');
        }),
    );
    await Promise.all(exits);
    if (this.viewTimer) clearInterval(this.viewTimer);
    // Deliberate stop: the magic close tells the driver to stop the timer.
    this.feeder?.stop();
    this.writeView();
  }

  view(): SupervisorView {
    const beats = this.beats.view();
    return {
      pid: process.pid,
      children: this.children.map((c) => ({
        name: c.spec.name,
        pid: c.proc?.pid ?? null,
        running: c.proc !== undefined,
        restarts: c.restarts,
        startedAt: c.startedAt,
        lastExit: c.lastExit,
        loopDelayMs: this.beats.lastHeard(c.spec.name)
          ? (beats[c.spec.name]?.loopDelayMs ?? null)
          : null,
        lastBeatAt: this.beats.lastHeard(c.spec.name),
      })),
      watchdog: this.feeder?.view() ?? null,
      problems: this.problems(),
      rebootPending: this.rebootPending,
    };
  }

  private writeView(): void {
    const file = path.join(this.opts.runtimeDir, 'supervisor.json');
    try {
      fs.mkdirSync(this.opts.runtimeDir, { recursive: true });
      fs.writeFileSync(`${file}.tmp`, JSON.stringify(this.view()) + '\n');
      fs.renameSync(`${file}.tmp`, file);
    } catch (err) {
      this.log.error(`cannot write ${file}: ${(err as Error).message}`);
    }
  }
}
