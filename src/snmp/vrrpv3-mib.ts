/**
 * VRRPv3-MIB (RFC 6527, 1.3.6.1.2.1.207) as keepalived 2.2.7's vrrp_snmp.c
 * serves it (Debian's build answers for VRRPv2 instances too:
 * SNMP_V3_FOR_V2): the operations table, the associated addresses, the
 * global and per-instance statistics, and the vrrpv3NewMaster notification.
 * Instances without a VIP are left out, as keepalived does. Pure: rows in,
 * variable bindings out.
 */
import * as net from 'node:net';
import type { Oid, Value, VarBind } from './agentx-pdu';
import { ipBytes } from '../vrrp/checksum';

export const VRRPV3_MIB: Oid = [1, 3, 6, 1, 2, 1, 207];
const SNMP_TRAP_OID: Oid = [1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0];

/** RFC 6527 vrrpv3StatisticsNewMasterReason. */
export type MasterReason = 0 | 1 | 2 | 3;
/** RFC 6527 vrrpv3StatisticsProtoErrReason: noError, ipTtlError, versionError, checksumError, vrIdError. */
export type ProtoErrReason = 0 | 1 | 2 | 3 | 4;

export interface SnmpVrrpRow {
  /** The instance's interface (its base interface for a VMAC). */
  readonly ifIndex: number;
  readonly vrid: number;
  readonly family: 4 | 6;
  readonly state: 'init' | 'backup' | 'master' | 'fault';
  /** The source of the last advert heard (keepalived's master_saddr; undefined: none yet). */
  readonly masterAddress: string | undefined;
  readonly version: 2 | 3;
  readonly authType: 'none' | 'pass' | 'ah';
  /** The address its adverts come from. */
  readonly primaryAddress: string;
  /** The MAC of the interface it runs on (the VMAC's with use_vmac). */
  readonly mac: Buffer;
  readonly priority: number;
  readonly vips: readonly string[];
  readonly advertIntervalCs: number;
  readonly preempt: boolean;
  readonly accept: boolean;
  /** When it started (ms on the caller's clock): the up time while BACKUP or MASTER. */
  readonly startedAtMs: number;
  readonly stats: {
    readonly becameMaster: number;
    readonly masterReason: MasterReason;
    readonly advertsReceived: number;
    readonly intervalErrors: number;
    readonly ttlErrors: number;
    readonly protoErrReason: ProtoErrReason;
    readonly priorityZeroReceived: number;
    readonly priorityZeroSent: number;
    readonly invalidType: number;
    readonly addressListErrors: number;
    readonly lengthErrors: number;
    readonly checksumErrors: number;
    readonly versionErrors: number;
    readonly vridErrors: number;
    readonly authFailures: number;
    readonly invalidAuthType: number;
    readonly authTypeMismatch: number;
  };
}

const int = (value: number): Value => ({ type: 'integer', value });
const c64 = (n: number): Value => ({ type: 'counter64', value: BigInt(n) });
const truth = (b: boolean): Value => int(b ? 1 : 2);

function addressBytes(address: string | undefined, family: 4 | 6): Buffer {
  if (!address || net.isIP(address) !== family) return Buffer.alloc(family === 4 ? 4 : 16);
  return ipBytes(address);
}

const indexOf = (r: SnmpVrrpRow): number[] => [r.ifIndex, r.vrid, r.family === 4 ? 1 : 2];

/** keepalived's vrrp_snmp_rfc_state: initialize 1, backup 2, master 3 (FAULT shows as initialize). */
const stateCode = (s: SnmpVrrpRow['state']): number =>
  s === 'backup' ? 2 : s === 'master' ? 3 : 1;

export function vrrpv3Bindings(rows: readonly SnmpVrrpRow[], nowMs: number): VarBind[] {
  const out: VarBind[] = [];
  const mib = VRRPV3_MIB;
  const served = rows.filter((r) => r.vips.length > 0);
  const sum = (k: 'checksumErrors' | 'versionErrors' | 'vridErrors'): number =>
    served.reduce((a, r) => a + r.stats[k], 0);
  out.push(
    { oid: [...mib, 1, 2, 1, 0], value: c64(sum('checksumErrors')) },
    { oid: [...mib, 1, 2, 2, 0], value: c64(sum('versionErrors')) },
    { oid: [...mib, 1, 2, 3, 0], value: c64(sum('vridErrors')) },
    { oid: [...mib, 1, 2, 4, 0], value: { type: 'timeticks', value: 0 } },
  );
  for (const r of served) {
    const idx = indexOf(r);
    const col = (n: number, value: Value): void =>
      void out.push({ oid: [...mib, 1, 1, 1, 1, n, ...idx], value });
    const primary = addressBytes(r.primaryAddress, r.family);
    const up = r.state === 'backup' || r.state === 'master';
    col(3, {
      type: 'octets',
      value: r.state === 'master' ? primary : addressBytes(r.masterAddress, r.family),
    });
    col(4, { type: 'octets', value: primary });
    col(5, { type: 'octets', value: r.mac });
    col(6, int(stateCode(r.state)));
    col(7, { type: 'gauge32', value: r.priority });
    col(8, int(r.vips.length));
    col(9, int(r.advertIntervalCs));
    col(10, truth(r.preempt));
    col(11, truth(r.accept));
    col(12, {
      type: 'timeticks',
      value: up ? Math.max(0, Math.floor((nowMs - r.startedAtMs) / 10)) : 0,
    });
    col(13, int(1));
    for (const vip of r.vips)
      out.push({
        oid: [...mib, 1, 1, 2, 1, 2, ...idx, ...addressBytes(vip, r.family)],
        value: int(1),
      });
    const s = r.stats;
    const stat = (n: number, value: Value): void =>
      void out.push({ oid: [...mib, 1, 2, 5, 1, n, ...idx], value });
    stat(1, { type: 'counter32', value: s.becameMaster });
    stat(2, int(s.masterReason));
    stat(3, c64(s.advertsReceived));
    stat(4, c64(s.intervalErrors));
    stat(5, c64(s.ttlErrors));
    stat(6, int(s.protoErrReason));
    stat(7, c64(s.priorityZeroReceived));
    stat(8, c64(s.priorityZeroSent));
    stat(9, c64(s.invalidType));
    stat(10, c64(s.addressListErrors));
    stat(11, c64(s.lengthErrors));
    stat(12, { type: 'timeticks', value: 0 });
    stat(13, { type: 'gauge32', value: r.advertIntervalCs * 10 });
  }
  return out;
}

/** vrrpv3NewMaster, as keepalived sends it: the new master's address (as octets) and why. */
export function newMasterNotification(r: SnmpVrrpRow): VarBind[] | undefined {
  if (r.vips.length === 0) return undefined;
  const idx = indexOf(r);
  return [
    { oid: SNMP_TRAP_OID, value: { type: 'oid', value: [...VRRPV3_MIB, 0, 1] } },
    {
      oid: [...VRRPV3_MIB, 1, 1, 1, 1, 3, ...idx],
      value: { type: 'octets', value: addressBytes(r.primaryAddress, r.family) },
    },
    { oid: [...VRRPV3_MIB, 1, 2, 5, 1, 2, ...idx], value: int(r.stats.masterReason) },
  ];
}
