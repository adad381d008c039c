/**
 * KEEPALIVED-MIB's rows from halb's configuration and the instances' state:
 * what keepalived 2.2.7 fills its vrrp_t / global_data with, as far as the
 * MIB shows it (keepalived-mib.ts). The interface index and the real path of
 * a script come from the caller, so this stays pure.
 */
import type { NotifyScript } from '../config/access';
import { bool, flag, str, words } from '../config/access';
import type { ModelBlock } from '../config/validate';
import type {
  SyncGroupConfig,
  Vip,
  VrrpInstanceConfig,
  VrrpScriptConfig,
} from '../config/vrrp-config';
import { syncDaemonConfigOf } from '../ipvs/globals';
import { smtpPort } from '../mail/alerts';
import {
  commandText,
  type KaAddressRow,
  type KaGlobals,
  type KaInstanceRow,
  type KaScriptRow,
  type KaState,
  type KaSyncGroupRow,
  scopeCode,
} from './keepalived-mib';
import * as net from 'node:net';

export interface KaFacts {
  readonly ifIndex: (ifname: string) => number;
  /** A script's first word as keepalived resolves it (its real path). */
  readonly realPath: (file: string) => string;
  readonly hostname: string;
}

/** The version halb gives as KEEPALIVED-MIB::version. */
export function versionText(halbVersion: string): string {
  return `halb ${halbVersion} (keepalived 2.2.7 compatible)`;
}

export function kaGlobals(model: ModelBlock, version: string, facts: KaFacts): KaGlobals {
  const g = model.global_defs as ModelBlock | undefined;
  const server = words(g, 'smtp_server');
  const port = server?.[0] ? smtpPort(server[1]) : undefined;
  const smtp =
    server?.[0] && net.isIP(server[0]) && port !== undefined
      ? { address: server[0], port }
      : undefined;
  const tri = (k: string): boolean | undefined =>
    g?.[k] === undefined ? undefined : bool(g, k, false);
  const onStop = g?.lvs_flush_on_stop ?? g?.lvs_flush_onstop;
  return {
    version,
    routerId: str(g, 'router_id') ?? facts.hostname,
    smtpServer: smtp,
    smtpTimeoutS: smtp ? ((g?.smtp_connect_timeout as number | undefined) ?? 30) : 0,
    emailFrom:
      str(g, 'notification_email_from') ?? (smtp ? `keepalived@${facts.hostname}` : undefined),
    emails: ((g?.notification_email as string[][] | undefined) ?? []).map((l) => l[0] as string),
    noEmailFaults: flag(g, 'no_email_faults'),
    smtpAlert: tri('smtp_alert'),
    smtpAlertVrrp: tri('smtp_alert_vrrp'),
    smtpAlertChecker: tri('smtp_alert_checker'),
    traps: flag(g, 'enable_traps'),
    linkbeatPolling: flag(g, 'linkbeat_use_polling'),
    lvsFlush: flag(g, 'lvs_flush'),
    lvsFlushOnStop: onStop === undefined ? 'none' : onStop === 'VS' ? 'vs' : 'full',
    netNamespace: str(model, 'net_namespace') ?? '',
    dynamicInterfaces: g?.dynamic_interfaces !== undefined,
  };
}

const STATE: Record<string, KaState> = {
  init: 'init',
  backup: 'backup',
  master: 'master',
  fault: 'fault',
};

/** keepalived's configured_state: MASTER for `state MASTER` and for an address owner. */
export function kaInitialState(ic: VrrpInstanceConfig): KaState {
  return ic.initialState === 'MASTER' || ic.priority === 255 ? 'master' : 'backup';
}

export interface KaRuntime {
  readonly cfg: VrrpInstanceConfig;
  readonly state: string;
  readonly effectivePriority: number;
}

/** A command as keepalived shows it: its program by real path, each word quoted. */
function resolvedCommand(argv: readonly string[], realPath: (f: string) => string): string {
  const [first, ...rest] = argv;
  return commandText(first?.startsWith('/') ? [realPath(first), ...rest] : argv);
}

function scripts<K extends string>(
  n: Partial<Record<K, NotifyScript>>,
  realPath: (f: string) => string,
): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const [k, s] of Object.entries(n) as Array<[K, NotifyScript | undefined]>) {
    if (!s) continue;
    out[k] = resolvedCommand(s.argv, realPath);
  }
  return out;
}

function addressRow(
  v: Vip,
  ic: Pick<VrrpInstanceConfig, 'interface'>,
  set: boolean,
  adv: boolean,
  facts: KaFacts,
): KaAddressRow {
  const ifName = v.dev ?? ic.interface ?? '';
  return {
    family: v.family,
    address: v.address,
    broadcast: v.broadcast,
    prefix: v.prefix,
    scope: scopeCode(v.scope),
    ifIndex: facts.ifIndex(ifName),
    ifName,
    label: v.label,
    set,
    advertised: adv,
    peer: v.peer,
  };
}

export function kaInstances(
  model: ModelBlock,
  running: readonly KaRuntime[],
  groups: readonly SyncGroupConfig[],
  facts: KaFacts,
  vrrpScripts: readonly VrrpScriptConfig[] = [],
): KaInstanceRow[] {
  const sync = syncDaemonConfigOf(model);
  const g = model.global_defs as ModelBlock | undefined;
  return running.map(({ cfg: ic, state, effectivePriority }) => {
    const s = STATE[state] ?? 'init';
    const set = s === 'master';
    const group = groups.find((x) => x.members.includes(ic.name));
    const n = ic.notify;
    return {
      name: ic.name,
      vrid: ic.vrid,
      state: s,
      initialState: kaInitialState(ic),
      wantedState: s,
      basePriority: ic.priority,
      effectivePriority,
      vipsSet: set,
      interface: ic.interface,
      tracksInterfaces: ic.trackInterfaces.some((t) => t.name !== ic.interface),
      version: ic.version,
      advertIntervalCs: ic.advertIntervalCs,
      preempt: !ic.nopreempt,
      preemptDelayS: ic.preemptDelayS,
      authType: ic.auth?.type === 'AH' ? 2 : ic.auth ? 1 : 0,
      lvsSyncInterface: sync?.instance === ic.name ? sync.interface : undefined,
      syncGroup: group?.name,
      garpDelayS: ic.garp.masterDelayS,
      smtpAlert: ic.smtpAlert,
      notifyExec: Object.values(n).some((x) => x !== undefined),
      scripts: scripts(
        {
          master: n.master,
          backup: n.backup,
          fault: n.fault,
          stop: n.stop,
          deleted: n.deleted,
          masterRxLowerPri: n.masterRxLowerPri,
          any: n.any,
        },
        facts.realPath,
      ),
      accept: ic.accept,
      promoteSecondaries: ic.promoteSecondaries,
      linkbeat: ic.linkbeatPolling || flag(g, 'linkbeat_use_polling'),
      notifyDeleted: ic.notifyDeleted,
      multicast: ic.unicastPeers.length > 0 ? undefined : (ic.mcastDst ?? defaultGroup(ic, g)),
      addresses: [
        ...ic.vips.map((v) => addressRow(v, ic, set, true, facts)),
        ...ic.excludedVips.map((v) => addressRow(v, ic, set, false, facts)),
      ],
      // keepalived drops a track_interface of the instance's own interface.
      trackedInterfaces: ic.trackInterfaces
        .filter((t) => t.name !== ic.interface)
        .map((t) => ({ name: t.name, weight: t.weight ?? 0, reverse: t.reverse })),
      trackedScripts: ic.trackScripts.map((t) => {
        const sc = vrrpScripts.find((x) => x.name === t.name);
        return { name: t.name, weight: t.weight ?? sc?.weight ?? 0, reverse: t.reverse };
      }),
    };
  });
}

function defaultGroup(ic: VrrpInstanceConfig, g: ModelBlock | undefined): string {
  return ic.family === 6
    ? (str(g, 'vrrp_mcast_group6') ?? 'ff02::12')
    : (str(g, 'vrrp_mcast_group4') ?? '224.0.0.18');
}

export function kaSyncGroups(
  groups: readonly SyncGroupConfig[],
  stateOf: (name: string) => KaState,
  model: ModelBlock,
  realPath: (f: string) => string,
): KaSyncGroupRow[] {
  const blocks = (model.vrrp_sync_group ?? {}) as Record<string, ModelBlock>;
  return groups.map((sg) => ({
    name: sg.name,
    state: stateOf(sg.name),
    smtpAlert: sg.smtpAlert,
    notifyExec: Object.values(sg.notify).some((x) => x !== undefined),
    scripts: scripts(
      {
        master: sg.notify.master,
        backup: sg.notify.backup,
        fault: sg.notify.fault,
        any: sg.notify.any,
        stop: sg.notify.stop,
      },
      realPath,
    ),
    trackingWeight: flag(blocks[sg.name], 'sync_group_tracking_weight'),
    members: sg.members,
  }));
}

/** A vrrp_script's runtime: its last verdict (undefined before the first) and whether it ran. */
export interface KaScriptState {
  readonly ok: boolean | undefined;
  readonly runs: number;
}

export function kaScripts(
  scripts: readonly VrrpScriptConfig[],
  stateOf: (name: string) => KaScriptState | undefined,
  realPath: (f: string) => string,
): KaScriptRow[] {
  return scripts.map((sc) => {
    const st = stateOf(sc.name);
    const result =
      st === undefined || st.ok === undefined
        ? 1
        : st.runs === 0 && sc.initFail
          ? 5
          : st.ok
            ? 3
            : 2;
    return {
      name: sc.name,
      command: resolvedCommand(sc.argv, realPath),
      intervalS: sc.intervalS,
      weight: sc.weight,
      reverse: sc.reverse,
      result,
      rise: sc.rise,
      fall: sc.fall,
    };
  });
}

/**
 * static_ipaddress, instance 0 of keepalived's address table: set while
 * halb runs, never "advertised" (keepalived's walk leaves the flag 0 there).
 */
export function kaStaticAddresses(addresses: readonly Vip[], facts: KaFacts): KaAddressRow[] {
  return addresses.map((v) => addressRow(v, { interface: undefined }, true, false, facts));
}
