/**
 * The IPVS generic netlink codec: request payloads (genl header + attributes)
 * from domain values, domain values from the kernel's replies. Pure.
 *
 * Numbers are the kernel's include/uapi/linux/ip_vs.h (command and attribute
 * enums, flag bits, tunnel types); attribute widths and byte orders follow the
 * nla_policy tables and fill functions in net/netfilter/ipvs/ip_vs_ctl.c:
 * ports are big-endian u16, addresses 16 bytes (union nf_inet_addr), an IPv4
 * persistence netmask is a big-endian mask and an IPv6 one a prefix length.
 */
import { ipBytes, ipString } from '../vrrp/checksum';
import { AttrDecodeError, AttrWriter, parseAttrs, read } from './attrs';
import {
  isFwmark,
  type DestStatus,
  type Family,
  type Forwarding,
  type IpvsDest,
  type IpvsService,
  type IpvsStats,
  type Protocol,
  type ServiceFlags,
  type ServiceKey,
  type ServiceStatus,
  type SyncDaemon,
  type Timeouts,
  type TunnelChecksum,
  type TunnelType,
} from './types';

export const IPVS_GENL_NAME = 'IPVS';
export const IPVS_GENL_VERSION = 1;

export const CMD = {
  NEW_SERVICE: 1,
  SET_SERVICE: 2,
  DEL_SERVICE: 3,
  GET_SERVICE: 4,
  NEW_DEST: 5,
  SET_DEST: 6,
  DEL_DEST: 7,
  GET_DEST: 8,
  NEW_DAEMON: 9,
  DEL_DAEMON: 10,
  GET_DAEMON: 11,
  SET_CONFIG: 12,
  GET_CONFIG: 13,
  SET_INFO: 14,
  GET_INFO: 15,
  ZERO: 16,
  FLUSH: 17,
} as const;

const CMD_ATTR = {
  SERVICE: 1,
  DEST: 2,
  DAEMON: 3,
  TIMEOUT_TCP: 4,
  TIMEOUT_TCP_FIN: 5,
  TIMEOUT_UDP: 6,
};
const SVC = {
  AF: 1,
  PROTOCOL: 2,
  ADDR: 3,
  PORT: 4,
  FWMARK: 5,
  SCHED_NAME: 6,
  FLAGS: 7,
  TIMEOUT: 8,
  NETMASK: 9,
  STATS: 10,
  PE_NAME: 11,
  STATS64: 12,
};
const DEST = {
  ADDR: 1,
  PORT: 2,
  FWD_METHOD: 3,
  WEIGHT: 4,
  U_THRESH: 5,
  L_THRESH: 6,
  ACTIVE_CONNS: 7,
  INACT_CONNS: 8,
  PERSIST_CONNS: 9,
  STATS: 10,
  ADDR_FAMILY: 11,
  STATS64: 12,
  TUN_TYPE: 13,
  TUN_PORT: 14,
  TUN_FLAGS: 15,
};
const DAEMON = {
  STATE: 1,
  MCAST_IFN: 2,
  SYNC_ID: 3,
  SYNC_MAXLEN: 4,
  MCAST_GROUP: 5,
  MCAST_GROUP6: 6,
  MCAST_PORT: 7,
  MCAST_TTL: 8,
};
const STATS = {
  CONNS: 1,
  INPKTS: 2,
  OUTPKTS: 3,
  INBYTES: 4,
  OUTBYTES: 5,
  CPS: 6,
  INPPS: 7,
  OUTPPS: 8,
  INBPS: 9,
  OUTBPS: 10,
};
const INFO = { VERSION: 1, CONN_TAB_SIZE: 2 };

const SVC_F = {
  PERSISTENT: 0x1,
  HASHED: 0x2,
  ONEPACKET: 0x4,
  SCHED1: 0x8,
  SCHED2: 0x10,
  SCHED3: 0x20,
};
const AF: Record<Family, number> = { 4: 2, 6: 10 };
const PROTO: Record<Protocol, number> = { TCP: 6, UDP: 17, SCTP: 132 };
const FWD: Record<Forwarding, number> = { NAT: 0, LOCAL: 1, TUN: 2, DR: 3 };
const TUN_TYPE: Record<TunnelType, number> = { ipip: 0, gue: 1, gre: 2 };
const TUN_CSUM: Record<TunnelChecksum, number> = { nocsum: 0, csum: 1, remcsum: 2 };
const DAEMON_STATE = { master: 1, backup: 2 } as const;

function invert<K extends string>(m: Record<K, number>): Map<number, K> {
  return new Map(Object.entries(m).map(([k, v]) => [v as number, k as K]));
}
const FAMILY_OF = invert<'4' | '6'>({ '4': 2, '6': 10 });
const PROTO_OF = invert(PROTO);
const FWD_OF = invert(FWD);
const TUN_TYPE_OF = invert(TUN_TYPE);
const TUN_CSUM_OF = invert(TUN_CSUM);

const addrCache = new Map<string, Buffer>();
/** union nf_inet_addr: 16 bytes, an IPv4 address in the first 4. Parsed once per address. */
function addr16(address: string): Buffer {
  let b = addrCache.get(address);
  if (!b) {
    b = Buffer.alloc(16);
    ipBytes(address).copy(b);
    if (addrCache.size > 100000) addrCache.clear();
    addrCache.set(address, b);
  }
  return b;
}

function maskValue(bits: number, family: Family): number {
  if (family === 6) return bits;
  const m = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  // Sent as a big-endian mask: the u32 whose little-endian bytes are the mask's network order.
  return ((m & 0xff) << 24) | ((m & 0xff00) << 8) | ((m >>> 8) & 0xff00) | (m >>> 24);
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

function flagBits(f: ServiceFlags, persistent: boolean): number {
  return (
    (persistent ? SVC_F.PERSISTENT : 0) |
    (f.onePacket ? SVC_F.ONEPACKET : 0) |
    (f.fallback ? SVC_F.SCHED1 : 0) |
    (f.port ? SVC_F.SCHED2 : 0) |
    (f.flag3 ? SVC_F.SCHED3 : 0)
  );
}

const FLAGS_BUF = Buffer.alloc(8);

/** IPVS_CMD_ATTR_SERVICE: the attributes that name it, and with `full` its settings. */
function writeService(w: AttrWriter, k: ServiceKey, full?: IpvsService): void {
  const at = w.nest(CMD_ATTR.SERVICE);
  w.u16(SVC.AF, AF[k.family]);
  if (isFwmark(k)) w.u32(SVC.FWMARK, k.fwmark);
  else
    w.u16(SVC.PROTOCOL, PROTO[k.protocol])
      .bytes(SVC.ADDR, addr16(k.address))
      .be16(SVC.PORT, k.port);
  if (full) {
    const p = full.persistence;
    FLAGS_BUF.writeUInt32LE(flagBits(full.flags, p !== undefined), 0);
    FLAGS_BUF.writeUInt32LE(0xffffffff, 4);
    w.cstr(SVC.SCHED_NAME, full.scheduler);
    if (p?.engine) w.cstr(SVC.PE_NAME, p.engine);
    w.bytes(SVC.FLAGS, FLAGS_BUF)
      .u32(SVC.TIMEOUT, p?.timeoutS ?? 0)
      .u32(SVC.NETMASK, maskValue(p?.netmaskBits ?? (k.family === 6 ? 128 : 32), k.family));
  }
  w.end(at);
}

function writeDest(w: AttrWriter, d: IpvsDest, full: boolean): void {
  const at = w.nest(CMD_ATTR.DEST);
  w.u16(DEST.ADDR_FAMILY, AF[d.family]).bytes(DEST.ADDR, addr16(d.address)).be16(DEST.PORT, d.port);
  if (full) {
    w.u32(DEST.FWD_METHOD, FWD[d.forwarding]).u32(DEST.WEIGHT, d.weight);
    if (d.forwarding === 'TUN' && d.tunnel) {
      w.u8(DEST.TUN_TYPE, TUN_TYPE[d.tunnel.type]);
      if (d.tunnel.port !== undefined) w.be16(DEST.TUN_PORT, d.tunnel.port);
      w.u16(DEST.TUN_FLAGS, TUN_CSUM[d.tunnel.checksum ?? 'nocsum']);
    }
    w.u32(DEST.U_THRESH, d.upperThreshold).u32(DEST.L_THRESH, d.lowerThreshold);
  }
  w.end(at);
}

const req = (cmd: number): AttrWriter => new AttrWriter(cmd, IPVS_GENL_VERSION);

function serviceRequest(cmd: number, k: ServiceKey, full?: IpvsService): Buffer {
  const w = req(cmd);
  writeService(w, k, full);
  return w.finish();
}

function destRequest(cmd: number, k: ServiceKey, d: IpvsDest, full: boolean): Buffer {
  const w = req(cmd);
  writeService(w, k);
  writeDest(w, d, full);
  return w.finish();
}

// ---- requests: each returns a genl payload (genl header + attributes)

export const encode = {
  newService: (s: IpvsService): Buffer => serviceRequest(CMD.NEW_SERVICE, s, s),
  setService: (s: IpvsService): Buffer => serviceRequest(CMD.SET_SERVICE, s, s),
  delService: (k: ServiceKey): Buffer => serviceRequest(CMD.DEL_SERVICE, k),
  getServices: (): Buffer => req(CMD.GET_SERVICE).finish(),
  newDest: (k: ServiceKey, d: IpvsDest): Buffer => destRequest(CMD.NEW_DEST, k, d, true),
  setDest: (k: ServiceKey, d: IpvsDest): Buffer => destRequest(CMD.SET_DEST, k, d, true),
  delDest: (k: ServiceKey, d: IpvsDest): Buffer => destRequest(CMD.DEL_DEST, k, d, false),
  getDests: (k: ServiceKey): Buffer => serviceRequest(CMD.GET_DEST, k),
  setTimeouts: (t: Timeouts): Buffer =>
    req(CMD.SET_CONFIG)
      .u32(CMD_ATTR.TIMEOUT_TCP, t.tcpS)
      .u32(CMD_ATTR.TIMEOUT_TCP_FIN, t.tcpFinS)
      .u32(CMD_ATTR.TIMEOUT_UDP, t.udpS)
      .finish(),
  getTimeouts: (): Buffer => req(CMD.GET_CONFIG).finish(),
  newDaemon: (d: SyncDaemon): Buffer => {
    const w = req(CMD.NEW_DAEMON);
    const at = w.nest(CMD_ATTR.DAEMON);
    w.u32(DAEMON.STATE, DAEMON_STATE[d.state])
      .cstr(DAEMON.MCAST_IFN, d.interface)
      .u32(DAEMON.SYNC_ID, d.syncId);
    if (d.maxLen !== undefined) w.u16(DAEMON.SYNC_MAXLEN, d.maxLen);
    if (d.group !== undefined)
      w.bytes(d.group.includes(':') ? DAEMON.MCAST_GROUP6 : DAEMON.MCAST_GROUP, ipBytes(d.group));
    if (d.port !== undefined) w.u16(DAEMON.MCAST_PORT, d.port);
    if (d.ttl !== undefined) w.u8(DAEMON.MCAST_TTL, d.ttl);
    return w.end(at).finish();
  },
  delDaemon: (state: SyncDaemon['state']): Buffer => {
    const w = req(CMD.DEL_DAEMON);
    const at = w.nest(CMD_ATTR.DAEMON);
    return w.u32(DAEMON.STATE, DAEMON_STATE[state]).end(at).finish();
  },
  getDaemons: (): Buffer => req(CMD.GET_DAEMON).finish(),
  getInfo: (): Buffer => req(CMD.GET_INFO).finish(),
  flush: (): Buffer => req(CMD.FLUSH).finish(),
  zero: (): Buffer => req(CMD.ZERO).finish(),
};

// ---- replies: each takes the attributes after the genl header

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new AttrDecodeError('MISSING', `${what} missing`);
  return v;
}

function family(b: Buffer | undefined, what: string): Family {
  const af = need(read.u16(b), what);
  const f = FAMILY_OF.get(af);
  if (!f) throw new AttrDecodeError('BAD_LENGTH', `${what}: unknown address family ${af}`);
  return Number(f) as Family;
}

function decodeStats(b: Buffer | undefined, wide: boolean): IpvsStats | undefined {
  if (!b) return undefined;
  const a = parseAttrs(b);
  const n = (t: number, w: boolean): number => (w ? read.u64(a.get(t)) : read.u32(a.get(t))) ?? 0;
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

function statsOf(a: Map<number, Buffer>, s32: number, s64: number): IpvsStats | undefined {
  return a.has(s64) ? decodeStats(a.get(s64), true) : decodeStats(a.get(s32), false);
}

export function decodeService(payload: Buffer): ServiceStatus {
  const top = parseAttrs(payload);
  const a = parseAttrs(need(top.get(CMD_ATTR.SERVICE), 'service attribute'));
  const fam = family(a.get(SVC.AF), 'service address family');
  const flagsBuf = need(a.get(SVC.FLAGS), 'service flags');
  const bits = need(read.u32(flagsBuf), 'service flags');
  const flags: ServiceFlags = {
    ...(bits & SVC_F.ONEPACKET ? { onePacket: true } : {}),
    ...(bits & SVC_F.SCHED1 ? { fallback: true } : {}),
    ...(bits & SVC_F.SCHED2 ? { port: true } : {}),
    ...(bits & SVC_F.SCHED3 ? { flag3: true } : {}),
  };
  const fwmark = read.u32(a.get(SVC.FWMARK));
  const key: ServiceKey =
    fwmark !== undefined && fwmark !== 0
      ? { family: fam, fwmark }
      : {
          family: fam,
          protocol: need(
            PROTO_OF.get(need(read.u16(a.get(SVC.PROTOCOL)), 'protocol')),
            'known protocol',
          ),
          address: ipString(need(a.get(SVC.ADDR), 'service address'), fam),
          port: need(read.be16(a.get(SVC.PORT)), 'service port'),
        };
  const engine = read.cstr(a.get(SVC.PE_NAME));
  const stats = statsOf(a, SVC.STATS, SVC.STATS64);
  return {
    ...key,
    scheduler: need(read.cstr(a.get(SVC.SCHED_NAME)), 'scheduler'),
    flags,
    ...(bits & SVC_F.PERSISTENT
      ? {
          persistence: {
            timeoutS: read.u32(a.get(SVC.TIMEOUT)) ?? 0,
            netmaskBits: bitsOfMask(need(a.get(SVC.NETMASK), 'netmask'), fam),
            ...(engine ? { engine } : {}),
          },
        }
      : {}),
    ...(stats ? { stats } : {}),
  };
}

export function decodeDest(payload: Buffer, serviceFamily: Family): DestStatus {
  const top = parseAttrs(payload);
  const a = parseAttrs(need(top.get(CMD_ATTR.DEST), 'destination attribute'));
  const fam = a.has(DEST.ADDR_FAMILY)
    ? family(a.get(DEST.ADDR_FAMILY), 'destination family')
    : serviceFamily;
  const fwdNum = need(read.u32(a.get(DEST.FWD_METHOD)), 'forwarding method') & 0x7;
  const forwarding = need(FWD_OF.get(fwdNum), `forwarding method ${fwdNum}`);
  const tunType = read.u8(a.get(DEST.TUN_TYPE));
  const tunPort = read.be16(a.get(DEST.TUN_PORT));
  const tunFlags = read.u16(a.get(DEST.TUN_FLAGS));
  const stats = statsOf(a, DEST.STATS, DEST.STATS64);
  return {
    family: fam,
    address: ipString(need(a.get(DEST.ADDR), 'destination address'), fam),
    port: need(read.be16(a.get(DEST.PORT)), 'destination port'),
    forwarding,
    weight: need(read.u32(a.get(DEST.WEIGHT)), 'weight') | 0,
    upperThreshold: read.u32(a.get(DEST.U_THRESH)) ?? 0,
    lowerThreshold: read.u32(a.get(DEST.L_THRESH)) ?? 0,
    ...(forwarding === 'TUN' && tunType !== undefined
      ? {
          tunnel: {
            type: TUN_TYPE_OF.get(tunType) ?? 'ipip',
            ...(tunType === TUN_TYPE.gue ? { port: tunPort ?? 0 } : {}),
            checksum: TUN_CSUM_OF.get(tunFlags ?? 0) ?? 'nocsum',
          },
        }
      : {}),
    activeConns: read.u32(a.get(DEST.ACTIVE_CONNS)) ?? 0,
    inactiveConns: read.u32(a.get(DEST.INACT_CONNS)) ?? 0,
    persistentConns: read.u32(a.get(DEST.PERSIST_CONNS)) ?? 0,
    ...(stats ? { stats } : {}),
  };
}

export function decodeTimeouts(payload: Buffer): Timeouts {
  const a = parseAttrs(payload);
  return {
    tcpS: read.u32(a.get(CMD_ATTR.TIMEOUT_TCP)) ?? 0,
    tcpFinS: read.u32(a.get(CMD_ATTR.TIMEOUT_TCP_FIN)) ?? 0,
    udpS: read.u32(a.get(CMD_ATTR.TIMEOUT_UDP)) ?? 0,
  };
}

export function decodeDaemon(payload: Buffer): SyncDaemon | undefined {
  const d = parseAttrs(payload).get(CMD_ATTR.DAEMON);
  if (!d) return undefined;
  const a = parseAttrs(d);
  const state = read.u32(a.get(DAEMON.STATE));
  if (state !== DAEMON_STATE.master && state !== DAEMON_STATE.backup) return undefined;
  const g4 = a.get(DAEMON.MCAST_GROUP);
  const g6 = a.get(DAEMON.MCAST_GROUP6);
  const maxLen = read.u16(a.get(DAEMON.SYNC_MAXLEN));
  const port = read.u16(a.get(DAEMON.MCAST_PORT));
  const ttl = read.u8(a.get(DAEMON.MCAST_TTL));
  return {
    state: state === DAEMON_STATE.master ? 'master' : 'backup',
    interface: read.cstr(a.get(DAEMON.MCAST_IFN)) ?? '',
    syncId: read.u32(a.get(DAEMON.SYNC_ID)) ?? 0,
    ...(maxLen !== undefined ? { maxLen } : {}),
    ...(g6 ? { group: ipString(g6, 6) } : g4 ? { group: ipString(g4, 4) } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(ttl !== undefined ? { ttl } : {}),
  };
}

export function decodeInfo(payload: Buffer): { version: string; connTableSize: number } {
  const a = parseAttrs(payload);
  const v = read.u32(a.get(INFO.VERSION)) ?? 0;
  return {
    version: `${(v >> 16) & 0xff}.${(v >> 8) & 0xff}.${v & 0xff}`,
    connTableSize: read.u32(a.get(INFO.CONN_TAB_SIZE)) ?? 0,
  };
}
