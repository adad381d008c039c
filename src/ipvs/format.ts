/** The IPVS table as text, in `ipvsadm -Ln`'s layout, for people. Pure. */
import type { DestStatus, ServiceStatus, TableEntry } from './types';
import { hostPort, isFwmark } from './types';

const FWD_WORD = { NAT: 'Masq', DR: 'Route', TUN: 'Tunnel', LOCAL: 'Local' } as const;

function serviceLine(s: ServiceStatus): string {
  const where = isFwmark(s)
    ? `FWM  ${s.fwmark}${s.family === 6 ? ' IPv6' : ''}`
    : `${s.protocol.padEnd(4)} ${hostPort(s.address, s.port, s.family)}`;
  const flags = [
    s.flags.fallback ? 'flag-1' : '',
    s.flags.port ? 'flag-2' : '',
    s.flags.flag3 ? 'flag-3' : '',
    s.flags.onePacket ? 'ops' : '',
    s.persistence ? `persistent ${s.persistence.timeoutS}` : '',
    s.persistence && s.persistence.netmaskBits !== (s.family === 6 ? 128 : 32)
      ? `mask /${s.persistence.netmaskBits}`
      : '',
    s.persistence?.engine ? `pe ${s.persistence.engine}` : '',
  ].filter(Boolean);
  return `${where} ${s.scheduler}${flags.length ? ' (' + flags.join(' ') + ')' : ''}`;
}

function destLine(d: DestStatus): string {
  return (
    `  -> ${hostPort(d.address, d.port, d.family).padEnd(28)} ${FWD_WORD[d.forwarding].padEnd(7)} ` +
    `${String(d.weight).padEnd(6)} ${String(d.activeConns).padEnd(10)} ${d.inactiveConns}`
  );
}

export function formatTable(table: readonly TableEntry<ServiceStatus, DestStatus>[]): string[] {
  const out = [
    'Prot LocalAddress:Port Scheduler Flags',
    '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
  ];
  for (const e of table) {
    out.push(serviceLine(e.service));
    for (const d of e.dests) out.push(destLine(d));
  }
  return out;
}
