/**
 * keepalived's spelling of services and servers (check_data.c format_vs /
 * format_rs, utils.c inet_sockaddrtotrio): "[192.0.2.21]:tcp:80", "FWM 1".
 * These are the keys of the HealthReport contract (src/lvs/health.ts).
 */
import type { RealServerConfig, VirtualServerConfig } from '../config/lvs-config';
import type { ServerId, ServiceId } from '../lvs/health';

export function trio(address: string, protocol: string, port: number | undefined): string {
  return `[${address}]:${protocol.toLowerCase()}:${port ?? 0}`;
}

export function serviceId(vs: VirtualServerConfig): ServiceId {
  switch (vs.key.kind) {
    case 'address':
      return trio(vs.key.address, vs.protocol, vs.key.port);
    case 'fwmark':
      return `FWM ${vs.key.mark}`;
    case 'group':
      return `group ${vs.key.group}`;
  }
}

/** A real server without a port takes its virtual server's (keepalived's rs_handler). */
export function serverPort(rs: RealServerConfig, vs: VirtualServerConfig): number {
  return rs.port ?? (vs.key.kind === 'address' ? (vs.key.port ?? 0) : 0);
}

export function serverId(rs: RealServerConfig, vs: VirtualServerConfig): ServerId {
  return trio(rs.address, vs.protocol, serverPort(rs, vs));
}
