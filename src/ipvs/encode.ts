/**
 * IPVS requests: the genl header and attributes for each command, from domain
 * values. Ports are big-endian u16, addresses 16 bytes (union nf_inet_addr),
 * an IPv4 persistence netmask a big-endian mask and an IPv6 one a prefix
 * length (ip_vs_ctl.c). Pure (one address cache aside).
 */
import { ipBytes } from '../vrrp/checksum';
import { AttrWriter } from '../platform/netlink-attrs';
import {
  isFwmark,
  type Family,
  type IpvsDest,
  type IpvsService,
  type ServiceFlags,
  type ServiceKey,
  type SyncDaemon,
  type Timeouts,
} from './types';
import {
  AF,
  CMD,
  CMD_ATTR,
  DAEMON,
  DAEMON_STATE,
  DEST,
  FWD,
  IPVS_GENL_VERSION,
  PROTO,
  SVC,
  SVC_F,
  TUN_CSUM,
  TUN_TYPE,
} from './uapi';

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

function serviceRequest(w: AttrWriter, cmd: number, k: ServiceKey, full?: IpvsService): void {
  writeService(w.genl(cmd, IPVS_GENL_VERSION), k, full);
}

function destRequest(w: AttrWriter, cmd: number, k: ServiceKey, d: IpvsDest, full: boolean): void {
  writeService(w.genl(cmd, IPVS_GENL_VERSION), k);
  writeDest(w, d, full);
}

/** The table-changing requests, appended to a writer (a batch of many). */
export const encodeInto = {
  newService: (w: AttrWriter, s: IpvsService): void => serviceRequest(w, CMD.NEW_SERVICE, s, s),
  setService: (w: AttrWriter, s: IpvsService): void => serviceRequest(w, CMD.SET_SERVICE, s, s),
  delService: (w: AttrWriter, k: ServiceKey): void => serviceRequest(w, CMD.DEL_SERVICE, k),
  newDest: (w: AttrWriter, k: ServiceKey, d: IpvsDest): void =>
    destRequest(w, CMD.NEW_DEST, k, d, true),
  setDest: (w: AttrWriter, k: ServiceKey, d: IpvsDest): void =>
    destRequest(w, CMD.SET_DEST, k, d, true),
  delDest: (w: AttrWriter, k: ServiceKey, d: IpvsDest): void =>
    destRequest(w, CMD.DEL_DEST, k, d, false),
};

const req = (cmd: number): AttrWriter => AttrWriter.request(cmd, IPVS_GENL_VERSION);
const one = (write: (w: AttrWriter) => void): Buffer => {
  const w = new AttrWriter();
  write(w);
  return w.finish();
};

// ---- requests: each returns a genl payload (genl header + attributes)

export const encode = {
  newService: (s: IpvsService): Buffer => one((w) => encodeInto.newService(w, s)),
  setService: (s: IpvsService): Buffer => one((w) => encodeInto.setService(w, s)),
  delService: (k: ServiceKey): Buffer => one((w) => encodeInto.delService(w, k)),
  getServices: (): Buffer => req(CMD.GET_SERVICE).finish(),
  newDest: (k: ServiceKey, d: IpvsDest): Buffer => one((w) => encodeInto.newDest(w, k, d)),
  setDest: (k: ServiceKey, d: IpvsDest): Buffer => one((w) => encodeInto.setDest(w, k, d)),
  delDest: (k: ServiceKey, d: IpvsDest): Buffer => one((w) => encodeInto.delDest(w, k, d)),
  getDests: (k: ServiceKey): Buffer => one((w) => serviceRequest(w, CMD.GET_DEST, k)),
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
