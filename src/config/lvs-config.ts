/**
 * The IPVS part of a loaded config as the reconciler and the checkers use it:
 * virtual servers (address+port, fwmark or group) with their real servers and
 * health checkers, every timing resolved through keepalived's inheritance
 * (checker -> real_server -> virtual_server -> default). Pure.
 */
import { flag, notifyScript, num, str, weighted, words, type NotifyScript } from './access';
import { checkerAlertsOn } from '../mail/alerts';
import type { ModelBlock } from './validate';

export type CheckerType =
  | 'TCP_CHECK'
  | 'HTTP_GET'
  | 'SSL_GET'
  | 'MISC_CHECK'
  | 'SMTP_CHECK'
  | 'DNS_CHECK'
  | 'UDP_CHECK'
  | 'PING_CHECK'
  | 'FILE_CHECK'
  | 'BFD_CHECK';
export const CHECKER_TYPES: readonly CheckerType[] = [
  'TCP_CHECK',
  'HTTP_GET',
  'SSL_GET',
  'MISC_CHECK',
  'SMTP_CHECK',
  'DNS_CHECK',
  'UDP_CHECK',
  'PING_CHECK',
  'FILE_CHECK',
  'BFD_CHECK',
];

export interface CheckerConfig {
  readonly type: CheckerType;
  readonly connectIp: string | undefined;
  readonly connectPort: number | undefined;
  readonly bindTo: string | undefined;
  readonly connectTimeoutS: number;
  readonly retry: number;
  readonly delayBeforeRetryS: number;
  readonly delayLoopS: number;
  readonly warmupS: number;
  /** Everything else the checker block said (url blocks, misc_path, dns name...), typed by the schema. */
  readonly options: ModelBlock;
}

export interface RealServerConfig {
  readonly address: string;
  readonly port: number | undefined;
  readonly weight: number;
  readonly inhibitOnFailure: boolean;
  readonly upperThreshold: number | undefined;
  readonly lowerThreshold: number | undefined;
  readonly notifyUp: NotifyScript | undefined;
  readonly notifyDown: NotifyScript | undefined;
  /** smtp_alert (its own, the virtual server's, smtp_alert_checker, smtp_alert): mail on each check's change. */
  readonly smtpAlert: boolean;
  readonly alpha: boolean;
  readonly checkers: readonly CheckerConfig[];
  /** lvs_method: this real server's own forwarding, when it has one. */
  readonly forwarding?: Forwarding;
  /** HTTP_GET / SSL_GET: the Host header when neither the url nor the checker names one. */
  readonly virtualhost?: string;
}

export interface Forwarding {
  readonly kind: 'NAT' | 'DR' | 'TUN';
  /** TUN: [type ipip|gue|gre] [port N] [nocsum|csum|remcsum], as written. */
  readonly options: readonly string[];
}

/** ops, flag-1..3 and their sh-/mh- names (keepalived maps both onto the same kernel bits). */
export interface SchedulerFlags {
  readonly onePacket: boolean;
  /** flag-1, sh-fallback, mh-fallback. */
  readonly flag1: boolean;
  /** flag-2, sh-port, mh-port. */
  readonly flag2: boolean;
  readonly flag3: boolean;
}

export type ServiceKey =
  | { readonly kind: 'address'; readonly address: string; readonly port: number | undefined }
  | { readonly kind: 'fwmark'; readonly mark: number }
  | { readonly kind: 'group'; readonly group: string };

export interface VirtualServerConfig {
  readonly key: ServiceKey;
  /** As written in the header: "192.0.2.1 80", "fwmark 1", "group web". */
  readonly name: string;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
  readonly scheduler: string;
  readonly forwarding: 'NAT' | 'DR' | 'TUN';
  readonly forwardingOptions: readonly string[];
  readonly persistenceTimeoutS: number | undefined;
  readonly persistenceGranularity: string | undefined;
  readonly persistenceEngine: string | undefined;
  readonly quorum: number;
  readonly hysteresis: number;
  readonly quorumUp: NotifyScript | undefined;
  /** smtp_alert (its own, smtp_alert_checker, smtp_alert): mail when quorum is gained or lost. */
  readonly smtpAlert: boolean;
  readonly quorumDown: NotifyScript | undefined;
  readonly alpha: boolean;
  readonly omega: boolean;
  readonly haSuspend: boolean;
  readonly inhibitOnFailure: boolean;
  readonly sorryServer: { readonly address: string; readonly port: number | undefined } | undefined;
  readonly sorryServerInhibit: boolean;
  readonly delayLoopS: number;
  readonly realServers: readonly RealServerConfig[];
  /** ip_family: needed for fwmark services; otherwise the address says. */
  readonly ipFamily?: 4 | 6;
  readonly schedulerFlags: SchedulerFlags;
  readonly sorryServerForwarding?: Forwarding;
  /** HTTP_GET / SSL_GET: the Host header (and SNI) when nothing nearer names one. */
  readonly virtualhost?: string;
}

export interface LvsConfig {
  readonly virtualServers: readonly VirtualServerConfig[];
  readonly groups: Readonly<Record<string, readonly (readonly string[])[]>>;
}

const DEFAULT_RETRY: Partial<Record<CheckerType, number>> = { DNS_CHECK: 3, MISC_CHECK: 0 };
const DEFAULT_DELAY_BEFORE_RETRY: Partial<Record<CheckerType, number>> = {
  HTTP_GET: 3,
  SSL_GET: 3,
};
const COMMON = new Set([
  'connect_ip',
  'connect_port',
  'bindto',
  'connect_timeout',
  'retry',
  'nb_get_retry',
  'delay_before_retry',
  'delay_loop',
  'warmup',
]);

function port(v: string | undefined): number | undefined {
  return v === undefined ? undefined : Number(v);
}

function forwarding(v: unknown): { kind: 'NAT' | 'DR' | 'TUN'; options: string[] } | undefined {
  if (typeof v === 'string') return { kind: v as 'NAT' | 'DR' | 'TUN', options: [] };
  if (Array.isArray(v))
    return { kind: v[0] as 'NAT' | 'DR' | 'TUN', options: v.slice(1) as string[] };
  return undefined;
}

function forwardingOf(v: unknown): Forwarding | undefined {
  const f = forwarding(v);
  return f ? { kind: f.kind, options: f.options } : undefined;
}

function familyOf(v: string | undefined): 4 | 6 | undefined {
  return v === 'inet' ? 4 : v === 'inet6' ? 6 : undefined;
}

/** `{key: v}` when v is defined, `{}` otherwise (exactOptionalPropertyTypes-friendly). */
function optional<K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: V };
}

function checker(type: CheckerType, c: ModelBlock, rs: ModelBlock, vs: ModelBlock): CheckerConfig {
  const inherit = (key: string): number | undefined => num(c, key) ?? num(rs, key) ?? num(vs, key);
  const delayLoopS = inherit('delay_loop') ?? 60;
  const options: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c)) if (!COMMON.has(k)) options[k] = v;
  return {
    type,
    connectIp: str(c, 'connect_ip'),
    connectPort: num(c, 'connect_port'),
    bindTo: str(c, 'bindto'),
    connectTimeoutS: inherit('connect_timeout') ?? 5,
    retry: inherit('retry') ?? DEFAULT_RETRY[type] ?? 1,
    delayBeforeRetryS:
      inherit('delay_before_retry') ??
      (type === 'DNS_CHECK' ? delayLoopS : (DEFAULT_DELAY_BEFORE_RETRY[type] ?? 1)),
    delayLoopS,
    warmupS: inherit('warmup') ?? delayLoopS,
    options,
  };
}

const CHECKER_KEYWORDS: ReadonlySet<string> = new Set(CHECKER_TYPES);

/** A real server's checkers, in the order the config gives them. */
function checkersOf(rs: ModelBlock, vs: ModelBlock): CheckerConfig[] {
  const out: CheckerConfig[] = [];
  for (const k of Object.keys(rs)) {
    if (!CHECKER_KEYWORDS.has(k)) continue;
    for (const c of rs[k] as ModelBlock[])
      if (k === 'SMTP_CHECK' && Array.isArray(c.host)) out.push(...smtpHosts(c, rs, vs));
      else out.push(checker(k as CheckerType, c, rs, vs));
  }
  return out;
}

/** Where a check connects: the keywords a `host` block of SMTP_CHECK sets for its own checker. */
const CONNECTION_KEYS = [
  'connect_ip',
  'connect_port',
  'bindto',
  'bind_port',
  'bind_if',
  'fwmark',
  'connect_timeout',
];

/**
 * SMTP_CHECK's deprecated `host { ... }` blocks, as keepalived 2.2.7's
 * check_smtp.c reads them: each host is one more checker with its own
 * connection (the real server's address unless it says), the SMTP_CHECK's
 * other settings, and retry / delay keywords written in a host applying to
 * the whole SMTP_CHECK (they set its one checker there). When the
 * SMTP_CHECK's own block sets no connection keyword, the first host takes
 * its place instead of checking the real server too.
 */
function smtpHosts(c: ModelBlock, rs: ModelBlock, vs: ModelBlock): CheckerConfig[] {
  const hosts = c.host as ModelBlock[];
  const shared: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c)) if (k !== 'host') shared[k] = v;
  for (const h of hosts)
    for (const [k, v] of Object.entries(h)) if (!CONNECTION_KEYS.includes(k)) shared[k] = v;
  const base = (conn: ModelBlock): CheckerConfig => {
    const block: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(shared)) if (!CONNECTION_KEYS.includes(k)) block[k] = v;
    for (const k of CONNECTION_KEYS) if (conn[k] !== undefined) block[k] = conn[k];
    return checker('SMTP_CHECK', block as ModelBlock, rs, vs);
  };
  const own = CONNECTION_KEYS.some((k) => c[k] !== undefined);
  return [...(own ? [base(c)] : []), ...hosts.map(base)];
}

function key(args: readonly string[]): ServiceKey {
  if (args[0] === 'fwmark') return { kind: 'fwmark', mark: Number(args[1]) };
  if (args[0] === 'group') return { kind: 'group', group: args[1] as string };
  return { kind: 'address', address: args[0] as string, port: port(args[1]) };
}

export function lvsConfig(root: ModelBlock): LvsConfig {
  const virtualServers = ((root.virtual_server ?? []) as ModelBlock[]).map(
    (vs): VirtualServerConfig => {
      const args = vs.$args ?? [];
      const fwd = forwarding(vs.lb_kind) ?? { kind: 'NAT', options: [] };
      const sorry = words(vs, 'sorry_server');
      // What every real server inherits from its virtual server, read once.
      const vsInhibit = flag(vs, 'inhibit_on_failure');
      const vsAlpha = flag(vs, 'alpha');
      // keepalived: a real server without its own weight takes the virtual server's.
      const vsWeight = num(vs, 'weight') ?? 1;
      const realServers = ((vs.real_server ?? []) as ModelBlock[]).map((rs): RealServerConfig => {
        const rsArgs = rs.$args ?? [];
        const w = weighted(rs.weight);
        return {
          address: rsArgs[0] as string,
          port: port(rsArgs[1]),
          weight: w?.weight ?? vsWeight,
          ...optional('virtualhost', str(rs, 'virtualhost')),
          inhibitOnFailure:
            rs.inhibit_on_failure === undefined ? vsInhibit : rs.inhibit_on_failure === true,
          upperThreshold: num(rs, 'uthreshold'),
          lowerThreshold: num(rs, 'lthreshold'),
          notifyUp: notifyScript(rs, 'notify_up'),
          notifyDown: notifyScript(rs, 'notify_down'),
          smtpAlert: checkerAlertsOn(rs, vs, root.global_defs as ModelBlock | undefined),
          alpha: rs.alpha === undefined ? vsAlpha : rs.alpha === true,
          checkers: checkersOf(rs, vs),
          ...optional('forwarding', forwardingOf(rs.lvs_method)),
        };
      });
      return {
        key: key(args),
        name: args.join(' '),
        protocol: (str(vs, 'protocol') ?? 'TCP').toUpperCase() as 'TCP' | 'UDP' | 'SCTP',
        scheduler: str(vs, 'lb_algo') ?? 'wlc',
        forwarding: fwd.kind,
        forwardingOptions: fwd.options,
        persistenceTimeoutS:
          num(vs, 'persistence_timeout') ??
          (vs.persistence_granularity !== undefined ? 360 : undefined),
        persistenceGranularity: str(vs, 'persistence_granularity'),
        persistenceEngine: str(vs, 'persistence_engine'),
        quorum: num(vs, 'quorum') ?? 1,
        hysteresis: num(vs, 'hysteresis') ?? 0,
        quorumUp: notifyScript(vs, 'quorum_up'),
        smtpAlert: checkerAlertsOn(undefined, vs, root.global_defs as ModelBlock | undefined),
        ...optional('virtualhost', str(vs, 'virtualhost')),
        quorumDown: notifyScript(vs, 'quorum_down'),
        alpha: flag(vs, 'alpha'),
        omega: flag(vs, 'omega'),
        haSuspend: flag(vs, 'ha_suspend'),
        inhibitOnFailure: flag(vs, 'inhibit_on_failure'),
        sorryServer: sorry ? { address: sorry[0] as string, port: port(sorry[1]) } : undefined,
        sorryServerInhibit: flag(vs, 'sorry_server_inhibit'),
        delayLoopS: num(vs, 'delay_loop') ?? 60,
        realServers,
        ...optional('ipFamily', familyOf(str(vs, 'ip_family'))),
        schedulerFlags: {
          onePacket: flag(vs, 'ops'),
          flag1: flag(vs, 'flag-1') || flag(vs, 'sh-fallback') || flag(vs, 'mh-fallback'),
          flag2: flag(vs, 'flag-2') || flag(vs, 'sh-port') || flag(vs, 'mh-port'),
          flag3: flag(vs, 'flag-3'),
        },
        ...optional('sorryServerForwarding', forwardingOf(vs.sorry_server_lvs_method)),
      };
    },
  );
  const groups: Record<string, string[][]> = {};
  for (const [name, entries] of Object.entries(
    (root.virtual_server_group ?? {}) as Record<string, string[][]>,
  ))
    groups[name] = entries;
  return { virtualServers, groups };
}
