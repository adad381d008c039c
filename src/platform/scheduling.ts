/**
 * A process's scheduling as keepalived sets it (lib/process.c): `*_priority`
 * (nice), `*_rt_priority` (SCHED_RR, the calling thread, reset on fork) and
 * `*_cpu_affinity` (every thread). Applied at start and again at each reload;
 * a setting a reload removes goes back to what the process had before
 * (its nice value and CPUs as started, SCHED_OTHER), so no reload needs a
 * restart for it. A CPU the box does not
 * have is an error naming the keyword, and the affinity is left as it is.
 *
 * `*_no_swap` locks the process's file-backed mappings (native/halb_lock.c
 * says why not mlockall) and `*_rlimit_rttime` sets RLIMIT_RTTIME while the
 * process runs SCHED_RR; both are process-wide, whichever Scheduler set them.
 *
 * max_auto_priority / min_auto_priority_delay (keepalived's scheduler.c and
 * increment_process_priority): when a timer of the process runs more than
 * the delay late (a loaded box), the process goes to SCHED_RR 1, and one
 * level higher at each further late run, up to the maximum. halb looks with
 * a watch timer of its own (the delay, between 50 ms and 1 s), there only
 * while the setting is on.
 */
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../core/log';
import { halbSys } from './halb-sys';

export interface ProcessScheduling {
  readonly nice?: number | undefined;
  readonly rtPriority?: number | undefined;
  readonly cpus?: readonly number[] | undefined;
  /** max_auto_priority: 1..99 on (99 without a value), 0 / -1 / unset off. */
  readonly maxAutoPriority?: number | undefined;
  /** min_auto_priority_delay in microseconds (1 s by default). */
  readonly minAutoDelayUs?: number | undefined;
  /** *_no_swap: the process's pages stay in RAM (mlockall). */
  readonly noSwap?: boolean | undefined;
  /**
   * *_rlimit_rttime (µs): while the process runs SCHED_RR, RLIMIT_RTTIME at
   * this (SIGXCPU at half). Unlike keepalived, no 10 ms default: a Node
   * process's config load or major collection runs longer than that without
   * blocking, and the kernel would kill it at the limit.
   */
  readonly rtTimeLimitUs?: number | undefined;
}

/** The next SCHED_RR priority after a late run: 1 from none, one up, never past the maximum. */
export function nextAutoPriority(current: number, max: number): number | undefined {
  if (max <= 0 || current >= max) return undefined;
  return current === 0 ? 1 : current + 1;
}

/** How often the lateness watch runs for a delay (ms): the delay, within 50 ms .. 1 s. */
export function watchPeriodMs(minDelayUs: number): number {
  return Math.min(1000, Math.max(50, Math.round(minDelayUs / 1000)));
}

/** Why the list cannot be applied on a box with `count` CPUs, if it cannot. */
export function cpuProblem(cpus: readonly number[], count: number): string | undefined {
  if (cpus.length === 0) return 'no CPU given';
  const bad = cpus.filter((c) => !Number.isInteger(c) || c < 0 || c >= count);
  return bad.length > 0 ? `this box has CPUs 0-${count - 1}, not ${bad.join(', ')}` : undefined;
}

interface Base {
  readonly nice: number;
  readonly cpus: readonly number[];
  /** RLIMIT_RTTIME [soft, hard] (µs, -1 unlimited). */
  readonly rtLimit: readonly [number, number];
}

let base: Base | undefined;

/**
 * What the process holds, whichever Scheduler set it: a reload that restarts
 * the VRRP engine makes a new one, and the process must still be unlocked.
 */
const held = {
  locked: false,
  /** The RLIMIT_RTTIME set last, "soft,hard" ("" before the first apply). */
  rtTimeLimit: '',
  xcpuWatched: false,
};

/**
 * The scheduling the runtime started with: this process's own at its first
 * look, or, in the checker process, the daemon's (HALB_BASE_SCHED): a child
 * inherits the VRRP process's nice value and CPUs, which are not its own.
 */
function baseScheduling(): Base {
  if (base) return base;
  const m = /^(-?\d+);([\d,]+);(-?\d+),(-?\d+)$/.exec(process.env.HALB_BASE_SCHED ?? '');
  base = m
    ? {
        nice: Number(m[1]),
        cpus: (m[2] as string).split(',').map(Number),
        rtLimit: [Number(m[3]), Number(m[4])],
      }
    : { nice: os.getPriority(), cpus: currentCpus(), rtLimit: currentRtLimit() };
  return base;
}

function currentRtLimit(): [number, number] {
  try {
    return halbSys().getRtTimeLimit();
  } catch {
    return [-1, -1];
  }
}

function currentCpus(): readonly number[] {
  try {
    return halbSys().getAffinity();
  } catch {
    return os.cpus().map((_c, i) => i);
  }
}

/**
 * A child just started (the checker process) gets the base RLIMIT_RTTIME
 * back: it inherited this process's vrrp_rlimit_rttime, and may not raise it.
 */
export function resetChildRtLimit(pid: number | undefined): void {
  const [soft, hard] = baseScheduling().rtLimit;
  if (pid === undefined) return;
  try {
    if (halbSys().getRtTimeLimit().join() !== `${soft},${hard}`)
      halbSys().setRtTimeLimit(soft, hard, pid);
  } catch {
    /* gone already, or no addon: the child keeps the inherited limit, which only applies under SCHED_RR */
  }
}

/** For the checker process's environment. */
export function baseSchedulingEnv(): Record<string, string> {
  const b = baseScheduling();
  return { HALB_BASE_SCHED: `${b.nice};${b.cpus.join(',')};${b.rtLimit.join(',')}` };
}

export class Scheduler {
  private was: ProcessScheduling = {};
  private first = true;
  /** The SCHED_RR priority now (configured, or raised by max_auto_priority); 0: none. */
  private rt = 0;
  private watch: NodeJS.Timeout | undefined;

  /** Constructed early: the base is read before anything changes it. */
  constructor(
    private readonly process: 'vrrp' | 'checker',
    private readonly log: Pick<Logger, 'info' | 'error'>,
  ) {
    baseScheduling();
  }

  apply(next: ProcessScheduling = {}): void {
    const { nice, rtPriority, cpus } = next;
    const was = this.was;
    const b = baseScheduling();
    // The first time, settings not given go to the base too (the checker's inherited ones).
    const first = this.first;
    this.first = false;
    try {
      if (nice !== undefined || was.nice !== undefined) os.setPriority(nice ?? b.nice);
      else if (first && os.getPriority() !== b.nice) os.setPriority(b.nice);
      if (rtPriority !== undefined || was.rtPriority !== undefined) {
        // A raised priority stays while the configured one is not above it.
        const want = Math.max(rtPriority ?? 0, rtPriority === was.rtPriority ? this.rt : 0);
        halbSys().setRealtime(want);
        this.rt = want;
      }
    } catch (err) {
      this.log.error(`cannot set the ${this.name} process's priority: ${(err as Error).message}`);
    }
    if (cpus && cpus.join() !== was.cpus?.join()) this.setCpus(cpus);
    else if (!cpus && (was.cpus || (first && currentCpus().join() !== b.cpus.join())))
      this.setCpus(b.cpus);
    this.was = { nice, rtPriority, cpus };
    this.rtTimeLimitUs = next.rtTimeLimitUs;
    this.applyRtTimeLimit();
    this.applyNoSwap(next.noSwap === true);
    this.watchLateness(next.maxAutoPriority ?? 0, next.minAutoDelayUs ?? 1000000);
  }

  private rtTimeLimitUs: number | undefined;

  /**
   * Locked again at each apply while on: a mapping made since (an addon, a
   * library) is locked too. Not mlockall, as keepalived: V8 aborts when it
   * cannot give heap pages back (native/halb_lock.c).
   */
  private applyNoSwap(on: boolean): void {
    if (!on && !held.locked) return;
    try {
      const n = halbSys().lockFileMappings(on);
      if (on !== held.locked)
        this.log.info(
          `The ${this.name} process's ${n} file mappings are ${on ? 'locked in memory (no_swap)' : 'unlocked'}`,
        );
      held.locked = on;
    } catch (err) {
      this.log.error(`Unable to lock process in memory - ${(err as Error).message}`);
    }
  }

  /** The limit applies while the process is SCHED_RR (keepalived's set_process_priorities). */
  private applyRtTimeLimit(): void {
    const us = this.rt > 0 ? this.rtTimeLimitUs : undefined;
    // Soft at half, as keepalived: SIGXCPU warns before the kernel kills. Else
    // the base (the checker process inherits the daemon's limit otherwise).
    const want = us ? [Math.floor(us / 2), us] : baseScheduling().rtLimit;
    if (want.join() === held.rtTimeLimit) return;
    try {
      halbSys().setRtTimeLimit(want[0] as number, want[1] as number);
      held.rtTimeLimit = want.join();
    } catch (err) {
      // Raising a hard limit back needs CAP_SYS_RESOURCE; without SCHED_RR the limit does nothing.
      if (this.rt > 0)
        this.log.error(
          `${this.name} process cannot set realtime rlimit (${(err as Error).message})`,
        );
      return;
    }
    if (us && !held.xcpuWatched) {
      held.xcpuWatched = true;
      // Past the soft limit: keepalived's warning, instead of Node's default (the process ends).
      process.on('SIGXCPU', () =>
        this.log.info(
          `${this.process === 'vrrp' ? 'VRRP' : 'Checker'} process has used too much CPU time, ${this.process}_rlimit_rttime may need to be increased`,
        ),
      );
    }
  }

  private watchMax = 0;
  private watchDelayUs = 0;

  private watchLateness(max: number, delayUs: number): void {
    this.watchMax = max;
    if (max <= 0) {
      if (this.watch) clearTimeout(this.watch);
      this.watch = undefined;
      return;
    }
    if (this.watch && delayUs === this.watchDelayUs) return;
    if (this.watch) clearTimeout(this.watch);
    this.watchDelayUs = delayUs;
    const period = watchPeriodMs(delayUs);
    const arm = (): void => {
      const due = performance.now() + period;
      this.watch = setTimeout(() => {
        const late = performance.now() - due;
        if (late * 1000 > this.watchDelayUs) this.late(late);
        arm();
      }, period).unref();
    };
    arm();
  }

  /** A timer ran `lateMs` late: keepalived's log line, and one SCHED_RR level up. */
  private late(lateMs: number): void {
    const s = Math.floor(lateMs / 1000);
    const us = Math.round((lateMs - s * 1000) * 1000);
    this.log.info(`A thread timer expired ${s}.${String(us).padStart(6, '0')} seconds ago`);
    const next = nextAutoPriority(this.rt, this.watchMax);
    if (next === undefined) return;
    try {
      halbSys().setRealtime(next);
      this.rt = next;
      this.log.info(`Set realtime priority ${next}`);
      this.applyRtTimeLimit();
    } catch (err) {
      this.log.error(`cannot raise the ${this.name} process's priority: ${(err as Error).message}`);
    }
  }

  /** At stop: the watch goes. */
  dispose(): void {
    if (this.watch) clearTimeout(this.watch);
    this.watch = undefined;
  }

  private get name(): string {
    return this.process === 'vrrp' ? 'VRRP' : 'checker';
  }

  private setCpus(cpus: readonly number[]): void {
    const problem = cpuProblem(cpus, os.cpus().length);
    if (problem) {
      this.log.error(`${this.process}_cpu_affinity ${cpus.join(' ')}: ${problem}; left as it is`);
      return;
    }
    try {
      halbSys().setAffinity(cpus);
      this.log.info(`The ${this.name} process runs on CPU ${cpus.join(', ')}`);
    } catch (err) {
      this.log.error(
        `unable to set cpu affinity to ${this.process} process (${(err as Error).message})`,
      );
    }
  }
}
