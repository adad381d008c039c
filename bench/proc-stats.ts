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

export function memoryKb(pids: number[]): { pssKb: number; rssKb: number } {
  let pssKb = 0;
  let rssKb = 0;
  for (const pid of pids) {
    try {
      const s = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      pssKb += Number(/^Pss:\s+(\d+)/m.exec(s)?.[1] ?? 0);
      rssKb += Number(/^Rss:\s+(\d+)/m.exec(s)?.[1] ?? 0);
    } catch {
      /* gone */
    }
  }
  return { pssKb, rssKb };
}
