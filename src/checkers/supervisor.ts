/**
 * The daemon's side of the checker process: starts `halb checkers`, sends it
 * the setup (again on every reload and after every restart), keeps the
 * current HealthTable from its reports and tells listeners about each change.
 * A child that dies is started again after a delay that grows while it keeps
 * dying (keepalived's "Healthcheck child process(N) died: Respawning").
 */
import { withOneMallocArena } from '../platform/malloc-env';
import { spawn, type ChildProcess } from 'node:child_process';
import { baseSchedulingEnv, resetChildRtLimit } from '../platform/scheduling';
import type { Logger } from '../core/log';
import { healthKey, type HealthReport, type HealthTable } from '../lvs/health';
import { decodeFromChild, encodeLine, LineSplitter } from './protocol';
import type { CheckerSetup } from './setup';

export interface SupervisorOptions {
  /** How to start this executable: [program, script?]; 'checkers' is appended. */
  readonly entry: readonly string[];
  readonly log: Logger;
  /**
   * Where the child's own log lines go (already formatted); by default they
   * go straight to this process's stderr (the daemon's log).
   */
  readonly childLog?: (line: string) => void;
  readonly logDetail?: boolean;
  /** Restart delays, in order; the last repeats. A child that lived a minute resets them. */
  readonly restartDelaysMs?: readonly number[];
  readonly env?: NodeJS.ProcessEnv;
  /**
   * A starting child may take this long to say its first word before it
   * counts as stale (the appliance supervisor gives its own children the
   * same): an emulated or loaded box takes seconds to start the executable.
   */
  readonly startGraceMs?: number;
}

export type HealthListener = (
  change: HealthReport | { removed: string },
  table: HealthTable,
) => void;

const DEFAULT_DELAYS = [0, 1000, 2000, 5000, 10000, 30000];
const STABLE_MS = 60000;
const START_GRACE_MS = 60000;

export class CheckerSupervisor {
  private child: ChildProcess | undefined;
  private setup: CheckerSetup | undefined;
  private readonly health = new Map<string, HealthReport>();
  private readonly listeners: HealthListener[] = [];
  private readonly readyWaiters: Array<() => void> = [];
  private restartTimer: NodeJS.Timeout | undefined;
  private deaths = 0;
  private startedAt = 0;
  private disposed = false;
  private lastHeardMs = 0;
  private heardSinceSpawn = false;
  restarts = 0;

  constructor(private readonly opts: SupervisorOptions) {}

  get table(): HealthTable {
    return this.health;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * The running child has said nothing (not even its `alive` every second)
   * for `maxSilenceMs`: its event loop is stuck. For the appliance supervisor's
   * heartbeat (Daemon.staleChildren) and so the watchdog. A child that has not
   * said its first word yet has `startGraceMs` (a silent start used to stop the
   * watchdog's feeding 5 s after each checker start on a loaded box).
   */
  stale(maxSilenceMs = 5000, nowMs = performance.now()): boolean {
    const limit = this.heardSinceSpawn
      ? maxSilenceMs
      : Math.max(maxSilenceMs, this.opts.startGraceMs ?? START_GRACE_MS);
    return this.child !== undefined && nowMs - this.lastHeardMs > limit;
  }

  onChange(l: HealthListener): () => void {
    this.listeners.push(l);
    return () => {
      const i = this.listeners.indexOf(l);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Resolves when the child has applied the latest setup. */
  ready(): Promise<void> {
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  start(setup: CheckerSetup): void {
    this.setup = setup;
    if (!this.child && !this.restartTimer) this.spawnChild();
  }

  /** A reload: the child keeps the checks whose configuration did not change. */
  update(setup: CheckerSetup): void {
    this.setup = setup;
    if (this.child?.stdin?.writable) this.child.stdin.write(encodeLine({ type: 'setup', setup }));
  }

  private bfdStates: Readonly<Record<string, boolean>> = {};

  /** The BFD sessions' states for BFD_CHECK: sent now, and again to a restarted child. */
  bfd(states: Readonly<Record<string, boolean>>): void {
    this.bfdStates = states;
    if (this.child?.stdin?.writable) this.child.stdin.write(encodeLine({ type: 'bfd', states }));
  }

  private spawnChild(): void {
    const [program, ...rest] = this.opts.entry;
    const args = [...rest, 'checkers', ...(this.opts.logDetail ? ['-D'] : [])];
    const child = spawn(program as string, args, {
      stdio: ['pipe', 'pipe', this.opts.childLog ? 'pipe' : 'inherit'],
      // halb's own command line, even when this executable answers to 'keepalived'.
      argv0: 'halb',
      env: withOneMallocArena(childEnv(this.opts.env ?? process.env)),
    });
    this.child = child;
    resetChildRtLimit(child.pid);
    this.startedAt = Date.now();
    this.lastHeardMs = performance.now();
    this.heardSinceSpawn = false;
    this.opts.log.info(`Starting Healthcheck child process, pid=${child.pid}`);
    const out = new LineSplitter();
    const err = new LineSplitter();
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (c: string) => out.push(c, (l) => this.fromChild(l)));
    const childLog = this.opts.childLog;
    if (childLog) child.stderr?.on('data', (c: string) => err.push(c, childLog));
    child.stdin?.on('error', () => undefined); // EPIPE when it dies: 'exit' handles it
    child.on('error', (e) => this.opts.log.error(`Healthcheck child process: ${e.message}`));
    child.on('exit', (code, signal) => this.exited(child, code, signal));
    if (this.setup) {
      // A restarted child starts every server where the last one left it: no flap.
      const known: Record<string, boolean> = {};
      for (const [k, r] of this.health) known[k] = r.up;
      child.stdin?.write(encodeLine({ type: 'setup', setup: this.setup, known }));
    }
    if (Object.keys(this.bfdStates).length > 0)
      child.stdin?.write(encodeLine({ type: 'bfd', states: this.bfdStates }));
  }

  private fromChild(line: string): void {
    this.lastHeardMs = performance.now();
    this.heardSinceSpawn = true;
    const m = decodeFromChild(line);
    if (!m) {
      if (this.opts.childLog) this.opts.childLog(line);
      else this.opts.log.warn(`Healthcheck child process said: ${line.slice(0, 200)}`);
      return;
    }
    switch (m.type) {
      case 'report': {
        const key = healthKey(m.report.service, m.report.server);
        const before = this.health.get(key);
        this.health.set(key, m.report);
        if (!before || before.up !== m.report.up || before.weight !== m.report.weight)
          for (const l of this.listeners) l(m.report, this.health);
        // (a report that changes neither, such as the first check's, only refreshes the table)
        return;
      }
      case 'removed':
        this.remove(m.key);
        return;
      case 'alive':
        return;
      case 'ready': {
        const keep = new Set(m.keys);
        for (const k of [...this.health.keys()]) if (!keep.has(k)) this.remove(k);
        for (const w of this.readyWaiters.splice(0)) w();
        return;
      }
    }
  }

  private remove(key: string): void {
    if (!this.health.delete(key)) return;
    for (const l of this.listeners) l({ removed: key }, this.health);
  }

  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = undefined;
    if (this.disposed) return;
    if (Date.now() - this.startedAt > STABLE_MS) this.deaths = 0;
    const delays = this.opts.restartDelaysMs ?? DEFAULT_DELAYS;
    const delay = delays[Math.min(this.deaths, delays.length - 1)] ?? 0;
    this.deaths++;
    this.opts.log.info(
      `Healthcheck child process(${child.pid}) died (${signal ?? `exit ${code}`}): Respawning`,
    );
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.disposed) return;
      this.restarts++;
      this.spawnChild();
    }, delay);
  }

  /** Stops the child (SIGTERM, then SIGKILL after `graceMs`: child_wait_time) and never restarts it. */
  async dispose(graceMs = 5000): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      this.opts.log.info('Healthcheck child process failed to die - forcing termination');
      child.kill('SIGKILL');
    }, graceMs);
    await gone;
    clearTimeout(timer);
  }
}

/** The child's environment: halb's personality, and not the daemon's own heartbeat pipe. */
function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  // What the daemon started with, not the VRRP settings the child inherits.
  const out: NodeJS.ProcessEnv = { ...env, HALB_PERSONALITY: 'halb', ...baseSchedulingEnv() };
  delete out.HALB_HEARTBEAT_FD;
  return out;
}
