/**
 * VRRP-MIB (RFC 2787, 1.3.6.1.2.1.68) as keepalived 2.2.7 serves it with
 * `enable_snmp_rfcv2`: VRRPv2 instances over IPv4 with a VIP only (the
 * others are VRRPv3-MIB's): the node version and notification control, the
 * operations table, the associated addresses, the router and per-instance
 * statistics, and vrrpTrapNewMaster. Pure: rows in, variable bindings out.
 */
import type { Oid, Value, VarBind } from './agentx-pdu';
import { ipBytes } from '../vrrp/checksum';
import type { SnmpVrrpRow } from './vrrpv3-mib';

export const VRRP_MIB: Oid = [1, 3, 6, 1, 2, 1, 68];
const SNMP_TRAP_OID: Oid = [1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0];

const int = (value: number): Value => ({ type: 'integer', value });
const c32 = (value: number): Value => ({ type: 'counter32', value });
const ip = (address: string | undefined): Value => ({
  type: 'ipAddress',
  value: address && /^\d+\.\d+\.\d+\.\d+$/.test(address) ? ipBytes(address) : Buffer.alloc(4),
});

export const suitable = (r: SnmpVrrpRow): boolean =>
  r.version === 2 && r.family === 4 && r.vips.length > 0;

export function vrrpBindings(
  rows: readonly SnmpVrrpRow[],
  opts: { readonly traps: boolean; readonly agentStartedMs: number },
): VarBind[] {
  const mib = VRRP_MIB;
  const served = rows.filter(suitable);
  const sum = (k: 'checksumErrors' | 'versionErrors' | 'vridErrors'): number =>
    served.reduce((a, r) => a + r.stats[k], 0);
  const out: VarBind[] = [
    { oid: [...mib, 1, 1, 0], value: int(2) },
    { oid: [...mib, 1, 2, 0], value: int(opts.traps ? 1 : 2) },
    { oid: [...mib, 2, 1, 0], value: c32(sum('checksumErrors')) },
    { oid: [...mib, 2, 2, 0], value: c32(sum('versionErrors')) },
    { oid: [...mib, 2, 3, 0], value: c32(sum('vridErrors')) },
  ];
  for (const r of served) {
    const idx = [r.ifIndex, r.vrid];
    const col = (n: number, value: Value): void =>
      void out.push({ oid: [...mib, 1, 3, 1, n, ...idx], value });
    const up = r.state === 'backup' || r.state === 'master';
    col(2, { type: 'octets', value: r.mac });
    col(3, int(r.state === 'backup' ? 2 : r.state === 'master' ? 3 : 1));
    col(4, int(1));
    col(5, int(r.priority));
    col(6, int(r.vips.length));
    col(7, ip(r.masterAddress));
    col(8, ip(r.primaryAddress));
    col(9, int(r.authType === 'ah' ? 3 : r.authType === 'pass' ? 2 : 1));
    // 10, the authentication key, is not readable.
    col(11, int(Math.floor(r.advertIntervalCs / 100)));
    col(12, int(r.preempt ? 1 : 2));
    // When it came up, on the agent's clock (sysUpTime then), as keepalived reports it.
    col(13, {
      type: 'timeticks',
      value: up ? Math.max(0, Math.floor((r.startedAtMs - opts.agentStartedMs) / 10)) : 0,
    });
    col(14, int(1));
    col(15, int(1));
    for (const vip of r.vips)
      out.push({ oid: [...mib, 1, 4, 1, 2, ...idx, ...ipBytes(vip)], value: int(1) });
    const s = r.stats;
    const stat = (n: number, v: number): void =>
      void out.push({ oid: [...mib, 2, 4, 1, n, ...idx], value: c32(v) });
    stat(1, s.becameMaster);
    stat(2, s.advertsReceived);
    stat(3, s.intervalErrors);
    stat(4, s.authFailures);
    stat(5, s.ttlErrors);
    stat(6, s.priorityZeroReceived);
    stat(7, s.priorityZeroSent);
    stat(8, s.invalidType);
    stat(9, s.addressListErrors);
    stat(10, s.invalidAuthType);
    stat(11, s.authTypeMismatch);
    stat(12, s.lengthErrors);
  }
  return out;
}

/** vrrpTrapNewMaster: the new master's address (its own), as keepalived sends it. */
export function newMasterTrap(r: SnmpVrrpRow): VarBind[] | undefined {
  if (!suitable(r)) return undefined;
  return [
    { oid: SNMP_TRAP_OID, value: { type: 'oid', value: [...VRRP_MIB, 0, 1] } },
    { oid: [...VRRP_MIB, 1, 3, 1, 7, r.ifIndex, r.vrid], value: ip(r.primaryAddress) },
  ];
}
