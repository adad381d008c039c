/**
 * The lines keepalived's checkers log (check_tcp.c, check_http.c,
 * check_smtp.c, check_udp.c, check_ping.c, check_dns.c, check_misc.c,
 * track_file.c, ipwrapper.c), so `grep` habits keep working. `chk` is the
 * checked server as keepalived prints it ("[192.0.2.21]:tcp:80").
 */
import type { CheckerType } from '../config/lvs-config';
import type { CheckResult } from './check';
import type { Verdict } from './schedule';

export interface LineContext {
  readonly type: CheckerType;
  readonly chk: string;
  readonly vs: string;
  /** MISC_CHECK's program, FILE_CHECK's file, BFD_CHECK's bfd_instance. */
  readonly what?: string;
  /** log_all_failures: every failed attempt is an info line, not only the last. */
  readonly logAllFailures?: boolean;
}

function retries(n: number): string {
  return `${n} ${n === 1 ? 'retry' : 'retries'}`;
}

function successLine(c: LineContext): string {
  switch (c.type) {
    case 'TCP_CHECK':
      return `TCP connection to ${c.chk} success.`;
    case 'HTTP_GET':
    case 'SSL_GET':
      return `Remote Web server ${c.chk} succeed on service.`;
    case 'SMTP_CHECK':
      return `Remote SMTP server ${c.chk} succeed on service.`;
    case 'UDP_CHECK':
      return `UDP connection to ${c.chk} success.`;
    case 'PING_CHECK':
      return `ICMP connection to ${c.chk} success.`;
    case 'DNS_CHECK':
      return `DNS_CHECK (${c.chk}) succeed.`;
    case 'MISC_CHECK':
      return `Misc check for [${c.chk} VS ${c.vs}] by [${c.what}] succeeded.`;
    case 'FILE_CHECK':
      return `(${c.chk}): tracked file ${c.what} leaving FAULT state`;
    case 'BFD_CHECK':
      return `BFD check of [${c.what}] RS(${c.chk}) is UP`;
  }
}

function failedLine(c: LineContext, after: number | undefined, r: CheckResult): string {
  const tail = after === undefined ? ' failed.' : ` failed after ${after} retries.`;
  switch (c.type) {
    case 'TCP_CHECK':
      return `TCP_CHECK on service ${c.chk}${tail}`;
    case 'HTTP_GET':
      return `HTTP_CHECK on service ${c.chk}${tail}`;
    case 'SSL_GET':
      return `SSL_CHECK on service ${c.chk}${tail}`;
    case 'SMTP_CHECK':
      return `SMTP_CHECK on service ${c.chk}${tail}`;
    case 'UDP_CHECK':
      return `UDP_CHECK on service ${c.chk}${tail}`;
    case 'PING_CHECK':
      return `ICMP CHECK on service ${c.chk}${tail}`;
    case 'DNS_CHECK':
      return `DNS_CHECK (${c.chk}) ${r.detail}${after === undefined ? '' : ` after ${after} retries`}`;
    case 'MISC_CHECK': {
      const how = r.timedOut ? 'timed out' : 'failed';
      const n = after === undefined ? ' with retry disabled' : ` after ${retries(after)}`;
      const why = r.timedOut ? '' : ` (${r.detail})`;
      return `Misc check for [${c.chk} VS ${c.vs}] by [${c.what}] ${how}${n}${why}.`;
    }
    case 'FILE_CHECK':
      return `(${c.chk}): tracked file ${c.what} now FAULT state`;
    case 'BFD_CHECK':
      return `BFD check of [${c.what}] RS(${c.chk}) is DOWN`;
  }
}

/** One failed attempt (keepalived logs these only with log_all_failures). */
export function attemptFailedLine(c: LineContext, r: CheckResult): string {
  switch (c.type) {
    case 'TCP_CHECK':
      return `TCP connection to ${c.chk} ${r.timedOut ? 'timeout' : 'failed'}.`;
    case 'UDP_CHECK':
      return `UDP connection to ${c.chk} failed.`;
    case 'PING_CHECK':
      return r.timedOut
        ? `ICMP connection to address ${c.chk} timeout.`
        : `ICMP connection to ${c.chk} of ${c.vs} failed.`;
    default:
      return `${c.type} on service ${c.chk}: ${r.detail}`;
  }
}

export function verdictLine(
  c: LineContext,
  v: Verdict,
  r: CheckResult,
): { line: string; always: boolean } {
  switch (v.kind) {
    case 'success':
      return { line: successLine(c), always: true };
    case 'failed':
      return { line: failedLine(c, v.afterRetries, r), always: true };
    case 'retrying':
      return { line: attemptFailedLine(c, r), always: c.logAllFailures === true };
  }
}

/** ipwrapper.c perform_svr_state: the pool changes a health transition causes. */
export function serviceLine(up: boolean, inhibit: boolean, rs: string, vs: string): string {
  if (inhibit) return `${up ? 'Enabling' : 'Disabling'} service ${rs} of VS ${vs}`;
  return up ? `Adding service ${rs} to VS ${vs}` : `Removing service ${rs} from VS ${vs}`;
}

/** ipwrapper.c update_svr_wgt. */
export function weightLine(from: number, to: number, active: boolean, rs: string, vs: string) {
  return `Changing weight from ${from} to ${to} for ${active ? '' : 'in'}active service ${rs} of VS ${vs}`;
}
