/**
 * A process's scheduling as keepalived sets it (lib/process.c): `*_priority`
 * (nice), `*_rt_priority` (SCHED_RR, the calling thread, reset on fork) and
 * `*_cpu_affinity` (every thread). Applied at start and again at each reload;
 * a setting a reload removes goes back to what the process had before
 * (its nice value and CPUs as started, SCHED_OTHER), so no reload needs a
 * restart for it. A CPU the box does not
 * have is an error naming the keyword, and the affinity is left as it is.
 */
import * as os from 'node:os';
import type { Logger } from '../core/log';
import { halbSys } from './halb-sys';

export interface ProcessScheduling {
  readonly nice?: number | undefined;
  readonly rtPriority?: number | undefined;
  readonly cpus?: readonly number[] | undefined;
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
}

let base: Base | undefined;

/**
 * The scheduling the runtime started with: this process's own at its first
 * look, or, in the checker process, the daemon's (HALB_BASE_SCHED): a child
 * inherits the VRRP process's nice value and CPUs, which are not its own.
 */
function baseScheduling(): Base {
  if (base) return base;
  const m = /^(-?\d+);([\d,]+)$/.exec(process.env.HALB_BASE_SCHED ?? '');
  base = m
    ? { nice: Number(m[1]), cpus: (m[2] as string).split(',').map(Number) }
    : { nice: os.getPriority(), cpus: currentCpus() };
  return base;
}

function currentCpus(): readonly number[] {
  try {
    return halbSys().getAffinity();
  } catch {
    return os.cpus().map((_c, i) => i);
  }
}

/** For the checker process's environment. */
export function baseSchedulingEnv(): Record<string, string> {
  const b = baseScheduling();
  return { HALB_BASE_SCHED: `${b.nice};${b.cpus.join(',')}` };
}

export class Scheduler {
  private was: ProcessScheduling = {};
  private first = true;

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
      if (rtPriority !== undefined || was.rtPriority !== undefined)
        halbSys().setRealtime(rtPriority ?? 0);
    } catch (err) {
      this.log.error(`cannot set the ${this.name} process's priority: ${(err as Error).message}`);
    }
    if (cpus && cpus.join() !== was.cpus?.join()) this.setCpus(cpus);
    else if (!cpus && (was.cpus || (first && currentCpus().join() !== b.cpus.join())))
      this.setCpus(b.cpus);
    this.was = { nice, rtPriority, cpus };
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
