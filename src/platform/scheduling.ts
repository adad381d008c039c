/**
 * A process's scheduling as keepalived sets it (lib/process.c): `*_priority`
 * (nice), `*_rt_priority` (SCHED_RR, the calling thread, reset on fork) and
 * `*_cpu_affinity` (every thread). Applied at start and again at each reload;
 * a setting a reload removes goes back to the default (nice 0, SCHED_OTHER,
 * every CPU), so no reload needs a restart for it. A CPU the box does not
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

export class Scheduler {
  private was: ProcessScheduling = {};

  constructor(
    private readonly process: 'vrrp' | 'checker',
    private readonly log: Pick<Logger, 'info' | 'error'>,
  ) {}

  apply(next: ProcessScheduling = {}): void {
    const { nice, rtPriority, cpus } = next;
    const was = this.was;
    try {
      if (nice !== undefined || was.nice !== undefined) os.setPriority(nice ?? 0);
      if (rtPriority !== undefined || was.rtPriority !== undefined)
        halbSys().setRealtime(rtPriority ?? 0);
    } catch (err) {
      this.log.error(`cannot set the ${this.name} process's priority: ${(err as Error).message}`);
    }
    if (cpus && cpus.join() !== was.cpus?.join()) this.setCpus(cpus);
    else if (!cpus && was.cpus) this.setCpus(os.cpus().map((_c, i) => i));
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
