/** The panel's text rows from the daemon's status: hostname, role, VIP, config. */
import type { DaemonStatus } from '../core/status';
import type { LedPattern } from './patterns';

const ROLE_LABEL: Readonly<Record<LedPattern, string>> = {
  booting: 'STARTING',
  master: 'MASTER',
  backup: 'BACKUP',
  fault: 'FAULT',
  degraded: 'DEGRADED',
  'config-error': 'CONFIG ERROR',
  idle: 'NO INSTANCES',
};

export function panelText(s: DaemonStatus, hostname: string): string[] {
  const n = s.instances.length;
  const masters = s.instances.filter((i) => i.state === 'master');
  const role =
    n > 1 ? `${ROLE_LABEL[s.led.pattern]} ${masters.length}/${n}` : ROLE_LABEL[s.led.pattern];
  const vips = (masters.length > 0 ? masters : s.instances).flatMap((i) => i.vips);
  const vip =
    vips.length === 0 ? '' : vips.length === 1 ? vips[0]! : `${vips[0]} +${vips.length - 1}`;
  return [hostname, role, vip, `config gen ${s.configGeneration}`];
}
