/**
 * global_defs `startup_script` and `shutdown_script` (with their `_timeout`,
 * 10 s by default), as keepalived 2.2.7 runs them: the startup script before
 * any VRRP instance or checker starts, the shutdown script once they have all
 * stopped (VIPs released, virtual servers out); each is waited for until it
 * exits or its timeout, then its process group is killed, and halb goes on
 * whatever the outcome. The script runs as its line's user (else
 * script_user) under the same script security as every other script.
 */
import { spawn } from 'node:child_process';
import { num, words } from '../config/access';
import type { ModelBlock } from '../config/validate';
import { splitWords } from '../config/words';
import type { Logger } from '../core/log';
import { insecureBecause, scriptUser } from '../vrrp/script-security';

export interface StartStopScript {
  readonly kind: 'startup' | 'shutdown';
  readonly argv: readonly string[];
  /** The line's own user [group], else script_user. */
  readonly user: readonly string[] | undefined;
  readonly timeoutS: number;
}

/** The script the config names, if any. Pure. */
export function startStopScript(
  globals: ModelBlock | undefined,
  kind: 'startup' | 'shutdown',
): StartStopScript | undefined {
  const line = words(globals, `${kind}_script`);
  if (!line?.[0]) return undefined;
  const own = line.slice(1);
  return {
    kind,
    argv: splitWords(line[0]).map((w) => w.text),
    user: own.length > 0 ? own : words(globals, 'script_user'),
    timeoutS: num(globals, `${kind}_script_timeout`) ?? 10,
  };
}

/** Runs it and resolves when it is over (exited, refused, or killed at its timeout); never rejects. */
export function runStartStopScript(
  s: StartStopScript,
  security: boolean,
  log: Logger,
): Promise<void> {
  const program = s.argv[0] as string;
  const what = `${s.kind} script ${program}`;
  const as = process.getuid?.() === 0 ? scriptUser(s.user) : undefined;
  const why = insecureBecause(program, as?.uid ?? 0);
  if (why && security) {
    log.error(`${what} refused: ${why} (enable_script_security)`);
    return Promise.resolve();
  }
  if (why) log.warn(`${what} is unsafe: ${why}; running it because enable_script_security is off`);
  log.detail(`Running ${what}`);
  return new Promise<void>((resolve) => {
    const child = spawn(program, s.argv.slice(1), {
      stdio: 'ignore',
      detached: true, // its own process group: a timeout kills what it started too
      ...(as ? { uid: as.uid, gid: as.gid } : {}),
    });
    const killGroup = (sig: NodeJS.Signals): void => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch {
        /* gone */
      }
    };
    let hard: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      log.error(`${what} timed out after ${s.timeoutS} s; killing it`);
      killGroup('SIGTERM');
      hard = setTimeout(() => killGroup('SIGKILL'), 2000);
    }, s.timeoutS * 1000);
    const done = (): void => {
      clearTimeout(timer);
      if (hard) clearTimeout(hard);
      resolve();
    };
    child.on('error', (err) => {
      log.error(`${what}: ${err.message}`);
      done();
    });
    child.on('exit', (code, signal) => {
      if (code) log.error(`${what} failed, status ${code}`);
      else if (signal) log.error(`${what} ended by ${signal}`);
      else log.detail(`${what} succeeded`);
      done();
    });
  });
}
