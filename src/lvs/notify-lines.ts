/**
 * keepalived's LVS lines on the notify FIFO (`notify_fifo`, `lvs_notify_fifo`),
 * as its checker writes them: `RS [192.0.2.21]:tcp:80 [192.0.2.100]:tcp:80
 * DOWN` when a real server's health changes, then `VS [192.0.2.100]:tcp:80
 * DOWN` when its virtual server loses (or gains) quorum. No RS line at start
 * unless `initUp` (rs_init_notifies): then each real server new to the table
 * that starts up gets its UP line; the VS line of a start or reload is
 * quorum-events.ts's. Pure.
 */
import type { VirtualServerState } from '../ipvs/desired';
import type { ServiceId } from './health';

type States = ReadonlyMap<ServiceId, VirtualServerState>;

const word = (up: boolean): string => (up ? 'UP' : 'DOWN');

export function lvsNotifyLines(prev: States | undefined, next: States, initUp = false): string[] {
  const out: string[] = [];
  if (initUp)
    for (const [id, n] of next)
      for (const [rs, up] of n.servers)
        if (up && prev?.get(id)?.servers.get(rs) === undefined) out.push(`RS ${rs} ${id} UP`);
  if (!prev) return out;
  for (const [id, n] of next) {
    const p = prev.get(id);
    if (!p) continue;
    for (const [rs, up] of n.servers) {
      const before = p.servers.get(rs);
      if (before !== undefined && before !== up) out.push(`RS ${rs} ${id} ${word(up)}`);
    }
    if (p.quorumUp !== n.quorumUp) out.push(`VS ${id} ${word(n.quorumUp)}`);
  }
  return out;
}
