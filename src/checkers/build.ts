/**
 * From one checker block of the config to a runnable check, its timing and
 * the words its log lines use.
 */
import type { CheckerConfig, RealServerConfig, VirtualServerConfig } from '../config/lvs-config';
import { weighted } from '../config/access';
import { fail, type Check } from './check';
import { BfdView, bfdCheck } from './checks/bfd';
import { dnsCheck } from './checks/dns';
import { fileCheck } from './checks/file';
import { httpCheck, httpOptions } from './checks/http';
import { miscCheck, miscOptions } from './checks/misc';
import type { Pinger } from './checks/ping';
import { smtpCheck } from './checks/smtp';
import { tcpCheck } from './checks/tcp';
import { udpCheck, udpOptions } from './checks/udp';
import { serverId, serviceId, trio } from './ids';
import type { LineContext } from './log-lines';
import type { Timing } from './schedule';
import type { ScriptRunner } from './scripts';
import type { CheckerSetup } from './setup';
import { targetOf } from './target';

export interface BuildDeps {
  readonly scripts: ScriptRunner;
  readonly pinger: Pinger;
  /** The daemon's BFD sessions, for BFD_CHECK (none: every session is down). */
  readonly bfd?: BfdView;
}

export interface BuiltChecker {
  readonly check: Check;
  readonly timing: Timing;
  readonly alpha: boolean;
  readonly line: LineContext;
}

/** How often FILE_CHECK reads its file (keepalived watches it with inotify). */
export const FILE_POLL_MS = 1000;

export function timingOf(c: CheckerConfig): Timing {
  return {
    delayLoopMs: Math.round(c.delayLoopS * 1000),
    delayBeforeRetryMs: Math.round(c.delayBeforeRetryS * 1000),
    retry: c.retry,
    warmupMs: Math.round(c.warmupS * 1000),
  };
}

export function buildChecker(
  c: CheckerConfig,
  rs: RealServerConfig,
  vs: VirtualServerConfig,
  setup: CheckerSetup,
  deps: BuildDeps,
): BuiltChecker | undefined {
  const t = targetOf(c, rs, vs);
  const o = c.options;
  const alpha = typeof o.alpha === 'boolean' ? o.alpha : rs.alpha;
  const line: LineContext = {
    type: c.type,
    chk: trio(t.host, vs.protocol, t.port),
    vs: serviceId(vs),
    // Its own log_all_failures, else the global checker_log_all_failures.
    logAllFailures:
      typeof o.log_all_failures === 'boolean' ? o.log_all_failures : setup.logAllFailures === true,
  };
  const timing = timingOf(c);
  switch (c.type) {
    case 'TCP_CHECK':
      return { check: tcpCheck(t), timing, alpha, line };
    case 'HTTP_GET':
    case 'SSL_GET':
      return {
        check: httpCheck(
          t,
          httpOptions(c.type, o, setup.ssl, { server: rs.virtualhost, service: vs.virtualhost }),
        ),
        timing,
        alpha,
        line,
      };
    case 'SMTP_CHECK':
      return {
        check: smtpCheck(t, typeof o.helo_name === 'string' ? o.helo_name : undefined),
        timing,
        alpha,
        line,
      };
    case 'DNS_CHECK':
      return { check: dnsCheck(t, o), timing, alpha, line };
    case 'UDP_CHECK':
      return { check: udpCheck(t, udpOptions(o)), timing, alpha, line };
    case 'PING_CHECK':
      return { check: deps.pinger.check(t), timing, alpha, line };
    case 'MISC_CHECK': {
      const m = miscOptions(o, c.delayLoopS);
      return {
        check: miscCheck(m, deps.scripts, rs.weight),
        timing,
        alpha,
        line: { ...line, chk: serverId(rs, vs), what: m.argv[0] ?? '' },
      };
    }
    case 'FILE_CHECK': {
      const name = typeof o.track_file === 'string' ? o.track_file : '';
      const tf = setup.trackFiles[name];
      const w = weighted(o.weight);
      const chk = serverId(rs, vs);
      const fileTiming: Timing = {
        delayLoopMs: FILE_POLL_MS,
        delayBeforeRetryMs: FILE_POLL_MS,
        retry: 0,
        warmupMs: 0,
      };
      if (!tf)
        return {
          check: { run: () => Promise.resolve(fail(`no track_file '${name}'`)) },
          timing: fileTiming,
          alpha: false,
          line: { ...line, chk, what: name },
        };
      return {
        check: fileCheck({
          name,
          file: tf.file,
          weight: w?.weight ?? tf.weight,
          reverse: w ? w.reverse : tf.reverse,
        }),
        timing: fileTiming,
        alpha: false,
        line: { ...line, chk, what: tf.file },
      };
    }
    case 'BFD_CHECK': {
      // No delay and no retry: each change of the session applies at once (keepalived's bfd_check_handle_event).
      const name = typeof o.name === 'string' ? o.name : '';
      return {
        check: bfdCheck(name, deps.bfd ?? new BfdView()),
        timing: { delayLoopMs: 0, delayBeforeRetryMs: 0, retry: 0, warmupMs: 0 },
        alpha,
        line: { ...line, chk: serverId(rs, vs), what: name },
      };
    }
  }
}
