/**
 * reload_file [FILE]: the file exists (empty, rw-r--r--) while the daemon
 * reads its configuration files at a reload, so that a tool that writes them
 * can wait for it to go (keepalived 2.2.7's create_reload_file /
 * remove_reload_file). The running configuration names the file made before
 * the read; after it, that file and the one the new configuration names are
 * removed (at start only the latter: nothing was running to name one).
 */
import * as fs from 'node:fs';
import type { LoadedConfig } from '../config/load';
import type { ModelBlock } from '../config/validate';

/** keepalived's default without `instance` or `use_pid_dir`, neither of which halb takes yet. */
export const DEFAULT_RELOAD_FILE = '/run/keepalived.reload';

export function reloadFileOf(config: LoadedConfig | undefined): string | undefined {
  const g = config?.model.global_defs as ModelBlock | undefined;
  const v = g?.reload_file;
  return typeof v === 'string' ? v : v === true ? DEFAULT_RELOAD_FILE : undefined;
}

/** Makes (or empties) the running configuration's reload_file; returns its path. */
export function beginReading(
  running: LoadedConfig | undefined,
  info: (message: string) => void,
): string | undefined {
  const file = reloadFileOf(running);
  if (!file) return undefined;
  try {
    const existed = fs.existsSync(file);
    fs.writeFileSync(file, '');
    if (!existed) fs.chmodSync(file, 0o644);
  } catch (err) {
    info(`Failed to create reload file (${file}) - ${(err as Error).message}`);
  }
  return file;
}

export function endReading(made: string | undefined, loaded: LoadedConfig): void {
  for (const file of new Set([made, reloadFileOf(loaded)])) {
    if (file) fs.rmSync(file, { force: true });
  }
}
