/**
 * keepalived's notify FIFO: one line per state change, `INSTANCE "VI_1"
 * MASTER 100` (groups: `GROUP "G" MASTER`). The FIFO is created when missing
 * and opened read-write and non-blocking, so a slow or absent reader can
 * never stall VRRP: a line that does not fit is dropped and counted.
 */
import * as fs from 'node:fs';
import type { Logger } from '../core/log';
import { halbSys } from '../platform/halb-sys';

export class NotifyFifo {
  private fd: number | undefined;
  dropped = 0;

  constructor(
    readonly path: string,
    private readonly log: Logger,
  ) {}

  open(): void {
    halbSys().mkfifo(this.path, 0o600);
    if (!fs.statSync(this.path).isFIFO()) throw new Error(`${this.path} exists and is not a FIFO`);
    this.fd = fs.openSync(this.path, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
  }

  write(line: string): void {
    if (this.fd === undefined) return;
    try {
      fs.writeSync(this.fd, line + '\n');
    } catch (err) {
      this.dropped++;
      if (this.dropped === 1 || this.dropped % 100 === 0)
        this.log.warn(
          `notify FIFO ${this.path}: ${(err as Error).message}; ${this.dropped} line(s) dropped`,
        );
    }
  }

  dispose(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
