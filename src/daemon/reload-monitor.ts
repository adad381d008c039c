/**
 * reload_time_file: a reload scheduled by a file, as keepalived 2.2.7's
 * reload_monitor.c does it, so that both boxes of a pair can take an
 * incompatible configuration at the same moment. The file's directory is
 * watched (inotify, through fs.watch): the file appearing or being written
 * (re)schedules, its removal cancels, the directory's removal cancels and
 * stops the watch until the next reload. When the time comes the file is
 * removed (kept with reload_repeat when it holds a time without a date, which
 * then reloads every day) and the daemon reloads, which starts a new monitor.
 *
 * fs.watch reports writes, not the close of the writer (keepalived waits for
 * IN_CLOSE_WRITE): the file is read once it has been quiet for SETTLE_MS.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatLocal, parseReloadTime } from './reload-time';

export const SETTLE_MS = 100;
/** setTimeout's longest delay; a reload further away is reached in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface ReloadMonitorDeps {
  readonly info: (message: string) => void;
  readonly reload: () => void;
  readonly now?: () => number;
}

export class ReloadTimeMonitor {
  private watcher: fs.FSWatcher | undefined;
  private settle: NodeJS.Timeout | undefined;
  private timer: NodeJS.Timeout | undefined;
  private at = 0;
  private dateSpecified = false;
  private readonly dir: string;
  private readonly name: string;
  private readonly now: () => number;

  constructor(
    readonly file: string,
    readonly repeat: boolean,
    private readonly deps: ReloadMonitorDeps,
  ) {
    this.dir = path.dirname(file);
    this.name = path.basename(file);
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    try {
      this.watcher = fs.watch(this.dir, { persistent: false }, (_event, name) => {
        if (!fs.existsSync(this.dir)) this.dirGone();
        else if (name === null || name === this.name) this.changed();
      });
      this.watcher.on('error', () => this.dirGone());
    } catch {
      this.deps.info(`Unable to monitor reload timer file directory ${this.dir} - ignoring`);
      return;
    }
    this.read();
  }

  /** The reload scheduled now, in ms since the epoch; 0 for none (status). */
  get scheduledAt(): number {
    return this.at;
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = undefined;
    if (this.settle) clearTimeout(this.settle);
    this.settle = undefined;
    this.cancel(false);
  }

  private changed(): void {
    if (this.settle) clearTimeout(this.settle);
    this.settle = setTimeout(() => {
      this.settle = undefined;
      if (this.watcher) this.read();
    }, SETTLE_MS);
  }

  private dirGone(): void {
    if (!this.watcher) return;
    this.stop();
    this.deps.info('Directory of reload timer file has disappeared. Monitoring stopped.');
  }

  private read(): void {
    let line: string;
    try {
      line = fs.readFileSync(this.file, 'latin1').split('\n')[0] ?? '';
    } catch {
      this.cancel(true);
      return;
    }
    const r = parseReloadTime(line, this.now());
    if (!r.ok) {
      this.deps.info(r.message);
      this.cancel(true);
      return;
    }
    this.dateSpecified = r.dateSpecified;
    if (r.at === this.at) return;
    if (this.timer)
      this.deps.info(`Reload time updated from ${formatLocal(this.at)} to ${formatLocal(r.at)}`);
    else this.deps.info(`Scheduling reload for ${formatLocal(r.at)}`);
    this.at = r.at;
    this.arm();
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    const delay = this.at - this.now();
    this.timer = setTimeout(
      () => (delay > MAX_TIMER_MS ? this.arm() : this.fire()),
      Math.max(0, Math.min(delay, MAX_TIMER_MS)),
    );
  }

  private fire(): void {
    this.timer = undefined;
    this.at = 0;
    this.watcher?.close();
    this.watcher = undefined;
    if (!this.repeat || this.dateSpecified) fs.rmSync(this.file, { force: true });
    this.deps.reload();
  }

  private cancel(log: boolean): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (log && this.at) this.deps.info(`Cancelling reload scheduled for ${formatLocal(this.at)}`);
    this.at = 0;
  }
}
