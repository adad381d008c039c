/**
 * keepalived's process_names / *_process_name: the process's comm (what
 * `ps`, `top` and `pgrep` show), set with PR_SET_NAME; the command line
 * stays as it is. Never fails the caller: said once in the log.
 */
import type { Logger } from '../core/log';
import { halbSys } from './halb-sys';

let current: string | undefined;

export function nameProcess(name: string, log: Pick<Logger, 'error'>): void {
  if (name === current) return;
  try {
    halbSys().setProcessName(name);
    current = name;
  } catch (err) {
    log.error(`cannot name the process ${name}: ${(err as Error).message}`);
  }
}
