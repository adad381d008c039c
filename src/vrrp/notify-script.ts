/**
 * Running one VRRP notify script (an instance's or a sync group's) as
 * keepalived does: without waiting for it, killed after 30 s, as the user the
 * script policy gives (undefined: refused, already said).
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import type { Logger } from '../core/log';

export const NOTIFY_TIMEOUT_MS = 30000;

export function runNotifyScript(
  argv: readonly string[],
  as: Pick<SpawnOptions, 'uid' | 'gid'> | undefined,
  log: Pick<Logger, 'error'>,
  who: string,
): void {
  if (!as) return;
  const child = spawn(argv[0] as string, argv.slice(1), {
    stdio: 'ignore',
    detached: false,
    ...as,
  });
  child.on('error', (err) => log.error(`(${who}) notify ${argv[0]}: ${err.message}`));
  const t = setTimeout(() => child.kill('SIGKILL'), NOTIFY_TIMEOUT_MS);
  child.on('exit', () => clearTimeout(t));
}
