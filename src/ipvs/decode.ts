/**
 * IPVS replies: domain values from the attributes the kernel sends (after the
 * genl header). Unknown attributes are skipped, missing required ones and
 * truncated ones are AttrDecodeError. Pure.
 */
import { ipString as ipText } from '../vrrp/checksum';
import { AttrDecodeError, parseAttrs, type Attrs } from '../platform/netlink-attrs';
import type {
  DestStatus,
  Family,
  IpvsStats,
  ServiceFlags,
  ServiceKey,
  ServiceStatus,
  SyncDaemon,
  Timeouts,
} from './types';
import {
  CMD_ATTR,
  DAEMON,
  DAEMON_STATE,
  DEST,
  FAMILY_OF,
  FWD_OF,
  INFO,
  PROTO_OF,
  STATS,
  SVC,
  SVC_F,
  TUN_CSUM_OF,
  TUN_TYPE,
  TUN_TYPE_OF,
} from './uapi';

/** An address from union nf_inet_addr (IPv4 in the first 4 bytes). */
function ipString(b: Buffer, family: Family): string {
  return family === 4 ? `${b[0]}.${b[1]}.${b[2]}.${b[3]}` : ipText(b, 6);
}

function bitsOfMask(b: Buffer, family: Family): number {
  if (family === 6) return b.readUInt32LE(0);
  let m = b.readUInt32BE(0);
  let n = 0;
  while (m & 0x80000000) {
    n++;
    m = (m << 1) >>> 0;
  }
  return n;
}

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new AttrDecodeError('MISSING', `${what} missing`);
  return v;
}

function family(a: Attrs, type: number, what: string): Family {
  const af = need(a.u16(type), what);
  const f = FAMILY_OF.get(af);
  if (!f) throw new AttrDecodeError('BAD_LENGTH', `${what}: unknown address family ${af}`);
  return Number(f) as Family;
}

function decodeStats(a: Attrs | undefined, wide: boolean): IpvsStats | undefined {
  if (!a) return undefined;
  const n = (t: number, w: boolean): number => (w ? a.u64(t) : a.u32(t)) ?? 0;
  return {
    conns: n(STATS.CONNS, wide),
    inpkts: n(STATS.INPKTS, wide),
    outpkts: n(STATS.OUTPKTS, wide),
    inbytes: n(STATS.INBYTES, true),
    outbytes: n(STATS.OUTBYTES, true),
    cps: n(STATS.CPS, wide),
    inpps: n(STATS.INPPS, wide),
    outpps: n(STATS.OUTPPS, wide),
    inbps: n(STATS.INBPS, wide),
    outbps: n(STATS.OUTBPS, wide),
  };
}

function statsOf(a: Attrs, s32: number, s64: number): IpvsStats | undefined {
  return a.has(s64) ? decodeStats(a.nested(s64), true) : decodeStats(a.nested(s32), false);
}

export function decodeService(payload: Buffer): ServiceStatus {
  const a = need(parseAttrs(payload).nested(CMD_ATTR.SERVICE), 'service attribute');
  const fam = family(a, SVC.AF, 'service address family');
  const bits = need(a.u32(SVC.FLAGS), 'service flags');
  const flags: ServiceFlags = {
    ...(bits & SVC_F.ONEPACKET ? { onePacket: true } : {}),
    ...(bits & SVC_F.SCHED1 ? { fallback: true } : {}),
    ...(bits & SVC_F.SCHED2 ? { port: true } : {}),
    ...(bits & SVC_F.SCHED3 ? { flag3: true } : {}),
  };
  const fwmark = a.u32(SVC.FWMARK);
  const key: ServiceKey =
    fwmark !== undefined && fwmark !== 0
      ? { family: fam, fwmark }
      : {
          family: fam,
          protocol: need(PROTO_OF.get(need(a.u16(SVC.PROTOCOL), 'protocol')), 'known protocol'),
          address: ipString(need(a.get(SVC.ADDR), 'service address'), fam),
          port: need(a.be16(SVC.PORT), 'service port'),
        };
  const engine = a.cstr(SVC.PE_NAME);
  const stats = statsOf(a, SVC.STATS, SVC.STATS64);
  return {
    ...key,
    scheduler: need(a.cstr(SVC.SCHED_NAME), 'scheduler'),
    flags,
    ...(bits & SVC_F.PERSISTENT
      ? {
          persistence: {
            timeoutS: a.u32(SVC.TIMEOUT) ?? 0,
            netmaskBits: bitsOfMask(need(a.get(SVC.NETMASK), 'netmask'), fam),
            ...(engine ? { engine } : {}),
          },
        }
      : {}),
    ...(stats ? { stats } : {}),
  };
}

export function decodeDest(payload: Buffer, serviceFamily: Family): DestStatus {
  const a = need(parseAttrs(payload).nested(CMD_ATTR.DEST), 'destination attribute');
  const fam = a.has(DEST.ADDR_FAMILY)
    ? family(a, DEST.ADDR_FAMILY, 'destination family')
    : serviceFamily;
  const fwdNum = need(a.u32(DEST.FWD_METHOD), 'forwarding method') & 0x7;
  const forwarding = need(FWD_OF.get(fwdNum), `forwarding method ${fwdNum}`);
  const tunType = a.u8(DEST.TUN_TYPE);
  const tunPort = a.be16(DEST.TUN_PORT);
  const tunFlags = a.u16(DEST.TUN_FLAGS);
  const stats = statsOf(a, DEST.STATS, DEST.STATS64);
  return {
    family: fam,
    address: ipString(need(a.get(DEST.ADDR), 'destination address'), fam),
    port: need(a.be16(DEST.PORT), 'destination port'),
    forwarding,
    weight: need(a.u32(DEST.WEIGHT), 'weight') | 0,
    upperThreshold: a.u32(DEST.U_THRESH) ?? 0,
    lowerThreshold: a.u32(DEST.L_THRESH) ?? 0,
    ...(forwarding === 'TUN' && tunType !== undefined
      ? {
          tunnel: {
            type: TUN_TYPE_OF.get(tunType) ?? 'ipip',
            ...(tunType === TUN_TYPE.gue ? { port: tunPort ?? 0 } : {}),
            checksum: TUN_CSUM_OF.get(tunFlags ?? 0) ?? 'nocsum',
          },
        }
      : {}),
    activeConns: a.u32(DEST.ACTIVE_CONNS) ?? 0,
    inactiveConns: a.u32(DEST.INACT_CONNS) ?? 0,
    persistentConns: a.u32(DEST.PERSIST_CONNS) ?? 0,
    ...(stats ? { stats } : {}),
  };
}

export function decodeTimeouts(payload: Buffer): Timeouts {
  const a = parseAttrs(payload);
  return {
    tcpS: a.u32(CMD_ATTR.TIMEOUT_TCP) ?? 0,
    tcpFinS: a.u32(CMD_ATTR.TIMEOUT_TCP_FIN) ?? 0,
    udpS: a.u32(CMD_ATTR.TIMEOUT_UDP) ?? 0,
  };
}

export function decodeDaemon(payload: Buffer): SyncDaemon | undefined {
  const a = parseAttrs(payload).nested(CMD_ATTR.DAEMON);
  if (!a) return undefined;
  const state = a.u32(DAEMON.STATE);
  if (state !== DAEMON_STATE.master && state !== DAEMON_STATE.backup) return undefined;
  const g4 = a.get(DAEMON.MCAST_GROUP);
  const g6 = a.get(DAEMON.MCAST_GROUP6);
  const maxLen = a.u16(DAEMON.SYNC_MAXLEN);
  const port = a.u16(DAEMON.MCAST_PORT);
  const ttl = a.u8(DAEMON.MCAST_TTL);
  return {
    state: state === DAEMON_STATE.master ? 'master' : 'backup',
    interface: a.cstr(DAEMON.MCAST_IFN) ?? '',
    syncId: a.u32(DAEMON.SYNC_ID) ?? 0,
    ...(maxLen !== undefined ? { maxLen } : {}),
    ...(g6 ? { group: ipString(g6, 6) } : g4 ? { group: ipString(g4, 4) } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(ttl !== undefined ? { ttl } : {}),
  };
}

export function decodeInfo(payload: Buffer): { version: string; connTableSize: number } {
  const a = parseAttrs(payload);
  const v = a.u32(INFO.VERSION) ?? 0;
  return {
    version: `${(v >> 16) & 0xff}.${(v >> 8) & 0xff}.${v & 0xff}`,
    connTableSize: a.u32(INFO.CONN_TAB_SIZE) ?? 0,
  };
}
