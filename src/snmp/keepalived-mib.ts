/**
 * KEEPALIVED-MIB (1.3.6.1.4.1.9586.100.5), the part `enable_snmp_vrrp` serves,
 * as keepalived 2.2.7's core/snmp.c and vrrp/vrrp_snmp.c answer it: the
 * global scalars and e-mail table, the sync group and sync group member
 * tables, the instance table and the address table (VIPs, then excluded
 * ones, per instance), the tracked interface and tracked script tables, the
 * script table, and the vrrpInstanceStateChange and vrrpSyncGroupStateChange
 * notifications, static_ipaddress as instance 0 of the address table. Not yet:
 * the tracked file / process / BFD tables and their objects' tables, routes
 * and rules,
 * and SET (keepalived lets a manager change priority and preemption). Pure:
 * rows in, variable bindings out.
 */
import * as net from 'node:net';
import type { Oid, Value, VarBind } from './agentx-pdu';
import { ipBytes } from '../vrrp/checksum';

export const KEEPALIVED_MIB: Oid = [1, 3, 6, 1, 4, 1, 9586, 100, 5];
const GLOBAL: Oid = [...KEEPALIVED_MIB, 1];
const VRRP: Oid = [...KEEPALIVED_MIB, 2];

export interface KaGlobals {
  readonly version: string;
  readonly routerId: string | undefined;
  /** smtp_server as an address, and its port; undefined: none (or a name). */
  readonly smtpServer: { readonly address: string; readonly port: number } | undefined;
  readonly smtpTimeoutS: number;
  readonly emailFrom: string | undefined;
  readonly emails: readonly string[];
  readonly noEmailFaults: boolean;
  /** smtp_alert, smtp_alert_vrrp, smtp_alert_checker: unset, on or off. */
  readonly smtpAlert: boolean | undefined;
  readonly smtpAlertVrrp: boolean | undefined;
  readonly smtpAlertChecker: boolean | undefined;
  readonly traps: boolean;
  readonly linkbeatPolling: boolean;
  readonly lvsFlush: boolean;
  readonly lvsFlushOnStop: 'none' | 'full' | 'vs';
  readonly netNamespace: string;
  readonly dynamicInterfaces: boolean;
}

export type KaState = 'init' | 'backup' | 'master' | 'fault';

/** The notify scripts of an instance or sync group, as keepalived's cmd_str_r writes them. */
export type KaScripts = Partial<
  Record<'master' | 'backup' | 'fault' | 'stop' | 'any' | 'deleted' | 'masterRxLowerPri', string>
>;

export interface KaSyncGroupRow {
  readonly name: string;
  readonly state: KaState;
  readonly smtpAlert: boolean;
  readonly notifyExec: boolean;
  readonly scripts: KaScripts;
  readonly trackingWeight: boolean;
  readonly members: readonly string[];
}

export interface KaAddressRow {
  readonly family: 4 | 6;
  readonly address: string;
  readonly broadcast: string | undefined;
  readonly prefix: number;
  /** keepalived's InetScopeType: global 14, link 2, host 1, site 5, nowhere 0. */
  readonly scope: number;
  readonly ifIndex: number;
  readonly ifName: string;
  readonly label: string | undefined;
  readonly set: boolean;
  readonly advertised: boolean;
  readonly peer: string | undefined;
}

export interface KaInstanceRow {
  readonly name: string;
  readonly vrid: number;
  readonly state: KaState;
  readonly initialState: KaState;
  readonly wantedState: KaState;
  readonly basePriority: number;
  readonly effectivePriority: number;
  readonly vipsSet: boolean;
  readonly interface: string | undefined;
  readonly tracksInterfaces: boolean;
  readonly version: 2 | 3;
  readonly advertIntervalCs: number;
  readonly preempt: boolean;
  readonly preemptDelayS: number;
  /** VRRPv2 auth_type: none 0, PASS 1, AH 2. */
  readonly authType: 0 | 1 | 2;
  /** lvs_sync_daemon's interface when it follows this instance. */
  readonly lvsSyncInterface: string | undefined;
  readonly syncGroup: string | undefined;
  readonly garpDelayS: number;
  readonly smtpAlert: boolean;
  readonly notifyExec: boolean;
  readonly scripts: KaScripts;
  readonly accept: boolean;
  readonly promoteSecondaries: boolean;
  readonly linkbeat: boolean;
  readonly notifyDeleted: boolean;
  /** The multicast group; undefined for a unicast instance. */
  readonly multicast: string | undefined;
  readonly addresses: readonly KaAddressRow[];
  /** track_interface (not the instance's own) and track_script, with the weight each counts with. */
  readonly trackedInterfaces: readonly KaTracked[];
  readonly trackedScripts: readonly KaTracked[];
}

export interface KaTracked {
  readonly name: string;
  readonly weight: number;
  readonly reverse: boolean;
}

export interface KaScriptRow {
  readonly name: string;
  readonly command: string;
  readonly intervalS: number;
  readonly weight: number;
  readonly reverse: boolean;
  /** keepalived's vrrpScriptResult: init 1, bad 2, good 3, init failed 5. */
  readonly result: 1 | 2 | 3 | 5;
  readonly rise: number;
  readonly fall: number;
}

const int = (value: number): Value => ({ type: 'integer', value });
const gauge = (value: number): Value => ({ type: 'gauge32', value });
const text = (s: string): Value => ({ type: 'octets', value: Buffer.from(s, 'latin1') });
const truth = (b: boolean): Value => int(b ? 1 : 2);
const tri = (b: boolean | undefined): Value => int(b === undefined ? 3 : b ? 1 : 2);
/** keepalived's vrrp_snmp_state: its internal numbers. */
const STATE: Record<KaState, number> = { init: 0, backup: 1, master: 2, fault: 3 };

function addressValue(address: string): Value {
  return { type: 'octets', value: ipBytes(address) };
}

/** keepalived's cmd_str_r: each word in single quotes, but a first word that is a redirection. */
export function commandText(argv: readonly string[]): string {
  return argv.map((w, i) => (i === 0 && (w[0] === '<' || w[0] === '>') ? w : `'${w}'`)).join(' ');
}

export function globalBindings(g: KaGlobals): VarBind[] {
  const out: VarBind[] = [];
  const put = (sub: number[], value: Value): void =>
    void out.push({ oid: [...GLOBAL, ...sub], value });
  put([1, 0], text(g.version));
  if (g.routerId !== undefined) put([2, 0], text(g.routerId));
  const server = g.smtpServer;
  const v6 = server !== undefined && net.isIPv6(server.address);
  put([3, 1, 0], int(server && !v6 ? 1 : 2));
  put(
    [3, 2, 0],
    server ? addressValue(server.address) : { type: 'octets', value: Buffer.alloc(4) },
  );
  put([3, 3, 0], gauge(g.smtpTimeoutS));
  if (g.emailFrom !== undefined) put([3, 4, 0], text(g.emailFrom));
  g.emails.forEach((e, i) => put([3, 5, 1, 2, i + 1], text(e)));
  put([3, 6, 0], gauge(server?.port ?? 0));
  put([3, 7, 0], truth(!g.noEmailFaults));
  put([3, 8, 0], tri(g.smtpAlert));
  put([3, 9, 0], tri(g.smtpAlertVrrp));
  put([3, 10, 0], tri(g.smtpAlertChecker));
  put([4, 0], truth(g.traps));
  put([5, 0], int(g.linkbeatPolling ? 2 : 1));
  put([6, 0], truth(g.lvsFlush));
  put([7, 0], int(1)); // 64-bit IPVS counters
  put([8, 0], text(g.netNamespace));
  put([9, 0], int(2)); // D-Bus
  put([10, 0], truth(g.dynamicInterfaces));
  put([11, 0], int(g.lvsFlushOnStop === 'full' ? 1 : g.lvsFlushOnStop === 'vs' ? 3 : 2));
  return out;
}

export function vrrpBindings(
  groups: readonly KaSyncGroupRow[],
  instances: readonly KaInstanceRow[],
  scripts: readonly KaScriptRow[] = [],
  staticAddresses: readonly KaAddressRow[] = [],
): VarBind[] {
  const out: VarBind[] = [];
  const put = (sub: number[], value: Value): void =>
    void out.push({ oid: [...VRRP, ...sub], value });
  const opt = (sub: number[], s: string | undefined): void => {
    if (s !== undefined) put(sub, text(s));
  };
  /** An address row under (instance, address); instance 0 holds static_ipaddress. */
  const address = (a: KaAddressRow, ii: number, ai: number): void => {
    const acol = (n: number): number[] => [6, 1, n, ii, ai];
    put(acol(2), int(a.family === 4 ? 1 : 2));
    put(acol(3), addressValue(a.address));
    if (a.family === 4) put(acol(4), addressValue(a.broadcast ?? '0.0.0.0'));
    put(acol(5), gauge(a.prefix));
    put(acol(6), int(a.scope));
    put(acol(7), int(a.ifIndex));
    put(acol(8), text(a.ifName));
    opt(acol(9), a.label);
    put(acol(10), truth(a.set));
    put(acol(11), truth(a.advertised));
    if (a.peer !== undefined) put(acol(12), addressValue(a.peer));
  };
  staticAddresses.forEach((a, ai) => address(a, 0, ai + 1));
  groups.forEach((g, gi) => {
    const col = (n: number): number[] => [1, 1, n, gi + 1];
    put(col(2), text(g.name));
    put(col(3), int(STATE[g.state]));
    put(col(4), truth(g.smtpAlert));
    put(col(5), truth(g.notifyExec));
    opt(col(6), g.scripts.master);
    opt(col(7), g.scripts.backup);
    opt(col(8), g.scripts.fault);
    opt(col(9), g.scripts.any);
    put(col(10), truth(g.trackingWeight));
    opt(col(11), g.scripts.stop);
    g.members.forEach((m, mi) => put([2, 1, 2, gi + 1, mi + 1], text(m)));
  });
  instances.forEach((r, ii) => {
    const col = (n: number): number[] => [3, 1, n, ii + 1];
    put(col(2), text(r.name));
    put(col(3), gauge(r.vrid));
    put(col(4), int(STATE[r.state]));
    put(col(5), int(STATE[r.initialState]));
    put(col(6), int(STATE[r.wantedState]));
    put(col(7), int(r.basePriority));
    put(col(8), int(r.effectivePriority));
    put(col(9), truth(r.vipsSet));
    opt(col(10), r.interface);
    put(col(11), truth(r.tracksInterfaces));
    put(
      col(12),
      gauge(r.version === 2 ? Math.floor(r.advertIntervalCs / 100) : r.advertIntervalCs),
    );
    put(col(13), truth(r.preempt));
    put(col(14), gauge(r.preemptDelayS));
    put(col(15), int(r.version === 2 ? r.authType : 0));
    put(col(16), truth(r.lvsSyncInterface !== undefined));
    opt(col(17), r.lvsSyncInterface);
    opt(col(18), r.syncGroup);
    put(col(19), gauge(r.garpDelayS));
    put(col(20), truth(r.smtpAlert));
    put(col(21), truth(r.notifyExec));
    opt(col(22), r.scripts.master);
    opt(col(23), r.scripts.backup);
    opt(col(24), r.scripts.fault);
    opt(col(25), r.scripts.stop);
    opt(col(26), r.scripts.any);
    put(col(27), int(r.version === 3 ? (r.accept ? 1 : 2) : 0));
    put(col(28), truth(r.promoteSecondaries));
    put(col(29), truth(r.linkbeat));
    put(col(30), int(r.version));
    opt(col(31), r.scripts.masterRxLowerPri);
    opt(col(32), r.scripts.deleted);
    put(col(33), truth(r.notifyDeleted));
    if (r.multicast !== undefined) {
      put(col(34), int(net.isIPv6(r.multicast) ? 2 : 1));
      put(col(35), addressValue(r.multicast));
    }
    r.trackedInterfaces.forEach((t, ti) => {
      // This table has no index column: the name is column 1.
      put([4, 1, 1, ii + 1, ti + 1], text(t.name));
      put([4, 1, 2, ii + 1, ti + 1], int(t.weight));
      put([4, 1, 3, ii + 1, ti + 1], truth(t.reverse));
    });
    r.trackedScripts.forEach((t, ti) => {
      put([5, 1, 2, ii + 1, ti + 1], text(t.name));
      put([5, 1, 3, ii + 1, ti + 1], int(t.weight));
      put([5, 1, 4, ii + 1, ti + 1], truth(t.reverse));
    });
    r.addresses.forEach((a, ai) => address(a, ii + 1, ai + 1));
  });
  scripts.forEach((sc, si) => {
    const col = (n: number): number[] => [9, 1, n, si + 1];
    put(col(2), text(sc.name));
    put(col(3), text(sc.command));
    put(col(4), int(sc.intervalS));
    put(col(5), int(sc.weight));
    put(col(6), int(sc.result));
    put(col(7), gauge(sc.rise));
    put(col(8), gauge(sc.fall));
    put(col(9), truth(sc.reverse));
  });
  return out;
}

/** keepalived's snmp_scope from an address's `scope` word (the kernel's numbers). */
export function scopeCode(scope: string | undefined): number {
  switch (scope) {
    case undefined:
    case 'global':
      return 14;
    case 'host':
      return 1;
    case 'link':
      return 2;
    case 'site':
      return 5;
    case 'nowhere':
      return 0;
    default: {
      const n = Number(scope);
      return n === 0 ? 14 : n === 254 ? 1 : n === 253 ? 2 : n === 200 ? 5 : 0;
    }
  }
}

const SNMP_TRAP_OID: Oid = [1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0];
/** keepalived's trap state numbers: its internal ones, STOP 5, DELETED 6. */
const NOTIFY_STATE: Record<string, number> = {
  INIT: 0,
  BACKUP: 1,
  MASTER: 2,
  FAULT: 3,
  STOP: 5,
  DELETED: 6,
};

/**
 * vrrpInstanceStateChange as keepalived's vrrp_snmp_instance_trap sends it,
 * with each instance notification: the objects without a row index.
 */
export function instanceStateTrap(
  name: string,
  state: string,
  initial: KaState,
  routerId: string,
): VarBind[] {
  return [
    { oid: SNMP_TRAP_OID, value: { type: 'oid', value: [...VRRP, 10, 0, 2] } },
    { oid: [...VRRP, 3, 1, 2], value: text(name) },
    { oid: [...VRRP, 3, 1, 4], value: int(NOTIFY_STATE[state] ?? 4) },
    { oid: [...VRRP, 3, 1, 5], value: int(STATE[initial]) },
    { oid: [...GLOBAL, 2, 0], value: text(routerId) },
  ];
}

/** vrrpSyncGroupStateChange, with each sync group notification (vrrp_snmp_group_trap). */
export function groupStateTrap(name: string, state: string, routerId: string): VarBind[] {
  return [
    { oid: SNMP_TRAP_OID, value: { type: 'oid', value: [...VRRP, 10, 0, 1] } },
    { oid: [...VRRP, 1, 1, 2], value: text(name) },
    { oid: [...VRRP, 1, 1, 3], value: int(NOTIFY_STATE[state] ?? 4) },
    { oid: [...GLOBAL, 2, 0], value: text(routerId) },
  ];
}
