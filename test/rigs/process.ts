/**
 * Child processes for the rigs: output kept and searchable with deadlines,
 * killed by PID on dispose (only the processes the rig started).
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export interface Exited {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export class Proc {
  readonly child: ChildProcess;
  private out = '';
  private cursor = 0;
  private waiters = new Set<() => void>();
  readonly exited: Promise<Exited>;
  private done: Exited | undefined;

  constructor(argv: readonly string[], opts: SpawnOptions = {}) {
    this.child = spawn(argv[0] as string, argv.slice(1), {
      stdio: ['pipe', 'pipe', 'pipe'],
      ...opts,
    });
    const take = (chunk: Buffer): void => {
      this.out += chunk.toString('utf8');
      for (const w of [...this.waiters]) w();
    };
    this.child.stdout?.on('data', take);
    this.child.stderr?.on('data', take);
    this.child.stdin?.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      this.child.on('error', (err) => {
        this.out += `\n[spawn error: ${err.message}]\n`;
        this.done = { code: null, signal: null };
        for (const w of [...this.waiters]) w();
        resolve(this.done);
      });
      this.child.on('exit', (code, signal) => {
        this.done = { code, signal };
        for (const w of [...this.waiters]) w();
        resolve(this.done);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get output(): string {
    return this.out;
  }

  get running(): boolean {
    return this.done === undefined;
  }

  write(text: string): void {
    this.child.stdin?.write(text);
  }

  /** Waits for a match after the cursor, then moves the cursor past it. */
  waitFor(
    pattern: RegExp | string,
    timeoutMs: number,
    what = String(pattern),
  ): Promise<RegExpExecArray> {
    const re = typeof pattern === 'string' ? new RegExp(escapeRe(pattern)) : pattern;
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const rest = this.out.slice(this.cursor);
        const m = re.exec(rest);
        if (m) {
          this.cursor += m.index + m[0].length;
          finish();
          resolve(m);
          return true;
        }
        if (this.done) {
          finish();
          reject(
            new Error(
              `process exited (${JSON.stringify(this.done)}) before ${what}; last output:\n${tail(this.out)}`,
            ),
          );
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        finish();
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; last output:\n${tail(this.out)}`,
          ),
        );
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      const waiter = (): void => void check();
      if (!check()) this.waiters.add(waiter);
    });
  }

  /** Moves the cursor to the end: later waits see only new output. */
  skip(): void {
    this.cursor = this.out.length;
  }

  get cursorPos(): number {
    return this.cursor;
  }

  async kill(signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<Exited> {
    if (this.done) return this.done;
    const pid = this.child.pid;
    if (pid === undefined) return this.exited;
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
    const timer = setTimeout(() => {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, graceMs);
    const r = await this.exited;
    clearTimeout(timer);
    return r;
  }
}

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function tail(s: string, lines = 30): string {
  return s.split('\n').slice(-lines).join('\n');
}
