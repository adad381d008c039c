/**
 * The engine's vrrp_track_process: one process-event socket and one tracker
 * for the blocks that instances use, opened only while some instance tracks
 * a process and rebuilt when those blocks change on a reload. Without
 * process events (no CONFIG_PROC_EVENTS, no CAP_NET_ADMIN) it says so and
 * keeps the counts of a one-off scan, as keepalived does.
 */
import type { TrackProcessConfig } from '../config/vrrp-config';
import type { Logger } from '../core/log';
import { ProcEvents } from './io/proc-events';
import { ProcFs } from './io/proc-source';
import { ProcessTracker, type ProcSource } from './process-tracker';

export class ProcessTracking {
  private tracker: ProcessTracker | undefined;
  private events: ProcEvents | undefined;
  private key = '';
  private configs: readonly TrackProcessConfig[] = [];

  constructor(
    private readonly log: Logger,
    private readonly onChange: () => void,
    private readonly source: ProcSource = new ProcFs(),
  ) {}

  /** The blocks in use now; unchanged ones keep their counts and timers. */
  sync(configs: readonly TrackProcessConfig[], used: ReadonlySet<string>): void {
    const wanted = configs.filter((c) => used.has(c.name));
    const key = JSON.stringify(wanted);
    if (key === this.key) return;
    this.key = key;
    this.tracker?.dispose();
    this.tracker = undefined;
    this.configs = wanted;
    if (wanted.length === 0) {
      this.events?.dispose();
      this.events = undefined;
      return;
    }
    const tracker = new ProcessTracker(wanted, this.source, this.log);
    tracker.onChange(() => this.onChange());
    // Listening before the scan: a process started in between is not missed.
    if (!this.events) {
      try {
        this.events = new ProcEvents((e) => this.tracker?.handle(e));
      } catch (err) {
        this.log.error(
          `track_process: no process events (${(err as Error).message}); counts are those of the start-up scan only`,
        );
      }
    }
    this.tracker = tracker;
    tracker.scan();
    for (const c of wanted)
      this.log.info(
        `track_process ${c.name}: ${tracker.count(c.name)} matching process(es), quorum ${tracker.isUp(c.name) ? 'achieved' : 'not achieved'}`,
      );
  }

  isUp(name: string): boolean | undefined {
    return this.tracker?.isUp(name);
  }

  config(name: string): TrackProcessConfig | undefined {
    return this.configs.find((c) => c.name === name);
  }

  dispose(): void {
    this.tracker?.dispose();
    this.events?.dispose();
    this.tracker = undefined;
    this.events = undefined;
    this.key = '';
  }
}
