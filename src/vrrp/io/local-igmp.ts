/**
 * disable_local_igmp (keepalived 2.2.7's set_disable_local_igmp): while the
 * VRRP side runs, the kernel sends no IGMP reports for link-local groups
 * (224.0.0.18 among them; some switches take them badly). The setting is
 * this network namespace's igmp_link_local_mcast_reports, set to 0 at start
 * and put back at stop; a reload cannot change it, as in keepalived.
 */
import * as fs from 'node:fs';
import type { Logger } from '../../core/log';

export const IGMP_LOCAL_REPORTS = '/proc/sys/net/ipv4/igmp_link_local_mcast_reports';

export class LocalIgmp {
  /** What the kernel had before this process set it (only '1' needs putting back). */
  private saved: string | undefined;
  private wanted: boolean | undefined;

  constructor(
    private readonly log: Pick<Logger, 'info'>,
    private readonly path = IGMP_LOCAL_REPORTS,
  ) {}

  /** At start, and at each reload (where a change is only logged). */
  apply(on: boolean): void {
    if (this.wanted !== undefined) {
      if (on !== this.wanted)
        this.log.info('Cannot change disable_local_igmp at a reload - please restart halb');
      return;
    }
    this.wanted = on;
    if (!on) return;
    try {
      this.saved = fs.readFileSync(this.path, 'utf8').trim();
      if (this.saved === '1') fs.writeFileSync(this.path, '0');
    } catch (err) {
      this.saved = undefined;
      this.log.info(`Unable to set ${this.path} - ${(err as Error).message}`);
    }
  }

  /** At stop: the kernel's own value back. */
  reset(): void {
    if (this.saved !== '1') return;
    try {
      fs.writeFileSync(this.path, '1');
    } catch (err) {
      this.log.info(`Unable to write ${this.path} - ${(err as Error).message}`);
    }
    this.saved = undefined;
  }
}
