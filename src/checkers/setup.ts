/**
 * Everything the checker process needs from a loaded config, as plain data
 * (it travels to the child as one JSON line): the virtual servers, the
 * track_files FILE_CHECK reads, and who scripts run as.
 */
import { bool, flag, num } from '../config/access';
import { lvsConfig, type LvsConfig } from '../config/lvs-config';
import type { MailSettings } from '../mail/alerts';
import { processSettings } from '../config/process-settings';
import type { ModelBlock } from '../config/validate';
import { cpuList, vrrpConfig } from '../config/vrrp-config';

export interface TrackFileRef {
  readonly file: string;
  readonly weight: number;
  readonly reverse: boolean;
}

/** The top-level `SSL { }` block: SSL_GET's client context (files read by the checker process). */
export interface SslFiles {
  readonly certificate?: string;
  readonly key?: string;
  readonly password?: string;
  readonly ca?: string;
}

export interface CheckerSetup {
  readonly lvs: LvsConfig;
  readonly trackFiles: Readonly<Record<string, TrackFileRef>>;
  readonly scriptUser: readonly string[] | undefined;
  readonly scriptSecurity: boolean;
  readonly ssl?: SslFiles;
  /** E-mail alerts (real servers with smtp_alert): where they go; none without recipients and a server. */
  readonly mail?: MailSettings;
  /** no_checker_emails: mail only when the real server itself goes up or down. */
  readonly noCheckerEmails?: boolean;
  /** rs_init_notifies: a real server that starts up runs its notify_up. */
  readonly rsInitNotifies?: boolean;
  /** lvs_netlink_cmd_rcv_bufs / lvs_netlink_monitor_rcv_bufs: the checker process's netlink sockets. */
  readonly netlinkBuffers?: { readonly requests?: number; readonly events?: number };
  /** checker_log_all_failures: every checker's log_all_failures unless it says otherwise. */
  readonly logAllFailures?: boolean;
  /** checker_priority (nice), checker_rt_priority (SCHED_RR 1..99), checker_cpu_affinity. */
  readonly scheduling?: CheckerScheduling;
  /** checker_process_name, process_names: the checker process's comm. */
  readonly processName?: string;
}

export interface CheckerScheduling {
  readonly nice?: number;
  readonly rtPriority?: number;
  readonly cpus?: readonly number[];
  readonly maxAutoPriority?: number;
  readonly minAutoDelayUs?: number;
  readonly noSwap?: boolean;
  readonly rtTimeLimitUs?: number;
}

function schedulingOf(g: ModelBlock | undefined): CheckerScheduling | undefined {
  const nice = num(g, 'checker_priority');
  const rt = num(g, 'checker_rt_priority');
  const cpus = cpuList(g, 'checker_cpu_affinity');
  const max = num(g, 'max_auto_priority');
  const delay = num(g, 'min_auto_priority_delay');
  const noSwap = flag(g, 'checker_no_swap');
  const rtLimit = num(g, 'checker_rlimit_rttime');
  if (
    nice === undefined &&
    rt === undefined &&
    cpus === undefined &&
    max === undefined &&
    !noSwap &&
    rtLimit === undefined
  )
    return undefined;
  return {
    ...(nice === undefined ? {} : { nice }),
    ...(rt === undefined ? {} : { rtPriority: Math.min(99, Math.max(1, rt)) }),
    ...(cpus === undefined ? {} : { cpus }),
    ...(max === undefined ? {} : { maxAutoPriority: max }),
    ...(delay === undefined ? {} : { minAutoDelayUs: delay }),
    ...(noSwap ? { noSwap } : {}),
    ...(rtLimit === undefined ? {} : { rtTimeLimitUs: rtLimit }),
  };
}

function sslFiles(b: ModelBlock | undefined): SslFiles | undefined {
  if (!b) return undefined;
  const out: Record<string, string> = {};
  for (const k of ['certificate', 'key', 'password', 'ca'] as const)
    if (typeof b[k] === 'string') out[k] = b[k];
  return out;
}

export function checkerSetup(root: ModelBlock): CheckerSetup {
  const v = vrrpConfig(root);
  const trackFiles: Record<string, TrackFileRef> = {};
  for (const t of v.trackFiles)
    trackFiles[t.name] = { file: t.file, weight: t.weight, reverse: t.reverse };
  return {
    lvs: lvsConfig(root),
    trackFiles,
    scriptUser: v.globals.scriptUser,
    scriptSecurity: v.globals.scriptSecurity,
    ...(v.globals.mail ? { mail: v.globals.mail } : {}),
    ...(bool(root.global_defs as ModelBlock | undefined, 'checker_log_all_failures', false)
      ? { logAllFailures: true }
      : {}),
    ...(bool(root.global_defs as ModelBlock | undefined, 'no_checker_emails', false)
      ? { noCheckerEmails: true }
      : {}),
    ...(bool(root.global_defs as ModelBlock | undefined, 'rs_init_notifies', false)
      ? { rsInitNotifies: true }
      : {}),
    ...((g) => {
      const requests = num(g, 'lvs_netlink_cmd_rcv_bufs');
      const events = num(g, 'lvs_netlink_monitor_rcv_bufs');
      return requests === undefined && events === undefined
        ? {}
        : {
            netlinkBuffers: {
              ...(requests === undefined ? {} : { requests }),
              ...(events === undefined ? {} : { events }),
            },
          };
    })(root.global_defs as ModelBlock | undefined),
    ...((sched) => (sched ? { scheduling: sched } : {}))(
      schedulingOf(root.global_defs as ModelBlock | undefined),
    ),
    ...(root.SSL ? { ssl: sslFiles(root.SSL as ModelBlock) } : {}),
    ...((name) => (name ? { processName: name } : {}))(processSettings(root).checkerName),
  };
}

/** How many checkers a setup runs. */
export function checkerCount(s: CheckerSetup): number {
  return s.lvs.virtualServers.reduce(
    (n, vs) => n + vs.realServers.reduce((m, rs) => m + rs.checkers.length, 0),
    0,
  );
}
