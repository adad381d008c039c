/** A checkers' health table for one virtual server's real servers, by the last octet: up or down. */
import { healthKey, type HealthReport, type HealthTable } from '../../src/lvs/health';

export const VS = '[192.0.2.100]:tcp:80';
export const rs = (n: number): string => `[192.0.2.${n}]:tcp:80`;

export function health(up: Record<number, boolean>): HealthTable {
  const m = new Map<string, HealthReport>();
  for (const [n, u] of Object.entries(up))
    m.set(healthKey(VS, rs(Number(n))), {
      service: VS,
      server: rs(Number(n)),
      up: u,
      detail: '',
      at: 0,
    });
  return m;
}
