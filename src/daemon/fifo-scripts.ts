/**
 * keepalived's FIFO scripts: `notify_fifo_script`, `vrrp_notify_fifo_script`
 * and `lvs_notify_fifo_script` (global_defs) name a program that reads its
 * FIFO (`notify_fifo`, `vrrp_notify_fifo`, `lvs_notify_fifo`); keepalived
 * starts it with the FIFO's path as the last argument and keeps it running
 * while it runs. halb makes the FIFO if it is missing, starts each script as
 * its user (the line's own `[username [groupname]]`, else script_user) under
 * the same script security as every other script, leaves it running across
 * reloads that keep the same line, and stops it (SIGTERM) when the line goes
 * or the daemon stops. A script that exits is said in the log, not restarted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { splitWords } from '../config/words';
import { words } from '../config/access';
import type { ModelBlock } from '../config/validate';
import type { Logger } from '../core/log';
import { halbSys } from '../platform/halb-sys';
import { insecureBecause, scriptUser } from '../vrrp/script-security';

export interface FifoScript {
  readonly fifo: string;
  readonly argv: readonly string[];
  /** The script line's own user [group], else script_user. */
  readonly user: readonly string[] | undefined;
}

const PAIRS = [
  ['notify_fifo', 'notify_fifo_script'],
  ['vrrp_notify_fifo', 'vrrp_notify_fifo_script'],
  ['lvs_notify_fifo', 'lvs_notify_fifo_script'],
] as const;

/** The scripts the config asks for (a script without its FIFO does nothing, as in keepalived). Pure. */
export function fifoScripts(globals: ModelBlock | undefined): FifoScript[] {
  const out: FifoScript[] = [];
  const scriptUserWords = words(globals, 'script_user');
  for (const [fifoKey, scriptKey] of PAIRS) {
    const fifo = words(globals, fifoKey)?.[0];
    const line = words(globals, scriptKey);
    if (!fifo || !line?.[0]) continue;
    const argv = [...splitWords(line[0]).map((w) => w.text), fifo];
    const own = line.slice(1);
    out.push({ fifo, argv, user: own.length > 0 ? own : scriptUserWords });
  }
  return out;
}

const keyOf = (s: FifoScript): string => JSON.stringify(s);

export class FifoScriptRunner {
  private readonly running = new Map<string, ChildProcess>();

  constructor(private readonly log: Logger) {}

  /** Start or reload: scripts whose line is unchanged keep running. */
  apply(globals: ModelBlock | undefined): void {
    const wanted = new Map(fifoScripts(globals).map((s) => [keyOf(s), s]));
    for (const [key, child] of this.running)
      if (!wanted.has(key)) {
        child.kill('SIGTERM');
        this.running.delete(key);
      }
    const security = globals?.enable_script_security === true;
    for (const [key, s] of wanted) if (!this.running.has(key)) this.start(key, s, security);
  }

  stop(): void {
    for (const child of this.running.values()) child.kill('SIGTERM');
    this.running.clear();
  }

  private start(key: string, s: FifoScript, security: boolean): void {
    const program = s.argv[0] as string;
    try {
      halbSys().mkfifo(s.fifo, 0o600);
      const root = process.getuid?.() === 0;
      const as = root ? scriptUser(s.user) : undefined;
      const why = insecureBecause(program, as?.uid ?? 0);
      if (why && security) throw new Error(`${why} (enable_script_security)`);
      if (why)
        this.log.warn(
          `FIFO script ${program} is unsafe: ${why}; running it because enable_script_security is off`,
        );
      const child = spawn(program, s.argv.slice(1), {
        stdio: 'ignore',
        ...(as ? { uid: as.uid, gid: as.gid } : {}),
      });
      child.on('error', (err) => this.log.error(`FIFO script ${program}: ${err.message}`));
      child.on('exit', (code, signal) => {
        if (this.running.get(key) !== child) return;
        this.running.delete(key);
        this.log.warn(`FIFO script ${program} (${s.fifo}) exited (${signal ?? `status ${code}`})`);
      });
      this.running.set(key, child);
      this.log.info(`Started FIFO script ${program} ${s.fifo}${as ? ` as ${as.name}` : ''}`);
    } catch (err) {
      this.log.error(
        `cannot start FIFO script ${program} for ${s.fifo}: ${(err as Error).message}`,
      );
    }
  }
}
