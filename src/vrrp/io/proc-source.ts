/**
 * What vrrp_track_process reads of /proc: the processes (numeric entries),
 * each one's name and state from /proc/PID/stat (zombies do not count, as in
 * keepalived), and its argv from /proc/PID/cmdline, read only when asked.
 */
import * as fs from 'node:fs';
import type { ProcInfo, ProcSource } from '../process-tracker';

function readOrUndefined(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'latin1');
  } catch {
    return undefined; // gone meanwhile
  }
}

export class ProcFs implements ProcSource {
  constructor(private readonly root = '/proc') {}

  pids(): number[] {
    return fs
      .readdirSync(this.root)
      .filter((n) => /^\d+$/.test(n))
      .map(Number);
  }

  inspect(pid: number): ProcInfo | undefined {
    const stat = readOrUndefined(`${this.root}/${pid}/stat`);
    if (!stat) return undefined;
    // "PID (COMM) STATE ...": the name may hold spaces and parentheses; it ends at the last ')'.
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    if (open < 0 || close < open) return undefined;
    if (stat[close + 2] === 'Z') return undefined;
    const comm = stat.slice(open + 1, close);
    const root = this.root;
    let argv: string[] | undefined;
    return {
      comm,
      get argv(): string[] {
        if (!argv) {
          const raw = readOrUndefined(`${root}/${pid}/cmdline`) ?? '';
          argv = raw === '' ? [] : raw.replace(/\0$/, '').split('\0');
        }
        return argv;
      },
    };
  }
}
