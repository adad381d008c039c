/** A process tree's CPU ticks and memory (PSS, RSS) from /proc, for the benches. */
import * as fs from 'node:fs';

export function tree(pid: number): number[] {
  const out = [pid];
  for (const p of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const ppid = Number(fs.readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
      if (ppid === pid) out.push(...tree(Number(p)));
    } catch {
      /* gone */
    }
  }
  return out;
}

export function cpuTicks(pids: number[]): number {
  return pids.reduce((sum, pid) => {
    try {
      const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      return sum + Number(f[11]) + Number(f[12]);
    } catch {
      return sum;
    }
  }, 0);
}

/**
 * The CPU time of the processes' threads in nanoseconds (schedstat's first
 * field, summed over /proc/PID/task): the same work as cpuTicks at the
 * scheduler's resolution, not the 10 ms tick's (0.3 % of a core over 30 s is
 * 9 ticks). Threads that end between two reads are lost: read long-lived ones.
 */
export function cpuNs(pids: number[]): number {
  let ns = 0;
  for (const pid of pids) {
    try {
      for (const t of fs.readdirSync(`/proc/${pid}/task`))
        ns += Number(fs.readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      /* gone */
    }
  }
  return ns;
}

export function memoryKb(pids: number[]): {
  pssKb: number;
  rssKb: number;
  pssAnonKb: number;
  pssFileKb: number;
} {
  const total = { pssKb: 0, rssKb: 0, pssAnonKb: 0, pssFileKb: 0 };
  const field = (s: string, name: string): number =>
    Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? 0);
  for (const pid of pids) {
    try {
      const s = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      total.pssKb += field(s, 'Pss');
      total.rssKb += field(s, 'Rss');
      total.pssAnonKb += field(s, 'Pss_Anon');
      total.pssFileKb += field(s, 'Pss_File');
    } catch {
      /* gone */
    }
  }
  return total;
}
