/**
 * The VRRP part of a loaded config as the engine uses it: every value typed
 * and filled in with keepalived's defaults, global_defs settings inherited by
 * instances, addresses parsed. Pure: model in, config out.
 */
import { rxBufsPolicy, type RxBufsPolicy } from '../vrrp/rx-buffers';
import * as net from 'node:net';
import { alertsOn, type MailSettings } from '../mail/alerts';
import { localMailSettings } from '../mail/smtp';
import {
  argv,
  bool,
  flag,
  lines,
  notifyScript,
  num,
  option,
  str,
  weighted,
  words,
  type NotifyScript,
} from './access';
import { positionOf, type ModelBlock } from './validate';
import { vmacAddress, vmacName } from '../vrrp/vmac';
import { upDownDelays, type UpDownDelays } from '../vrrp/link-debounce';
import { parseRoute, parseRule, type RouteSpec, type RuleSpec } from '../vrrp/routes';
import { hmacKey, type HmacMode, type HmacSettings } from '../vrrp/auth-hmac';
import type { StaticsConfig } from '../vrrp/statics';
import { staticsOf } from './statics-config';
import { decodeHmacKey, readSecretFile, type ReadSecret } from './hmac-keys';
import { bfdConfig, type BfdInstanceConfig } from './bfd-config';
import {
  groupWeightRulings,
  instanceWeightRulings,
  type TrackKind,
  type WeightRuling,
} from './ignored-weights';

export interface VrrpGlobals {
  readonly routerId: string | undefined;
  readonly version: 2 | 3;
  readonly mcastGroup4: string;
  readonly mcastGroup6: string;
  readonly strict: boolean;
  /**
   * nftables / nftables_priority: the table (ip and ip6) and hook priority of
   * the drop rules for instances without accept mode.
   */
  readonly firewall: {
    readonly table: string;
    readonly priority: number;
    readonly counters: boolean;
  };
  readonly scriptUser: readonly string[] | undefined;
  readonly scriptSecurity: boolean;
  readonly notifyFifo: string | undefined;
  /** vrrp_garp_interval / vrrp_gna_interval: seconds between announcements on an interface. */
  readonly garpIntervalS: number;
  readonly gnaIntervalS: number;
  /** vrrp_priority (nice) and vrrp_rt_priority (SCHED_RR 1..99) for the VRRP process. */
  readonly nice: number | undefined;
  readonly rtPriority: number | undefined;
  /** max_auto_priority (99 without a value) and min_auto_priority_delay (µs): platform/scheduling.ts. */
  readonly maxAutoPriority: number | undefined;
  readonly minAutoDelayUs: number | undefined;
  /** vrrp_no_swap (or bfd_no_swap: BFD runs in this process): mlockall. */
  readonly noSwap: boolean;
  /** vrrp_rlimit_rttime (µs): RLIMIT_RTTIME while SCHED_RR (platform/scheduling.ts). */
  readonly rtTimeLimitUs: number | undefined;
  /** vrrp_cpu_affinity: the CPUs the VRRP process runs on. */
  readonly cpus: readonly number[] | undefined;
  /** vrrp_startup_delay: at the daemon's start, no BACKUP's master-down timer runs out before it has passed. */
  readonly startupDelayMs: number;
  /**
   * vrrp_rx_bufs_policy MTU | ADVERT | SIZE and vrrp_rx_bufs_multiplier (3):
   * what each instance adds to its socket's receive buffer (rx-buffers.ts).
   */
  readonly rxBufs: RxBufsPolicy;
  /** dynamic_interfaces: an instance whose interface does not exist yet starts when it appears. */
  readonly dynamicInterfaces: boolean;
  /** fifo_write_vrrp_states_on_reload: a reload writes each kept instance's state to the FIFO again. */
  readonly fifoStatesOnReload: boolean;
  /** log_unknown_vrids: say so when an advert comes for a VRID no instance here has. */
  readonly logUnknownVrids: boolean;
  /** E-mail alerts: recipients, server, sender (none without recipients and a server). */
  readonly mail: MailSettings | undefined;
}

/** garp_group: its own pacing for the interfaces it names. */
export interface GarpGroupConfig {
  readonly interfaces: readonly string[];
  readonly garpIntervalS: number | undefined;
  readonly gnaIntervalS: number | undefined;
}

export interface Vip {
  readonly address: string;
  readonly prefix: number;
  readonly family: 4 | 6;
  readonly dev: string | undefined;
  readonly label: string | undefined;
  readonly scope: string | undefined;
  readonly broadcast: string | undefined;
  readonly peer: string | undefined;
  readonly noTrack: boolean;
  /**
   * IPv6 only: the address's preferred lifetime in seconds (0xffffffff:
   * forever). keepalived 2.2.7 adds an IPv6 /128 VIP deprecated (0) unless
   * `preferred_lft` says otherwise, so the host never picks it as the source
   * of its own connections (health checks to real servers that carry a DR VIP
   * on lo); other prefixes default to forever.
   */
  readonly preferredLft: number | undefined;
  /** The address flags the line asks for (home, mngtmpaddr, noprefixroute, autojoin). */
  readonly flags?: VipFlags;
  /** `-nodad`: IPv6 duplicate address detection stays on (keepalived turns it off for VIPs). */
  readonly dad?: true;
  /** metric: the priority of the address's prefix route (IFA_RT_PRIORITY). */
  readonly metric?: number;
}

export interface VipFlags {
  readonly homeaddress?: true;
  readonly managetempaddr?: true;
  readonly noprefixroute?: true;
  readonly mcautojoin?: true;
}

const VIP_FLAG_WORDS: Record<string, keyof VipFlags> = {
  home: 'homeaddress',
  mngtmpaddr: 'managetempaddr',
  noprefixroute: 'noprefixroute',
  autojoin: 'mcautojoin',
};

/** `preferred_lft` as the kernel's IFA_CACHEINFO wants it (keepalived 2.2.7's defaults). */
function preferredLft(line: readonly string[], family: number, prefix: number): number | undefined {
  if (family !== 6) return undefined;
  const v = option(line, 'preferred_lft');
  if (v === undefined) return prefix === 128 ? 0 : 0xffffffff;
  if (v === 'forever' || v === 'infinite') return 0xffffffff;
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 && n <= 0xffffffff ? n : 0;
}

export interface Tracked {
  readonly name: string;
  /** undefined: take the tracker's own weight (scripts, files). */
  readonly weight: number | undefined;
  readonly reverse: boolean;
}

export interface GarpConfig {
  readonly masterDelayS: number;
  readonly masterRepeat: number;
  readonly masterRefreshS: number;
  readonly masterRefreshRepeat: number;
  /**
   * garp_lower_prio_repeat / _delay: a MASTER that hears a lower priority
   * announces its VIPs this many times at once, and again after the delay
   * (keepalived's defaults: the global master repeat and delay; none in strict mode).
   */
  readonly lowerPrioRepeat: number;
  readonly lowerPrioDelayS: number;
  /**
   * garp_extra_if [all] SECONDS (else the global vrrp_garp_extra_if): while
   * MASTER, one announcement of the first VIP on each of the instance's other
   * VMACs (all: each other interface) every so often (0: never), so that
   * switches keep their MAC. See extraIfVips().
   */
  readonly extraIfS: number;
  readonly extraIfAll: boolean;
}

export interface VrrpInstanceConfig {
  readonly name: string;
  readonly interface: string | undefined;
  readonly vrid: number;
  readonly priority: number;
  readonly initialState: 'MASTER' | 'BACKUP';
  readonly advertIntervalCs: number;
  readonly version: 2 | 3;
  readonly family: 4 | 6;
  readonly vips: readonly Vip[];
  readonly excludedVips: readonly Vip[];
  /** virtual_routes / virtual_rules that can be installed (the others were warned about at load). */
  readonly virtualRoutes: readonly RouteSpec[];
  readonly virtualRules: readonly RuleSpec[];
  readonly unicastSrc: string | undefined;
  /** promote_secondaries: net.ipv4.conf.IF.promote_secondaries on while it runs (not with use_vmac). */
  readonly promoteSecondaries: boolean;
  /** kernel_rx_buf_size: what this instance adds to its socket's receive buffer (over the global policy). */
  readonly kernelRxBufSize: number | undefined;
  /** smtp_alert (its own, else the global smtp_alert_vrrp / smtp_alert): mail on each transition. */
  readonly smtpAlert: boolean;
  /** unicast_fault_no_peer with no unicast_peer: FAULT rather than multicast (keepalived). */
  readonly unicastFaultNoPeer: boolean;
  /** mcast_dst_ip: the instance's own multicast group (undefined: the global one, or unicast). */
  readonly mcastDst: string | undefined;
  /** track_src_ip: FAULT while the interface does not hold unicast_src_ip / mcast_src_ip. */
  readonly trackSrcIp: boolean;
  readonly unicastPeers: readonly {
    readonly address: string;
    readonly minTtl?: number;
    readonly maxTtl?: number;
  }[];
  /**
   * check_unicast_src (or global vrrp_check_unicast_src): a unicast advert must
   * come from a unicast_peer, with a TTL in that peer's min_ttl..max_ttl.
   */
  readonly checkUnicastSrc: boolean;
  /** unicast_ttl: the TTL / hop limit of unicast adverts (255). */
  readonly unicastTtl: number;
  /**
   * lower_prio_no_advert: a MASTER that hears a lower priority does not answer
   * with an advert (strict mode: always); higher_prio_send_advert: one that
   * hears a higher priority sends one advert before it steps down (never in strict mode).
   */
  readonly lowerPrioNoAdvert: boolean;
  readonly higherPrioSendAdvert: boolean;
  /** skip_check_adv_addr: no address-list check for adverts from the master last heard. */
  readonly skipCheckAdvAddr: boolean;
  /** dont_track_primary: the instance's own interface going down is no FAULT. */
  readonly dontTrackPrimary: boolean;
  /** linkbeat_use_polling in the instance (deprecated there): its interfaces are polled (vrrp/io/linkbeat.ts). */
  readonly linkbeatPolling: boolean;
  readonly nopreempt: boolean;
  readonly preemptDelayS: number;
  /** down_timer_adverts (global vrrp_down_timer_adverts): adverts missed before MASTER; 3 in the RFC. */
  readonly downTimerAdverts: number;
  readonly accept: boolean;
  /** VRRPv2 authentication: PASS, or AH (vrrp/ah.ts); strict mode drops it, as keepalived does. */
  readonly auth: { readonly type: 'PASS' | 'AH'; readonly password: string } | undefined;
  /** auth_hmac (keepalived 2.4, vrrp/auth-hmac.ts); when set, `auth` is not. */
  readonly authHmac: HmacSettings | undefined;
  /** v3_checksum_as_v2 (keepalived 2.2.8): VRRPv3 IPv4 checksum without the pseudo-header. */
  readonly checksumAsV2: boolean;
  /**
   * old_unicast_checksum (VRRPv3 over IPv4, unicast peers): `always` sends
   * and checks keepalived 1.3.6's checksum (the multicast group in the
   * pseudo-header); `auto` (no keyword) sends the RFC one and switches for
   * good when a peer's advert carries the old one; `never` does not switch.
   */
  readonly oldUnicastChecksum: 'auto' | 'never' | 'always';
  readonly trackInterfaces: readonly Tracked[];
  readonly trackScripts: readonly Tracked[];
  readonly trackFiles: readonly Tracked[];
  readonly trackProcesses: readonly Tracked[];
  /** track_bfd, the weight and reverse resolved (the line's, else the bfd_instance's). */
  readonly trackBfds: readonly Tracked[];
  /** Each script's command line, and the USER [GROUP] the line names, if any. */
  readonly notify: {
    readonly master?: NotifyScript;
    readonly backup?: NotifyScript;
    readonly fault?: NotifyScript;
    readonly stop?: NotifyScript;
    readonly any?: NotifyScript;
    /** notify_master_rx_lower_pri: a MASTER heard a lower priority. */
    readonly masterRxLowerPri?: NotifyScript;
    /** notify_deleted SCRIPT: run when a reload removes the instance. */
    readonly deleted?: NotifyScript;
  };
  /** notify_deleted: a reload that removes the instance notifies DELETED instead of FAULT. */
  readonly notifyDeleted: boolean;
  /** notify_priority_changes (instance, else its sync group, else vrrp_notify_priority_changes). */
  readonly notifyPriorityChanges: boolean;
  readonly garp: GarpConfig;
  /** use_vmac: the macvlan's name and virtual MAC, resolved. */
  readonly useVmac: { readonly name: string; readonly mac: string } | undefined;
  readonly vmacXmitBase: boolean;
}

export interface VrrpScriptConfig {
  readonly name: string;
  readonly argv: readonly string[];
  readonly intervalS: number;
  readonly timeoutS: number;
  readonly weight: number;
  readonly reverse: boolean;
  readonly rise: number;
  readonly fall: number;
  readonly user: readonly string[] | undefined;
  /** init_fail: failed until its first `rise` successes (otherwise it starts as up). */
  readonly initFail: boolean;
}

/** vrrp_track_process (keepalived 2.2.7's defaults: weight 0, quorum 1, no upper bound). */
export interface TrackProcessConfig {
  readonly name: string;
  /** The process name (comm), or with fullCommand the whole argv[0]. */
  readonly process: string;
  readonly params: readonly string[];
  /** none: argv[0] only; exact: the same parameters; partial: these first; initial: the last a prefix. */
  readonly paramMatch: 'none' | 'exact' | 'partial' | 'initial';
  readonly fullCommand: boolean;
  readonly weight: number;
  readonly reverse: boolean;
  /** Up while quorum <= matching processes <= quorumMax (quorum_max 0: up while none runs). */
  readonly quorum: number;
  readonly quorumMax: number;
  readonly forkDelayS: number;
  readonly terminateDelayS: number;
}

export interface TrackFileConfig {
  readonly name: string;
  readonly file: string;
  readonly weight: number;
  readonly reverse: boolean;
  /** init_file [VALUE] [overwrite]: create (or overwrite) the file at start. */
  readonly init: { readonly value: number; readonly overwrite: boolean } | undefined;
}

export interface SyncGroupConfig {
  readonly name: string;
  readonly members: readonly string[];
  readonly notify: VrrpInstanceConfig['notify'];
  /** smtp_alert: mail when the whole group changes state. */
  readonly smtpAlert: boolean;
}

export interface VrrpConfig {
  readonly globals: VrrpGlobals;
  /** static_ipaddress (dev defaults to default_interface, eth0), static_routes, static_rules. */
  readonly statics: StaticsConfig;
  readonly instances: readonly VrrpInstanceConfig[];
  readonly scripts: readonly VrrpScriptConfig[];
  readonly trackFiles: readonly TrackFileConfig[];
  readonly trackProcesses: readonly TrackProcessConfig[];
  readonly syncGroups: readonly SyncGroupConfig[];
  readonly garpGroups: readonly GarpGroupConfig[];
  /** linkbeat_interfaces lines (IF [MII|ETHTOOL|IOCTL]) and the top-level linkbeat_use_polling. */
  readonly linkbeat: {
    readonly lines: readonly (readonly string[])[];
    readonly everywhere: boolean;
  };
  /** interface_up_down_delays, clamped for the instances on each interface (vrrp/link-debounce.ts). */
  readonly upDownDelays: Readonly<Record<string, UpDownDelays>>;
}

type Blocks = Record<string, ModelBlock>;

/**
 * unicast_src_ip and mcast_src_ip are one setting in keepalived (the adverts'
 * source, unicast or multicast): the one written last wins.
 */
function advertSource(vi: ModelBlock): string | undefined {
  const u = str(vi, 'unicast_src_ip');
  const m = str(vi, 'mcast_src_ip');
  if (u === undefined || m === undefined) return u ?? m;
  const line = (k: string): number => positionOf(vi, k)?.line ?? 0;
  return line('mcast_src_ip') > line('unicast_src_ip') ? m : u;
}

export function parseVip(line: readonly string[], defaultDev: string | undefined): Vip | undefined {
  const [addr, prefixText] = (line[0] as string).split('/');
  const family = net.isIP(addr ?? '');
  if (family === 0) return undefined;
  const prefix = prefixText === undefined ? (family === 4 ? 32 : 128) : Number(prefixText);
  return {
    address: addr as string,
    prefix,
    family: family as 4 | 6,
    dev: option(line, 'dev') ?? defaultDev,
    label: option(line, 'label'),
    scope: option(line, 'scope'),
    broadcast: option(line, 'brd') ?? option(line, 'broadcast'),
    peer: option(line, 'peer'),
    noTrack: line.includes('no_track'),
    preferredLft: preferredLft(line, family, prefix),
    ...vipFlags(line),
  };
}

/** The flag words of a VIP line, as keepalived's vrrp_ipaddress.c reads them. */
function vipFlags(line: readonly string[]): Pick<Vip, 'flags' | 'dad' | 'metric'> {
  const flags: Record<string, true> = {};
  for (const w of line) {
    const f = VIP_FLAG_WORDS[w];
    if (f) flags[f] = true;
  }
  const metric = option(line, 'metric');
  return {
    ...(Object.keys(flags).length > 0 ? { flags: flags as VipFlags } : {}),
    ...(line.includes('-nodad') ? { dad: true as const } : {}),
    ...(metric !== undefined && /^\d+$/.test(metric) ? { metric: Number(metric) } : {}),
  };
}

/**
 * A sync group's track_interface, track_script and track_file act on every
 * member (keepalived 2.2.7): added to each member's own, which win for a name
 * both list.
 */
function withGroupTracking(
  inst: VrrpInstanceConfig,
  root: ModelBlock,
  groups: ReadonlyArray<[string, ModelBlock]>,
  bfds: ReadonlyMap<string, BfdInstanceConfig>,
): VrrpInstanceConfig {
  const mine = groups.filter(([, sg]) => lines(sg, 'group').flat().includes(inst.name));
  if (mine.length === 0) return inst;
  const theirs = mine.map(([gname, sg]) => ({
    sg,
    rulings: groupWeightRulings(root, gname, sg),
  }));
  const add = (own: readonly Tracked[], key: TrackKind | 'track_process'): Tracked[] => {
    const out = [...own];
    for (const { sg, rulings } of theirs) {
      const all =
        key === 'track_bfd' ? trackedBfds(lines(sg, key), bfds) : lines(sg, key).map(tracked);
      for (const t of key === 'track_process' ? all : ruled(all, key, rulings))
        if (!out.some((x) => x.name === t.name)) out.push(t);
    }
    return out;
  };
  return {
    ...inst,
    trackInterfaces: add(inst.trackInterfaces, 'track_interface'),
    trackScripts: add(inst.trackScripts, 'track_script'),
    trackFiles: add(inst.trackFiles, 'track_file'),
    trackProcesses: add(inst.trackProcesses, 'track_process'),
    trackBfds: add(inst.trackBfds, 'track_bfd'),
  };
}

/** The tracking of one kind with keepalived's rulings on weights applied (ignored-weights.ts). */
function ruled(
  list: readonly Tracked[],
  kind: TrackKind,
  rulings: readonly WeightRuling[],
): Tracked[] {
  const out: Tracked[] = [];
  for (const t of list) {
    const r = rulings.find((x) => x.kind === kind && x.name === t.name);
    if (r?.action === 'drop') continue;
    out.push(r?.action === 'unweight' ? { ...t, weight: 0 } : t);
  }
  return out;
}

/**
 * track_bfd lines naming a bfd_instance that sends to VRRP (semantics.ts
 * reports the others): the line's weight, else the instance's; `reverse` /
 * `noreverse` on the line, else the instance's (keepalived's alloc_track_bfd).
 */
function trackedBfds(
  ls: readonly (readonly string[])[],
  bfds: ReadonlyMap<string, BfdInstanceConfig>,
): Tracked[] {
  const out: Tracked[] = [];
  for (const line of ls) {
    const b = bfds.get(line[0] as string);
    if (!b || out.some((x) => x.name === b.name)) continue;
    const w = option(line, 'weight');
    out.push({
      name: b.name,
      weight: w === undefined ? b.weight : Number(w),
      reverse: line.includes('reverse') ? true : line.includes('noreverse') ? false : b.reverse,
    });
  }
  return out;
}

function tracked(line: readonly string[]): Tracked {
  const w = option(line, 'weight');
  return {
    name: line[0] as string,
    weight: w === undefined ? undefined : Number(w),
    reverse: line.includes('reverse'),
  };
}

/** keepalived 2.2.7's rules: parameters imply full_command and exact matching; param_match implies full_command. */
function trackProcessOf(name: string, t: ModelBlock): TrackProcessConfig {
  const [process = '', ...params] = words(t, 'process') ?? [];
  const pm = t.param_match;
  const paramMatch =
    pm === 'initial' || pm === 'partial'
      ? pm
      : pm !== undefined || params.length > 0
        ? 'exact'
        : 'none';
  const w = weighted(t.weight) ?? { weight: 0, reverse: false };
  const quorumMax = num(t, 'quorum_max');
  const delay = num(t, 'delay') ?? 0;
  return {
    name,
    process,
    params,
    paramMatch,
    fullCommand: flag(t, 'full_command') || pm !== undefined || params.length > 0,
    weight: w.weight,
    reverse: w.reverse,
    // quorum_max 0 (allowed with quorum 1 at most) makes the quorum 0: up while none runs.
    quorum: quorumMax === 0 ? 0 : (num(t, 'quorum') ?? 1),
    quorumMax: quorumMax === undefined ? Infinity : quorumMax,
    forkDelayS: num(t, 'fork_delay') ?? delay,
    terminateDelayS: num(t, 'terminate_delay') ?? delay,
  };
}

/** The vrrp_sync_group an instance belongs to, if any. */
function groupOf(name: string, root: ModelBlock): ModelBlock | undefined {
  return Object.values((root.vrrp_sync_group ?? {}) as Blocks).find((sg) =>
    lines(sg, 'group').flat().includes(name),
  );
}

/**
 * nopreempt, unless a `preempt` after it cancels it (keepalived clears the
 * flag at each `preempt`: the later of the two wins).
 */
function noPreempt(vi: ModelBlock): boolean {
  if (!flag(vi, 'nopreempt')) return false;
  if (!flag(vi, 'preempt')) return true;
  const no = positionOf(vi, 'nopreempt');
  const yes = positionOf(vi, 'preempt');
  if (!no || !yes || no.file !== yes.file) return true;
  return yes.line < no.line || (yes.line === no.line && yes.col < no.col);
}

function notifyOf(b: ModelBlock): VrrpInstanceConfig['notify'] {
  const out: Record<string, NotifyScript> = {};
  for (const [k, key] of [
    ['master', 'notify_master'],
    ['backup', 'notify_backup'],
    ['fault', 'notify_fault'],
    ['stop', 'notify_stop'],
    ['any', 'notify'],
  ] as const) {
    const a = notifyScript(b, key);
    if (a) out[k] = a;
  }
  return out;
}

function parsed<T>(ls: readonly string[][], parse: (words: readonly string[]) => T): T[] {
  const out: T[] = [];
  for (const l of ls) {
    try {
      out.push(parse(l));
    } catch {
      /* warned about by the semantic checks */
    }
  }
  return out;
}

function useVmac(
  vi: ModelBlock,
  vrid: number,
  family: 4 | 6,
  prefix: string | undefined,
): VrrpInstanceConfig['useVmac'] {
  const v = vi.use_vmac;
  if (v === undefined) return undefined;
  const args = Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : [];
  // use_vmac [IFNAME] [MAC]: a first word that looks like a MAC is the MAC.
  const isMac = (w: string | undefined): boolean =>
    /^([0-9a-f]{2}:){4,5}[0-9a-f]{2}$/i.test(w ?? '');
  const name = isMac(args[0]) ? undefined : args[0];
  const mac = isMac(args[0]) ? args[0] : args[1];
  return { name: vmacName(vrid, name, prefix), mac: vmacAddress(vrid, family, mac) };
}

/** A *_cpu_affinity list (CPU numbers; checked against the box when applied). */
export function cpuList(g: ModelBlock | undefined, key: string): number[] | undefined {
  const w = words(g, key);
  return w ? w.map(Number) : undefined;
}

/** `[all] SECONDS`; undefined without a time (keepalived ignores the line then). */
function extraIf(
  w: readonly string[] | undefined,
): Pick<GarpConfig, 'extraIfS' | 'extraIfAll'> | undefined {
  const n = w?.find((x) => x !== 'all');
  if (!w || n === undefined || !/^\d+$/.test(n)) return undefined;
  return { extraIfS: Math.min(86400, Number(n)), extraIfAll: w.includes('all') };
}

/**
 * The VIPs garp_extra_if announces (keepalived's vrrp_send_vmac_update): the
 * first VIP on each interface other than the instance's own (its VMAC, unless
 * the adverts leave from the base interface: vmac_xmit_base), and only on
 * VMACs of this config unless `all`.
 */
export function extraIfVips(ic: VrrpInstanceConfig, vmacs: ReadonlySet<string>): Vip[] {
  if (ic.garp.extraIfS <= 0) return [];
  const own = ic.useVmac?.name ?? ic.interface;
  const seen = new Set<string>();
  const out: Vip[] = [];
  for (const v of [...ic.vips, ...ic.excludedVips]) {
    if (!v.dev || seen.has(v.dev)) continue;
    if (!vmacs.has(v.dev) && !ic.garp.extraIfAll) continue;
    if (v.dev === own && !ic.vmacXmitBase) continue;
    seen.add(v.dev);
    out.push(v);
  }
  return out;
}

export function vrrpGlobals(root: ModelBlock): VrrpGlobals {
  const g = root.global_defs as ModelBlock | undefined;
  return {
    routerId: str(g, 'router_id'),
    version: (num(g, 'vrrp_version') ?? 2) as 2 | 3,
    mcastGroup4: str(g, 'vrrp_mcast_group4') ?? '224.0.0.18',
    mcastGroup6: str(g, 'vrrp_mcast_group6') ?? 'ff02::12',
    strict: flag(g, 'vrrp_strict'),
    firewall: {
      table: str(g, 'nftables') ?? 'keepalived',
      priority: num(g, 'nftables_priority') ?? -1,
      counters: flag(g, 'nftables_counters'),
    },
    scriptUser: words(g, 'script_user'),
    scriptSecurity: flag(g, 'enable_script_security'),
    notifyFifo: words(g, 'vrrp_notify_fifo')?.[0] ?? words(g, 'notify_fifo')?.[0],
    nice: num(g, 'vrrp_priority'),
    rtPriority: ((n) => (n === undefined ? undefined : Math.min(99, Math.max(1, n))))(
      num(g, 'vrrp_rt_priority'),
    ),
    cpus: cpuList(g, 'vrrp_cpu_affinity'),
    maxAutoPriority: num(g, 'max_auto_priority'),
    minAutoDelayUs: num(g, 'min_auto_priority_delay'),
    // BFD runs in the VRRP process here (keepalived gives it one of its own).
    noSwap: flag(g, 'vrrp_no_swap') || flag(g, 'bfd_no_swap'),
    rtTimeLimitUs: num(g, 'vrrp_rlimit_rttime'),
    garpIntervalS: num(g, 'vrrp_garp_interval') ?? 0,
    gnaIntervalS: num(g, 'vrrp_gna_interval') ?? 0,
    startupDelayMs: Math.round((num(g, 'vrrp_startup_delay') ?? 0) * 1000),
    rxBufs: rxBufsPolicy(words(g, 'vrrp_rx_bufs_policy'), num(g, 'vrrp_rx_bufs_multiplier')),
    dynamicInterfaces: g?.dynamic_interfaces !== undefined && g.dynamic_interfaces !== false,
    logUnknownVrids: flag(g, 'log_unknown_vrids'),
    fifoStatesOnReload: flag(g, 'fifo_write_vrrp_states_on_reload'),
    mail: localMailSettings(g),
  };
}

/**
 * keepalived's accept mode: on unless strict mode or no_accept; strict mode
 * resets `accept` for VRRPv2 (RFC 3768 has no accept mode: warned about at
 * load); the address owner (priority 255) always accepts.
 */
function acceptMode(vi: ModelBlock, strict: boolean, version: 2 | 3, priority: number): boolean {
  if (priority === 255) return true;
  if (flag(vi, 'no_accept')) return false;
  if (!strict) return true;
  return version === 3 && flag(vi, 'accept');
}

/**
 * auth_hmac as keepalived 2.4 runs it: keys that decode (the others were
 * errors at load), the window derived from advert_int when not given (3 x its
 * whole seconds, 5 to 300), strict mode forcing enforce. No active key among
 * the keys: no auth_hmac (an error at load).
 */
function authHmacOf(
  vi: ModelBlock,
  advertS: number,
  strict: boolean,
  read: ReadSecret | undefined,
): HmacSettings | undefined {
  const b = vi.auth_hmac as ModelBlock | undefined;
  if (!b) return undefined;
  const keys = lines(b, 'key').flatMap(([id, value]) => {
    const d = decodeHmacKey(value ?? '', read);
    return d.ok === true ? [hmacKey(Number(id), d.bytes)] : [];
  });
  const activeKey = num(b, 'active_key') ?? 0;
  if (!keys.some((k) => k.id === activeKey)) return undefined;
  const antiReplayTime = str(b, 'anti_replay') !== 'monotonic';
  return {
    keys: keys.filter((k, i) => keys.findIndex((x) => x.id === k.id) === i),
    activeKey,
    mode: strict ? 'enforce' : ((str(b, 'mode') ?? 'enforce') as HmacMode),
    antiReplayTime,
    timeWindowS: num(b, 'time_window') ?? Math.min(300, Math.max(5, 3 * Math.floor(advertS))),
  };
}

export function vrrpConfig(
  root: ModelBlock,
  /** auth_hmac `file:` keys; the box's files unless told otherwise. */
  readSecret: ReadSecret | undefined = readSecretFile,
): VrrpConfig {
  const globals = vrrpGlobals(root);
  const g = root.global_defs as ModelBlock | undefined;
  const instances: VrrpInstanceConfig[] = [];
  const minGarp = bool(g, 'vrrp_min_garp', false);
  const bfds = new Map(
    bfdConfig(root)
      .filter((b) => b.vrrp)
      .map((b) => [b.name, b]),
  );
  for (const [name, vi] of Object.entries((root.vrrp_instance ?? {}) as Blocks)) {
    const ifname = str(vi, 'interface');
    const weightRulings = instanceWeightRulings(root, name, vi);
    const vipLines = (key: string): Vip[] =>
      lines(vi, key)
        .map((l) => parseVip(l, undefined))
        .filter((v): v is Vip => v !== undefined);
    const listed = vipLines('virtual_ipaddress');
    // The first VIP sets the family; VIPs of the other one are ignored (warned about), as keepalived.
    // Without VIPs, mcast_dst_ip or native_ipv6 (IPv6 and VRRPv3) says it; semantics.ts warns
    // of native_ipv6 beside IPv4 VIPs.
    const family: 4 | 6 =
      listed[0]?.family ??
      (net.isIPv6(str(vi, 'mcast_dst_ip') ?? '') || flag(vi, 'native_ipv6') ? 6 : 4);
    const ownVips = listed.filter((v) => v.family === family);
    const vrid = num(vi, 'virtual_router_id') ?? 0;
    const vmac = useVmac(vi, vrid, family, str(g, 'vmac_prefix'));
    // Without a dev of their own, VIPs live on the VMAC when there is one (keepalived).
    const onDefaultDev = (v: Vip): Vip => ({ ...v, dev: v.dev ?? vmac?.name ?? ifname });
    const vips = ownVips.map(onDefaultDev);
    const version = (num(vi, 'version') ?? (family === 6 ? 3 : globals.version)) as 2 | 3;
    const strict = bool(vi, 'strict_mode', globals.strict);
    const state = str(vi, 'state') === 'MASTER' ? 'MASTER' : 'BACKUP';
    const priority =
      num(vi, 'priority') ?? (state === 'MASTER' && vi.priority === undefined ? 255 : 100);
    const advertS = num(vi, 'advert_int') ?? 1;
    const authBlock = vi.authentication as ModelBlock | undefined;
    const authType = str(authBlock, 'auth_type');
    const pass = str(authBlock, 'auth_pass') ?? '';
    const authHmac = authHmacOf(vi, advertS, strict, readSecret);
    // keepalived's vrrp.c: strict mode makes the state follow the priority, AH
    // (it needs a peer's sequence number first) keeps a non-owner BACKUP, and
    // an initial MASTER clears nopreempt and preempt_delay.
    let initial: 'MASTER' | 'BACKUP' = state;
    if (strict && (initial === 'MASTER') !== (priority === 255))
      initial = priority === 255 ? 'MASTER' : 'BACKUP';
    if (authType === 'AH' && version === 2 && !strict && !authHmac && priority !== 255)
      initial = 'BACKUP';
    instances.push({
      name,
      interface: ifname,
      vrid,
      priority,
      initialState: initial,
      // v2 carries whole seconds; v3 centiseconds (RFC 5798 §5.2.7).
      advertIntervalCs:
        version === 2
          ? Math.max(1, Math.round(advertS)) * 100
          : Math.max(1, Math.round(advertS * 100)),
      version,
      family,
      vips,
      excludedVips: vipLines('virtual_ipaddress_excluded').map(onDefaultDev),
      virtualRoutes: parsed(lines(vi, 'virtual_routes'), parseRoute),
      virtualRules: parsed(lines(vi, 'virtual_rules'), parseRule),
      unicastSrc: advertSource(vi),
      mcastDst: lines(vi, 'unicast_peer').length > 0 ? undefined : str(vi, 'mcast_dst_ip'),
      smtpAlert: alertsOn(vi, g),
      promoteSecondaries: flag(vi, 'promote_secondaries') && vi.use_vmac === undefined,
      kernelRxBufSize: num(vi, 'kernel_rx_buf_size') || undefined,
      unicastFaultNoPeer:
        flag(vi, 'unicast_fault_no_peer') && lines(vi, 'unicast_peer').length === 0,
      trackSrcIp: flag(vi, 'track_src_ip'),
      unicastPeers: lines(vi, 'unicast_peer').map((l) => {
        const min = option(l, 'min_ttl');
        const max = option(l, 'max_ttl');
        return {
          address: l[0] as string,
          ...(min ? { minTtl: Number(min) } : {}),
          ...(max ? { maxTtl: Number(max) } : {}),
        };
      }),
      checkUnicastSrc: flag(vi, 'check_unicast_src') || flag(g, 'vrrp_check_unicast_src'),
      unicastTtl: num(vi, 'unicast_ttl') ?? 255,
      dontTrackPrimary: flag(vi, 'dont_track_primary'),
      linkbeatPolling: flag(vi, 'linkbeat_use_polling'),
      skipCheckAdvAddr: bool(vi, 'skip_check_adv_addr', flag(g, 'vrrp_skip_check_adv_addr')),
      lowerPrioNoAdvert:
        strict || bool(vi, 'lower_prio_no_advert', bool(g, 'vrrp_lower_prio_no_advert', false)),
      higherPrioSendAdvert:
        !strict &&
        bool(vi, 'higher_prio_send_advert', bool(g, 'vrrp_higher_prio_send_advert', false)),
      nopreempt: initial !== 'MASTER' && noPreempt(vi),
      preemptDelayS: initial === 'MASTER' ? 0 : (num(vi, 'preempt_delay') ?? 0),
      downTimerAdverts: num(vi, 'down_timer_adverts') ?? num(g, 'vrrp_down_timer_adverts') ?? 3,
      accept: acceptMode(vi, strict, version, priority),
      // auth_hmac replaces the legacy authentication (keepalived drops it, warned at load).
      auth:
        version === 2 && (authType === 'PASS' || authType === 'AH') && !strict && !authHmac
          ? { type: authType, password: pass.slice(0, 8) }
          : undefined,
      authHmac,
      checksumAsV2: bool(vi, 'v3_checksum_as_v2', g?.v3_checksum_as_v2 !== undefined),
      oldUnicastChecksum:
        vi.old_unicast_checksum === undefined
          ? 'auto'
          : vi.old_unicast_checksum === 'never'
            ? 'never'
            : 'always',
      trackInterfaces: ruled(
        lines(vi, 'track_interface').map(tracked),
        'track_interface',
        weightRulings,
      ),
      trackScripts: ruled(lines(vi, 'track_script').map(tracked), 'track_script', weightRulings),
      trackFiles: ruled(lines(vi, 'track_file').map(tracked), 'track_file', weightRulings),
      trackProcesses: lines(vi, 'track_process').map(tracked),
      trackBfds: ruled(trackedBfds(lines(vi, 'track_bfd'), bfds), 'track_bfd', weightRulings),
      notify: {
        ...notifyOf(vi),
        ...(notifyScript(vi, 'notify_master_rx_lower_pri')
          ? { masterRxLowerPri: notifyScript(vi, 'notify_master_rx_lower_pri') }
          : {}),
        ...(notifyScript(vi, 'notify_deleted')
          ? { deleted: notifyScript(vi, 'notify_deleted') }
          : {}),
      },
      notifyDeleted: vi.notify_deleted !== undefined,
      notifyPriorityChanges: bool(
        vi,
        'notify_priority_changes',
        bool(
          groupOf(name, root),
          'notify_priority_changes',
          bool(g, 'vrrp_notify_priority_changes', false),
        ),
      ),
      garp: {
        // vrrp_min_garp: one announcement, no second burst, unless set explicitly.
        masterDelayS:
          num(vi, 'garp_master_delay') ?? num(g, 'vrrp_garp_master_delay') ?? (minGarp ? 0 : 5),
        masterRepeat: Math.max(
          1,
          num(vi, 'garp_master_repeat') ?? num(g, 'vrrp_garp_master_repeat') ?? (minGarp ? 1 : 5),
        ),
        masterRefreshS: num(vi, 'garp_master_refresh') ?? num(g, 'vrrp_garp_master_refresh') ?? 0,
        masterRefreshRepeat:
          num(vi, 'garp_master_refresh_repeat') ?? num(g, 'vrrp_garp_master_refresh_repeat') ?? 1,
        lowerPrioRepeat: strict
          ? 0
          : (num(vi, 'garp_lower_prio_repeat') ??
            num(g, 'vrrp_garp_lower_prio_repeat') ??
            num(g, 'vrrp_garp_master_repeat') ??
            (minGarp ? 1 : 5)),
        lowerPrioDelayS: strict
          ? 0
          : (num(vi, 'garp_lower_prio_delay') ??
            num(g, 'vrrp_garp_lower_prio_delay') ??
            num(g, 'vrrp_garp_master_delay') ??
            (minGarp ? 0 : 5)),
        ...(extraIf(words(vi, 'garp_extra_if')) ??
          extraIf(words(g, 'vrrp_garp_extra_if')) ?? { extraIfS: 0, extraIfAll: false }),
      },
      useVmac: vmac,
      vmacXmitBase: flag(vi, 'vmac_xmit_base'),
    });
  }
  const scripts: VrrpScriptConfig[] = Object.entries((root.vrrp_script ?? {}) as Blocks).map(
    ([name, s]) => {
      const w = weighted(s.weight) ?? { weight: 0, reverse: false };
      return {
        name,
        argv: argv(s, 'script') ?? [],
        intervalS: Math.max(1, num(s, 'interval') ?? 1),
        timeoutS: Math.max(1, num(s, 'timeout') ?? num(s, 'interval') ?? 1),
        weight: w.weight,
        reverse: w.reverse,
        rise: num(s, 'rise') ?? 1,
        fall: num(s, 'fall') ?? 1,
        user: words(s, 'user'),
        initFail: flag(s, 'init_fail'),
      };
    },
  );
  const groupBlocks = Object.entries((root.vrrp_sync_group ?? {}) as Blocks);
  const syncGroups = groupBlocks.map(([name, sg]) => ({
    name,
    members: lines(sg, 'group').flat(),
    notify: notifyOf(sg),
    smtpAlert: alertsOn(sg, root.global_defs as ModelBlock | undefined),
  }));
  const trackFiles = Object.entries({
    ...((root.vrrp_track_file ?? {}) as Blocks),
    ...((root.track_file ?? {}) as Blocks),
  }).map(([name, t]): TrackFileConfig => {
    const w = weighted(t.weight) ?? { weight: 1, reverse: false };
    const init = words(t, 'init_file') ?? (t.init_file === true ? [] : undefined);
    return {
      name,
      file: str(t, 'file') ?? '',
      weight: w.weight,
      reverse: w.reverse,
      init: init
        ? {
            value: Number(init.find((x) => /^-?\d+$/.test(x)) ?? 0),
            overwrite: init.includes('overwrite'),
          }
        : undefined,
    };
  });
  const trackProcesses = Object.entries((root.vrrp_track_process ?? {}) as Blocks).map(
    ([name, t]) => trackProcessOf(name, t),
  );
  const garpGroups = ((root.garp_group ?? []) as ModelBlock[]).map((gg): GarpGroupConfig => ({
    interfaces: [
      ...(str(gg, 'interface') ? [str(gg, 'interface') as string] : []),
      ...lines(gg, 'interfaces').flat(),
    ],
    garpIntervalS: num(gg, 'garp_interval'),
    gnaIntervalS: num(gg, 'gna_interval'),
  }));
  const { statics, tracking } = staticsOf(root);
  // track_group: an instance tracks the interfaces of the static entries naming its group.
  const withStaticTracking = (i: VrrpInstanceConfig): VrrpInstanceConfig => {
    const extra = (tracking.get(i.name) ?? []).filter(
      (t) => !i.trackInterfaces.some((x) => x.name === t.name),
    );
    return extra.length ? { ...i, trackInterfaces: [...i.trackInterfaces, ...extra] } : i;
  };
  return {
    globals,
    statics,
    instances: instances.map((i) =>
      withStaticTracking(withGroupTracking(i, root, groupBlocks, bfds)),
    ),
    scripts,
    trackFiles,
    trackProcesses,
    syncGroups,
    garpGroups,
    upDownDelays: upDownDelays(lines(root, 'interface_up_down_delays'), instances),
    linkbeat: {
      lines: lines(root, 'linkbeat_interfaces'),
      everywhere: flag(root, 'linkbeat_use_polling'),
    },
  };
}
