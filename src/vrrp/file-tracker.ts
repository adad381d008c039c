/**
 * track_file: a file holding a number. keepalived's rule: with weight W the
 * tracking instances' priority moves by value x W (x -W with reverse); with
 * weight 0 any non-zero value means FAULT. The file is read at start and on
 * every change (a short poll: cheap, and it sees files replaced by rename).
 */
import * as fs from 'node:fs';
import type { TrackFileConfig } from '../config/vrrp-config';
import type { Logger } from '../core/log';

/** The number a track file holds: leading integer; empty, missing or garbage reads 0. */
export function parseTrackValue(text: string | undefined): number {
  const m = /^\s*(-?\d+)/.exec(text ?? '');
  return m ? Number(m[1]) : 0;
}

export class FileTracker {
  private timer: NodeJS.Timeout | undefined;
  private last: string | undefined;
  value = 0;
  private readonly listeners: Array<(value: number) => void> = [];

  constructor(
    readonly cfg: TrackFileConfig,
    private readonly log: Logger,
    private readonly pollMs = 250,
  ) {}

  onChange(l: (value: number) => void): void {
    this.listeners.push(l);
  }

  start(): void {
    if (this.cfg.init && (this.cfg.init.overwrite || !fs.existsSync(this.cfg.file))) {
      try {
        fs.writeFileSync(this.cfg.file, `${this.cfg.init.value}\n`);
      } catch (err) {
        this.log.error(
          `track_file ${this.cfg.name}: cannot initialise ${this.cfg.file}: ${(err as Error).message}`,
        );
      }
    }
    this.read();
    this.timer = setInterval(() => this.read(), this.pollMs);
  }

  private read(): void {
    let text: string | undefined;
    try {
      text = fs.readFileSync(this.cfg.file, 'utf8');
    } catch {
      text = undefined;
    }
    if (text === this.last) return;
    this.last = text;
    const value = parseTrackValue(text);
    if (value === this.value) return;
    this.value = value;
    this.log.info(`track_file ${this.cfg.name}: ${this.cfg.file} now ${value}`);
    for (const l of this.listeners) l(value);
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
