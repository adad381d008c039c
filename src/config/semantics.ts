/**
 * Checks across blocks, on the typed model: references (track_script,
 * sync-group members, virtual_server groups), duplicates (VRIDs on one
 * interface, real servers in a virtual server), VIP families against the
 * VRRP version, and what keepalived checks on the box (interfaces, scripts).
 */
import { urlRegex } from '../checkers/checks/url-regex';
import { smtpPort } from '../mail/alerts';
import { parseRoute, parseRule } from '../vrrp/routes';
import { canonicalIp } from '../vrrp/checksum';
import * as net from 'node:net';
import type { Diagnostic, Position } from './diagnostics';
import { argv, lines } from './access';
import { checkAuthHmac } from './auth-hmac-checks';
import { checkTrackProcesses } from './track-process-checks';
import { checkBfd } from './bfd-checks';
import { checkProcessSettings } from './process-settings';
import { withoutTrackGroup } from './track-group';
import { upDownDelays } from '../vrrp/link-debounce';
import type { ReadSecret } from './hmac-keys';
import { groupWeightRulings, instanceWeightRulings, type WeightRuling } from './ignored-weights';
import { positionOf, positionOfLine, type BlockReport, type ModelBlock } from './validate';

export interface HostFacts {
  /** Interfaces that exist here; undefined when checking off the box. */
  readonly interfaces?: ReadonlySet<string>;
  readonly fileExists?: (path: string) => boolean;
  /** auth_hmac `file:` keys; undefined when checking off the box (not read then). */
  readonly readSecret?: ReadSecret;
  /** Users and groups of this machine, for a notify script's USER [GROUP]; undefined off the box. */
  readonly userExists?: (name: string) => boolean;
  readonly groupExists?: (name: string) => boolean;
}

type Blocks = Record<string, ModelBlock>;

const FALLBACK: Position = { file: '?', line: 0, col: 0 };

function family(address: string): 4 | 6 | 0 {
  return net.isIP(address.split('/')[0] ?? '') as 4 | 6 | 0;
}

type Report = BlockReport;

export function checkSemantics(root: ModelBlock, host: HostFacts = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report: Report = (block, keyword, severity, message) =>
    void out.push({
      pos: positionOf(block, keyword) ?? positionOf(block) ?? FALLBACK,
      severity,
      message,
    });

  const instances = (root.vrrp_instance ?? {}) as Blocks;
  const scripts = (root.vrrp_script ?? {}) as Blocks;
  const trackFiles = (root.track_file ?? {}) as Blocks;
  const global = (root.global_defs ?? {}) as ModelBlock;
  const globalVersion = (global.vrrp_version as number | undefined) ?? 2;
  /** Per interface, family and VRID: the instances there, with their group (undefined: unicast). */
  const vrids = new Map<string, Array<{ name: string; group: string | undefined }>>();
  let usesScripts = Object.keys(scripts).length > 0;

  const smtp = global.smtp_server as string[] | undefined;
  if (smtp?.[1] !== undefined && smtpPort(smtp[1]) === undefined)
    report(
      global,
      'smtp_server',
      'warning',
      `Invalid smtp server ${smtp.join(' ')}: '${smtp[1]}' is not a port (1-65535); no e-mail alert is sent`,
    );
  for (const [name, vi] of Object.entries(instances)) {
    const where = `vrrp_instance ${name}`;
    const vrid = vi.virtual_router_id as number | undefined;
    if (vrid === undefined && positionOf(vi, 'virtual_router_id') === undefined)
      report(vi, undefined, 'error', `${where} has no virtual_router_id; add one in [1, 255]`);
    const ifname = vi.interface as string | undefined;
    if (ifname === undefined && !vi.unicast_peer && positionOf(vi, 'interface') === undefined)
      report(vi, undefined, 'error', `${where} has no interface; add 'interface NAME'`);
    if (ifname !== undefined && host.interfaces && !host.interfaces.has(ifname)) {
      report(
        vi,
        'interface',
        'warning',
        `interface '${ifname}' of ${where} does not exist here (fine when checking off the box)`,
      );
    }
    const vips = ((vi.virtual_ipaddress ?? []) as string[][]).map((l) => l[0] as string);
    // As keepalived: the first address sets the instance's family; the others are
    // ignored. Without VIPs, mcast_dst_ip sets it.
    const fam =
      family(vips[0] ?? (vi.mcast_dst_ip as string | undefined) ?? '') === 6 ||
      (vips.length === 0 && vi.native_ipv6 === true)
        ? 6
        : 4;
    if (vi.native_ipv6 === true && family(vips[0] ?? '') === 4)
      report(
        vi,
        'native_ipv6',
        'warning',
        `(${name}) Cannot specify native_ipv6 with IPv4 addresses; the instance stays IPv4, as keepalived does when the VIPs come first`,
      );
    for (const vip of vips.filter((v) => family(v) !== 0 && family(v) !== fam))
      report(
        vi,
        'virtual_ipaddress',
        'warning',
        `${where}: address family must match VRRP instance [${vip}] - ignoring; move it to virtual_ipaddress_excluded or another instance`,
      );
    const version = (vi.version as number | undefined) ?? (fam === 6 ? 3 : globalVersion);
    if (fam === 6 && version === 2)
      report(
        vi,
        'version',
        'error',
        `${where} has IPv6 addresses but VRRP version 2; IPv6 needs 'version 3'`,
      );
    const strict = (vi.strict_mode as boolean | undefined) ?? global.vrrp_strict === true;
    if (strict && version === 2 && vi.accept === true && vi.priority !== 255)
      report(
        vi,
        'accept',
        'warning',
        `${where}: accept mode for VRRP version 2 does not comply with RFC3768 - resetting (strict mode: while MASTER, traffic to the VIPs is dropped; keepalived does the same)`,
      );
    if (vips.length > 255)
      report(
        vi,
        'virtual_ipaddress',
        'error',
        `${where} has ${vips.length} addresses; an advert carries at most 255 (use virtual_ipaddress_excluded)`,
      );
    const unicast = lines(vi, 'unicast_peer').length > 0;
    if (vi.promote_secondaries === true && vi.use_vmac !== undefined)
      report(
        vi,
        'promote_secondaries',
        'warning',
        `${where}: promote_secondaries is automatically set for vmacs - ignoring`,
      );
    // keepalived's VRRP_FLAG_UNICAST_CONFIGURED keywords, with no peer to send to.
    const unicastWord = UNICAST_KEYWORDS.find((k) => vi[k] !== undefined);
    if (!unicast && unicastWord && vi.unicast_fault_no_peer !== true)
      report(
        vi,
        unicastWord,
        'warning',
        `${where}: a unicast keyword has been specified without any unicast peers; defaulting to multicast. keepalived deprecates this: add unicast_peer, or unicast_fault_no_peer to stay in FAULT instead`,
      );
    const mcastDst = vi.mcast_dst_ip as string | undefined;
    if (mcastDst !== undefined && !unicast) {
      const problem = mcastDstProblem(mcastDst, fam);
      if (problem)
        report(vi, 'mcast_dst_ip', 'error', `${where}: mcast_dst_ip ${mcastDst} ${problem}`);
    }
    if (vrid !== undefined && ifname !== undefined) {
      // keepalived: the same VRID on one interface is fine on different multicast
      // groups; a unicast instance shares its VRID with no one there.
      const fallback = fam === 4 ? global.vrrp_mcast_group4 : global.vrrp_mcast_group6;
      const group = unicast
        ? undefined
        : canonicalIp(
            mcastDst ?? (fallback as string | undefined) ?? (fam === 4 ? '224.0.0.18' : 'ff02::12'),
            fam,
          );
      const key = `${ifname}/${fam}/${vrid}`;
      const here = vrids.get(key) ?? [];
      const other = here.find(
        (o) => o.group === undefined || group === undefined || o.group === group,
      );
      if (other)
        report(
          vi,
          'virtual_router_id',
          'error',
          `virtual_router_id ${vrid} on ${ifname} (IPv${fam}) is already used by vrrp_instance ${other.name}; each instance on one interface needs its own VRID (or, multicast, its own mcast_dst_ip)`,
        );
      else vrids.set(key, [...here, { name, group }]);
    }
    if (vi.nopreempt === true && vi.state === 'MASTER')
      report(
        vi,
        'nopreempt',
        'warning',
        `${where}: nopreempt does not work with 'state MASTER'; keepalived clears it (use 'state BACKUP')`,
      );
    if (vi.preempt_delay !== undefined && vi.state === 'MASTER' && vi.nopreempt !== true)
      report(
        vi,
        'preempt_delay',
        'warning',
        `${where}: preempt_delay does not work with 'state MASTER'; keepalived clears it (use 'state BACKUP')`,
      );
    if (vi.nopreempt === true && vi.preempt_delay !== undefined)
      report(
        vi,
        'preempt_delay',
        'warning',
        `${where}: preempt_delay has no effect with nopreempt`,
      );
    const auth = vi.authentication as ModelBlock | undefined;
    if (strict && auth && version === 2)
      report(
        auth,
        'auth_type',
        'warning',
        `${where}: Strict mode does not support authentication. Ignoring. (adverts go without it, as keepalived's do)`,
      );
    if (vips.length === 0)
      report(
        vi,
        'virtual_ipaddress',
        strict ? 'error' : 'warning',
        strict
          ? `${where}: No VIP specified; at least one is required in strict mode (vrrp_strict or strict_mode); add a virtual_ipaddress block`
          : `${where}: No VIP specified; at least one is sensible`,
      );
    if (auth && version === 3)
      report(
        vi,
        'authentication',
        'warning',
        `${where}: authentication is ignored with VRRP version 3`,
      );
    if (auth?.auth_type === 'AH' && vi.state === 'MASTER') {
      report(
        vi,
        'state',
        'warning',
        `${where}: auth_type AH cannot start in state MASTER; keepalived starts it as BACKUP`,
      );
    }
    checkAuthHmac(vi, where, strict, host.readSecret, report);
    checkRoutes(vi, (vi.virtual_routes ?? []) as string[][], where, report);
    for (const r of (vi.virtual_rules ?? []) as string[][])
      skipped(() => parseRule(r), vi, 'virtual_rules', where, r.join(' '), report);
    const pass = auth?.auth_pass as string | undefined;
    if (pass !== undefined && pass.length > 8)
      report(
        auth as ModelBlock,
        'auth_pass',
        'warning',
        `${where}: auth_pass is longer than 8 characters; only '${pass.slice(0, 8)}' is used`,
      );
    for (const line of (vi.track_script ?? []) as string[][]) {
      if (!((line[0] as string) in scripts)) {
        const known = Object.keys(scripts);
        report(
          vi,
          'track_script',
          'error',
          `track_script '${line[0]}' in ${where} names no vrrp_script${known.length ? ` (defined: ${known.join(', ')})` : ''}`,
        );
      }
    }
    for (const line of (vi.track_file ?? []) as string[][]) {
      if (!((line[0] as string) in trackFiles))
        report(
          vi,
          'track_file',
          'error',
          `track_file '${line[0]}' in ${where} names no track_file block`,
        );
    }
    if (
      [
        'notify',
        'notify_master',
        'notify_backup',
        'notify_fault',
        'notify_stop',
        'notify_master_rx_lower_pri',
      ].some((k) => vi[k] !== undefined)
    )
      usesScripts = true;
  }

  checkUpDownDelays(root, host, report);
  checkTrackProcesses(root, report);
  const ruled = (block: ModelBlock, r: WeightRuling): void =>
    void out.push({
      pos: positionOfLine(r.line) ?? positionOf(block, r.kind) ?? FALLBACK,
      severity: 'warning',
      message: r.message,
    });
  for (const [name, vi] of Object.entries(instances))
    for (const r of instanceWeightRulings(root, name, vi)) ruled(vi, r);
  for (const [gname, sg] of Object.entries((root.vrrp_sync_group ?? {}) as Blocks))
    for (const r of groupWeightRulings(root, gname, sg)) ruled(sg, r);
  checkBfd(root, report);
  checkProcessSettings(root, report);
  checkStatics(root, report);

  const inGroup = new Map<string, string>();
  for (const [gname, g] of Object.entries((root.vrrp_sync_group ?? {}) as Blocks)) {
    for (const member of ((g.group ?? []) as string[][]).flat()) {
      if (!(member in instances))
        report(
          g,
          'group',
          'error',
          `vrrp_sync_group ${gname} names '${member}', which is no vrrp_instance`,
        );
      const prev = inGroup.get(member);
      if (prev)
        report(
          g,
          'group',
          'error',
          `vrrp_instance ${member} is in sync groups ${prev} and ${gname}; an instance can be in one only`,
        );
      inGroup.set(member, gname);
    }
  }

  checkNotifyUsers(root, host, report);

  for (const [sname, sc] of Object.entries(scripts)) {
    // A quoted command line is split as keepalived splits it: the program is its first word.
    const cmd = argv(sc, 'script')?.[0];
    if (cmd === undefined && positionOf(sc, 'script') === undefined)
      report(sc, undefined, 'error', `vrrp_script ${sname} has no 'script'`);
    else if (cmd !== undefined && host.fileExists && cmd.startsWith('/') && !host.fileExists(cmd)) {
      report(
        sc,
        'script',
        'warning',
        `vrrp_script ${sname}: '${cmd}' not found here; keepalived disables this tracker`,
      );
    }
  }
  if (usesScripts && global.enable_script_security === undefined) {
    // Point at global_defs when there is one, else at the first script user.
    const anchor = root.global_defs
      ? global
      : (Object.values(scripts)[0] ?? Object.values(instances)[0] ?? root);
    report(
      anchor,
      undefined,
      'warning',
      "scripts are configured without 'enable_script_security' in global_defs; keepalived -t exits 6 (SECURITY VIOLATION)",
    );
  }

  for (const k of ['vrrp_iptables', 'vrrp_ipsets'])
    if (global[k] !== undefined)
      report(
        global,
        k,
        'warning',
        "iptables not supported, using nftables instead. Please replace 'vrrp_iptables' and 'vrrp_ipsets' with the 'nftables' config option",
      );

  const groups = (root.virtual_server_group ?? {}) as Blocks;
  for (const vs of (root.virtual_server ?? []) as ModelBlock[]) {
    const args = vs.$args ?? [];
    const where = `virtual_server ${args.join(' ')}`;
    if (args[0] === 'group' && !((args[1] ?? '') in groups))
      report(vs, undefined, 'error', `${where}: no virtual_server_group '${args[1]}'`);
    if (args[0] === 'fwmark' && vs.protocol !== undefined) {
      report(
        vs,
        'protocol',
        'warning',
        `${where}: 'protocol' is ignored for a fwmark virtual server; remove it`,
      );
    }
    const seen = new Set<string>();
    for (const rs of (vs.real_server ?? []) as ModelBlock[]) {
      const key = (rs.$args ?? []).join(' ');
      if (seen.has(key))
        report(rs, undefined, 'error', `real_server ${key} appears twice in ${where}; remove one`);
      seen.add(key);
      checkConnections(rs, report);
      for (const smtp of (rs.SMTP_CHECK ?? []) as ModelBlock[])
        if (Array.isArray(smtp.host))
          report(
            smtp,
            'host',
            'warning',
            `real_server ${key}: The SMTP_CHECK host block is deprecated. Please define additional checkers (each host is checked as one)`,
          );
      for (const http of [
        ...((rs.HTTP_GET ?? []) as ModelBlock[]),
        ...((rs.SSL_GET ?? []) as ModelBlock[]),
      ])
        for (const url of (http.url ?? []) as ModelBlock[])
          for (const p of urlRegex(url).problems)
            report(url, p.keyword, p.severity, `real_server ${key} url: ${p.message}`);
    }
  }
  return out;
}

/** The checkers that connect over TCP through the addon take bind_if and fwmark; the others cannot. */
const TCP_CHECKERS = ['TCP_CHECK', 'HTTP_GET', 'SSL_GET', 'SMTP_CHECK'];
const OTHER_CHECKERS = ['UDP_CHECK', 'DNS_CHECK', 'PING_CHECK'];

const NOTIFY_KEYS = [
  'notify_master',
  'notify_backup',
  'notify_fault',
  'notify_stop',
  'notify_deleted',
  'notify',
  'notify_master_rx_lower_pri',
  'notify_up',
  'notify_down',
  'quorum_up',
  'quorum_down',
];

/**
 * keepalived takes the words after a notify script's command line as USER
 * [GROUP] and ignores the script when they do not exist: said at load, with
 * the likely cause (arguments written without quotes).
 */
function checkNotifyUsers(root: ModelBlock, host: HostFacts, report: Report): void {
  if (!host.userExists) return;
  const blocks: ModelBlock[] = [
    ...Object.values((root.vrrp_instance ?? {}) as Blocks),
    ...Object.values((root.vrrp_sync_group ?? {}) as Blocks),
  ];
  for (const vs of (root.virtual_server ?? []) as ModelBlock[])
    blocks.push(vs, ...((vs.real_server ?? []) as ModelBlock[]));
  for (const b of blocks)
    for (const key of NOTIFY_KEYS) {
      const w = b[key];
      if (!Array.isArray(w) || w.length < 2) continue;
      const [cmd, user, group] = w as string[];
      const missing =
        user !== undefined && !host.userExists(user)
          ? `user '${user}'`
          : group !== undefined && host.groupExists && !host.groupExists(group)
            ? `group '${group}'`
            : undefined;
      if (missing)
        report(
          b,
          key,
          'warning',
          `${key}: ${missing} does not exist here, and keepalived ignores this script; the words after the script are its USER [GROUP] — to pass arguments, quote the whole command line: ${key} "${(w as string[]).join(' ')}"`,
        );
      else if (w.length > 3)
        report(
          b,
          key,
          'warning',
          `${key}: words after USER GROUP are ignored; to pass arguments to ${cmd}, quote the whole command line`,
        );
    }
}

function checkConnections(rs: ModelBlock, report: Report): void {
  const address = (rs.$args ?? [])[0] ?? '';
  for (const type of [...TCP_CHECKERS, ...OTHER_CHECKERS])
    for (const c of (rs[type] ?? []) as ModelBlock[]) {
      const dst = typeof c.connect_ip === 'string' ? c.connect_ip : address;
      if (/^fe[89ab]/i.test(dst) && c.bind_if === undefined)
        report(
          c,
          c.connect_ip === undefined ? undefined : 'connect_ip',
          'error',
          `Checker link local address ${dst} requires a bind_if; add 'bind_if IFNAME' to ${type}`,
        );
      if (OTHER_CHECKERS.includes(type))
        for (const k of ['bind_if', 'fwmark'])
          if (c[k] !== undefined)
            report(
              c,
              k,
              'warning',
              `'${k}' is not applied to ${type} in halb (TCP-based checkers only)`,
            );
    }
}

function checkRoutes(
  block: ModelBlock,
  routes: readonly string[][],
  where: string,
  report: Report,
): void {
  const keyword = where === 'static_routes' ? 'static_routes' : 'virtual_routes';
  for (const r of routes) {
    const route = r.join(' ');
    if (r.includes('or'))
      report(
        block,
        keyword,
        'warning',
        `${where}: route '${route}': 'or' is deprecated; use 'nexthop'`,
      );
    if (r.includes('gw'))
      report(
        block,
        keyword,
        'warning',
        `${where}: route '${route}': 'gw' is deprecated; use 'via'`,
      );
    if (!r.includes('dev') && !r.includes('no_track') && !r.includes('nexthop')) {
      report(
        block,
        keyword,
        'warning',
        `${where}: route '${route}' has no 'dev', so it cannot be tracked; add 'dev IF' or 'no_track'`,
      );
    }
    skipped(() => parseRoute(r), block, keyword, where, route, report);
  }
}

/** static_*: the track_group each line names exists; the lines themselves as virtual ones are checked. */
function checkStatics(root: ModelBlock, report: Report): void {
  const groups = (root.track_group ?? {}) as Blocks;
  const split = (key: string) => ((root[key] ?? []) as string[][]).map((l) => withoutTrackGroup(l));
  for (const key of ['static_ipaddress', 'static_routes', 'static_rules'])
    for (const s of split(key))
      if (s.group && !(s.group in groups))
        report(
          root,
          key,
          'error',
          `${key}: track_group '${s.group}' names no track_group block${Object.keys(groups).length ? ` (defined: ${Object.keys(groups).join(', ')})` : ''}`,
        );
  checkRoutes(
    root,
    split('static_routes').map((s) => s.words),
    'static_routes',
    report,
  );
  for (const s of split('static_rules'))
    skipped(
      () => parseRule(s.words),
      root,
      'static_rules',
      'static_rules',
      s.words.join(' '),
      report,
    );
}

/** A line halb cannot install is loaded, and skipped with a warning that says why. */
function skipped(
  parse: () => unknown,
  block: ModelBlock,
  keyword: string,
  where: string,
  line: string,
  report: Report,
): void {
  try {
    parse();
  } catch (err) {
    report(
      block,
      keyword,
      'warning',
      `${where}: '${line}' will not be installed: ${(err as Error).message}`,
    );
  }
}

/** The keywords after which keepalived 2.2.7 considers an instance unicast (vrrp_parser.c). */
const UNICAST_KEYWORDS = [
  'unicast_peer',
  'unicast_src_ip',
  'check_unicast_src',
  'old_unicast_checksum',
];

/** keepalived's checks of mcast_dst_ip: a multicast address of the instance's family, link-local for IPv6. */
export function mcastDstProblem(address: string, fam: 4 | 6): string | undefined {
  const f = family(address);
  if (f !== fam) return `must be an IPv${fam} address, as the instance's VIPs`;
  if (f === 4) {
    const first = Number(address.split('.')[0]);
    return first >= 224 && first <= 239 ? undefined : 'is not a multicast address (224.0.0.0/4)';
  }
  return /^ff[0-9a-f]2:/i.test(address)
    ? undefined
    : 'is not a link-local multicast address (ffX2::/16)';
}

/** interface_up_down_delays: the interface exists; a delay the instances on it cut short is said. */
function checkUpDownDelays(root: ModelBlock, host: HostFacts, report: Report): void {
  const ls = lines(root, 'interface_up_down_delays');
  if (ls.length === 0) return;
  const g = root.global_defs as ModelBlock | undefined;
  const instances = Object.values((root.vrrp_instance ?? {}) as Blocks).map((vi) => ({
    interface: vi.interface as string | undefined,
    advertIntervalCs: Math.round(((vi.advert_int as number | undefined) ?? 1) * 100),
    downTimerAdverts:
      (vi.down_timer_adverts as number | undefined) ??
      (g?.vrrp_down_timer_adverts as number | undefined) ??
      3,
  }));
  const clamped = upDownDelays(ls, instances);
  for (const line of ls) {
    const [ifname, down, up] = line as [string, string, string | undefined];
    const at = (severity: 'warning' | 'error', message: string): void =>
      report(root, 'interface_up_down_delays', severity, `interface_up_down_delays: ${message}`);
    if (host.interfaces && !host.interfaces.has(ifname) && !g?.dynamic_interfaces)
      at('warning', `interface '${ifname}' does not exist here (fine when checking off the box)`);
    const got = clamped[ifname] ?? { downMs: 0, upMs: 0 };
    const want = { downMs: Number(down) * 1000, upMs: up === undefined ? 0 : Number(up) * 1000 };
    if (got.downMs < want.downMs || got.upMs < want.upMs)
      at(
        'warning',
        `${ifname}'s delays are cut to ${got.downMs / 1000} s down, ${got.upMs / 1000} s up: they must stay under (down_timer_adverts - 1) advert intervals of the instances on it, or a peer would take over before this side's FAULT`,
      );
  }
}
