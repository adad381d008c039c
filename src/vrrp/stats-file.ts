/**
 * keepalived's VRRP statistics file (vrrp_print.c vrrp_print_stats): what
 * SIGUSR2 writes to $TMPDIR/keepalived.stats (/tmp without TMPDIR), each
 * instance's counters in keepalived 2.2.7's words and order, so that tools
 * reading it (keepalived exporters for Prometheus...) read halb's the same
 * way. Pure.
 */
import * as path from 'node:path';

export interface StatsCounters {
  readonly name: string;
  readonly advertsReceived: number;
  readonly advertsSent: number;
  readonly becameMaster: number;
  readonly releasedMaster: number;
  readonly lengthErrors: number;
  readonly ttlErrors: number;
  readonly invalidType: number;
  readonly intervalErrors: number;
  readonly addressListErrors: number;
  readonly invalidAuthType: number;
  readonly authTypeMismatch: number;
  readonly authFailures: number;
  readonly priorityZeroReceived: number;
  readonly priorityZeroSent: number;
}

export function statsText(instances: readonly StatsCounters[]): string {
  return instances
    .map((s) =>
      [
        `VRRP Instance: ${s.name}`,
        '  Advertisements:',
        `    Received: ${s.advertsReceived}`,
        `    Sent: ${s.advertsSent}`,
        `  Became master: ${s.becameMaster}`,
        `  Released master: ${s.releasedMaster}`,
        '  Packet Errors:',
        `    Length: ${s.lengthErrors}`,
        `    TTL: ${s.ttlErrors}`,
        `    Invalid Type: ${s.invalidType}`,
        `    Advertisement Interval: ${s.intervalErrors}`,
        `    Address List: ${s.addressListErrors}`,
        '  Authentication Errors:',
        `    Invalid Type: ${s.invalidAuthType}`,
        `    Type Mismatch: ${s.authTypeMismatch}`,
        `    Failure: ${s.authFailures}`,
        '  Priority Zero:',
        `    Received: ${s.priorityZeroReceived}`,
        `    Sent: ${s.priorityZeroSent}`,
        '',
      ].join('\n'),
    )
    .join('');
}

/** keepalived's make_tmp_filename: $TMPDIR when it is an absolute path, else /tmp. */
export function tmpFile(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.TMPDIR?.startsWith('/') ? env.TMPDIR : '/tmp';
  return path.join(dir, name);
}
