/**
 * vrrp_track_process as keepalived 2.2.7 keeps it: which processes match
 * each tracked block (by name, or by argv[0] and parameters), counted per
 * block, up while quorum <= count <= quorum_max. A /proc scan at start (and
 * after lost events); then the kernel's process events: a fork of a matching
 * process matches too (fork_delay applies to the change it makes), an exec
 * or a name change is looked at again, an exit leaves (terminate_delay
 * applies). Threads are ignored. /proc and the timers are injected, so the
 * logic runs in unit tests on a virtual clock.
 */
import type { TrackProcessConfig } from '../config/vrrp-config';
import type { Logger } from '../core/log';
import { realTimers, type Timers } from '../leds/timers';
import type { ProcEvent } from './io/proc-events';

export interface ProcInfo {
  /** The name from stat/comm (at most 15 characters). */
  readonly comm: string;
  /** argv as /proc/PID/cmdline has it (empty for kernel threads and zombies). */
  readonly argv: readonly string[];
}

export interface ProcSource {
  /** Every process (thread group leader) running now. */
  pids(): number[];
  /** What one process runs; undefined when it is gone (or a zombie). */
  inspect(pid: number): ProcInfo | undefined;
}

/** Pure: does this process match the block? */
export function processMatches(cfg: TrackProcessConfig, info: ProcInfo): boolean {
  if (!cfg.fullCommand) return info.comm === cfg.process;
  if (info.argv[0] !== cfg.process) return false;
  const have = info.argv.slice(1);
  const want = cfg.params;
  switch (cfg.paramMatch) {
    case 'none':
      return true;
    case 'exact':
      return have.length === want.length && want.every((p, i) => have[i] === p);
    case 'partial':
      return have.length >= want.length && want.every((p, i) => have[i] === p);
    case 'initial': {
      if (want.length === 0) return true;
      const last = want.length - 1;
      return (
        have.length >= want.length &&
        want.every((p, i) => (i < last ? have[i] === p : (have[i] as string).startsWith(p)))
      );
    }
  }
}

type Cause = 'fork' | 'exit' | 'other';

class Tracked {
  count = 0;
  up = false;
  private pending: { handle: unknown; cause: Cause } | undefined;

  constructor(
    readonly cfg: TrackProcessConfig,
    private readonly timers: Timers,
    private readonly changed: (t: Tracked) => void,
  ) {}

  private inRange(): boolean {
    return this.count >= this.cfg.quorum && this.count <= this.cfg.quorumMax;
  }

  /** After a scan: the state as the count says, with no delay and no report. */
  settle(): void {
    this.cancel();
    this.up = this.inRange();
  }

  /** The count moved because of `cause`: change now, after its delay, or not at all. */
  moved(cause: Cause): void {
    const want = this.inRange();
    if (want === this.up) {
      // Back in range before a delayed change came due: no change at all.
      this.cancel();
      return;
    }
    const delayS =
      cause === 'fork' ? this.cfg.forkDelayS : cause === 'exit' ? this.cfg.terminateDelayS : 0;
    if (delayS > 0 && (!this.pending || this.pending.cause === cause)) {
      if (!this.pending)
        this.pending = {
          cause,
          handle: this.timers.setTimeout(() => {
            this.pending = undefined;
            this.apply(this.inRange());
          }, delayS * 1000),
        };
      return;
    }
    this.cancel();
    this.apply(want);
  }

  private apply(up: boolean): void {
    if (up === this.up) return;
    this.up = up;
    this.changed(this);
  }

  cancel(): void {
    if (this.pending) this.timers.clearTimeout(this.pending.handle);
    this.pending = undefined;
  }
}

export class ProcessTracker {
  private readonly tracked: Tracked[];
  /** pid -> the blocks it matches. */
  private readonly byPid = new Map<number, Tracked[]>();
  private readonly listeners: Array<(name: string, up: boolean) => void> = [];

  constructor(
    configs: readonly TrackProcessConfig[],
    private readonly proc: ProcSource,
    private readonly log: Logger,
    timers: Timers = realTimers,
  ) {
    this.tracked = configs.map(
      (c) =>
        new Tracked(c, timers, (t) => {
          this.log.info(`Quorum ${t.up ? 'gained' : 'lost'} for tracked process ${t.cfg.name}`);
          for (const l of this.listeners) l(t.cfg.name, t.up);
        }),
    );
  }

  onChange(l: (name: string, up: boolean) => void): void {
    this.listeners.push(l);
  }

  isUp(name: string): boolean | undefined {
    return this.tracked.find((t) => t.cfg.name === name)?.up;
  }

  count(name: string): number | undefined {
    return this.tracked.find((t) => t.cfg.name === name)?.count;
  }

  /**
   * Reads every process and sets each block's count and state. At start no
   * change is reported; after lost events (`report`), crossings are.
   */
  scan(report = false): void {
    this.byPid.clear();
    for (const t of this.tracked) t.count = 0;
    for (const pid of this.proc.pids()) this.look(pid);
    for (const t of this.tracked) {
      if (!report) t.settle();
      else t.moved('other');
    }
  }

  /** Which blocks `pid` matches now (counted); returns them. */
  private look(pid: number): Tracked[] {
    const info = this.proc.inspect(pid);
    const hits = info ? this.tracked.filter((t) => processMatches(t.cfg, info)) : [];
    if (hits.length > 0) this.byPid.set(pid, hits);
    for (const t of hits) t.count++;
    return hits;
  }

  private forget(pid: number): Tracked[] {
    const had = this.byPid.get(pid) ?? [];
    this.byPid.delete(pid);
    for (const t of had) t.count--;
    return had;
  }

  handle(events: readonly ProcEvent[]): void {
    for (const e of events) {
      if (e.kind === 'overrun') {
        this.log.error('process events were lost (socket overrun): rescanning /proc');
        this.scan(true);
        continue;
      }
      if (e.pid !== e.tgid) continue; // a thread
      if (e.kind === 'fork') {
        // The child runs what its parent runs: it matches what the parent matched.
        const parent = this.byPid.get(e.parentTgid);
        if (!parent || this.byPid.has(e.pid)) continue;
        this.byPid.set(e.pid, [...parent]);
        for (const t of parent) t.count++;
        for (const t of parent) t.moved('fork');
      } else if (e.kind === 'exit') {
        for (const t of this.forget(e.pid)) t.moved('exit');
      } else {
        // exec or a new name: looked at afresh.
        const before = this.forget(e.pid);
        const after = this.look(e.pid);
        for (const t of new Set([...before, ...after])) t.moved('other');
      }
    }
  }

  dispose(): void {
    for (const t of this.tracked) t.cancel();
  }
}
