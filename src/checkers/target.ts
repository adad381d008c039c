/**
 * Where a checker connects: connect_ip / connect_port, else the real
 * server's address and port (its virtual server's port when it has none, else
 * the checker's usual port), from bindto / bind_port (and bind_if, fwmark),
 * within connect_timeout.
 */
import { isIPv6 } from 'node:net';
import type { CheckerConfig, RealServerConfig, VirtualServerConfig } from '../config/lvs-config';
import { serverPort } from './ids';

export interface Target {
  readonly host: string;
  readonly port: number;
  readonly family: 4 | 6;
  readonly bindTo: string | undefined;
  readonly bindPort: number | undefined;
  readonly timeoutMs: number;
  /** fwmark: SO_MARK on the check's socket. */
  readonly fwmark?: number;
  /** bind_if: SO_BINDTODEVICE (needed for a link-local address). */
  readonly bindIf?: string;
}

const DEFAULT_PORT: Partial<Record<CheckerConfig['type'], number>> = {
  SMTP_CHECK: 25,
  DNS_CHECK: 53,
  HTTP_GET: 80,
  SSL_GET: 443,
};

export function targetOf(c: CheckerConfig, rs: RealServerConfig, vs: VirtualServerConfig): Target {
  const host = c.connectIp ?? rs.address;
  const bindPort = c.options.bind_port;
  const { fwmark, bind_if: bindIf } = c.options;
  return {
    host,
    port: c.connectPort ?? (serverPort(rs, vs) || undefined) ?? DEFAULT_PORT[c.type] ?? 0,
    family: isIPv6(host) ? 6 : 4,
    bindTo: c.bindTo,
    bindPort: typeof bindPort === 'number' ? bindPort : undefined,
    timeoutMs: Math.max(1, Math.round(c.connectTimeoutS * 1000)),
    ...(typeof fwmark === 'number' && fwmark > 0 ? { fwmark } : {}),
    ...(typeof bindIf === 'string' ? { bindIf } : {}),
  };
}
