/**
 * `halb run` / `keepalived`: runs the daemon in the foreground, or (keepalived
 * without -n) starts a detached copy of itself with -n and returns, as
 * keepalived's fork does.
 */
import { spawn } from 'node:child_process';
import { createLogger } from '../../core/log';
import { Daemon, ConfigRefused } from '../../daemon/daemon';
import type { RunOptions } from '../commands';

export async function runCommand(
  opts: RunOptions,
  argv: readonly string[],
  entry: string[],
): Promise<number> {
  if (!opts.foreground) {
    const child = spawn(entry[0] as string, [...entry.slice(1), ...argv, '-n'], {
      detached: true,
      stdio: 'ignore',
      argv0: process.argv0,
    });
    child.unref();
    return 0;
  }
  const log = createLogger({
    ident: 'halb',
    detail: opts.logDetail,
    sink: (line) => process.stderr.write(line + '\n'),
  });
  const daemon = new Daemon(opts, log, entry);
  try {
    await daemon.start();
  } catch (err) {
    log.error((err as Error).message);
    return err instanceof ConfigRefused ? 2 : 1;
  }
  return new Promise<number>((resolve) => {
    const stop = (): void => {
      void daemon.stop().then(() => resolve(0));
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    process.on('SIGHUP', () => daemon.reload());
  });
}
