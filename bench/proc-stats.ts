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
