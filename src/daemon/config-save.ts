/**
 * keepalived's `config_save_dir DIR` (config_notify.c save_config): around
 * each reload the VRRP process writes its data, as SIGUSR1 does, to
 * DIR/keepalived_vrrp.PID.N.pre (before, the running config) and .post (after,
 * the new one), N counting the reloads; a debugging aid for what a reload
 * changed. A missing DIR is made (mode 0700), as keepalived's parent does.
 * halb's status holds the checker side too, so there are no
 * keepalived_check files. Never fails the reload: a problem is logged.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../core/log';

export class ConfigSaver {
  private reloads = 0;

  constructor(private readonly log: Pick<Logger, 'info' | 'error'>) {}

  save(dir: string | undefined, when: 'pre' | 'post', text: () => string): void {
    if (dir === undefined) return;
    if (when === 'pre') this.reloads++;
    if (!this.usable(dir)) return;
    const file = path.join(dir, `keepalived_vrrp.${process.pid}.${this.reloads}.${when}`);
    try {
      fs.writeFileSync(file, text(), { mode: 0o644 });
    } catch (err) {
      this.log.info(`Failed to open config_save file ${file} (${(err as Error).message})`);
    }
  }

  private usable(dir: string): boolean {
    try {
      if (fs.statSync(dir).isDirectory()) return true;
      this.log.error(`config_save_dir ${dir} exists and is not a directory`);
      return false;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.log.error(`config_save_dir ${dir}: ${(err as Error).message}`);
        return false;
      }
    }
    try {
      fs.mkdirSync(dir, { mode: 0o700 });
      return true;
    } catch (err) {
      this.log.error(`Unable to create config_save_dir ${dir} (${(err as Error).message})`);
      return false;
    }
  }
}
