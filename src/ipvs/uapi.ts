/**
 * The numbers of the kernel's IPVS generic netlink interface, from
 * include/uapi/linux/ip_vs.h: family name and version, commands, attribute
 * enums (each attribute's width and byte order is in encode.ts / decode.ts,
 * from the nla_policy tables and fill functions of
 * net/netfilter/ipvs/ip_vs_ctl.c), service flags, forwarding methods, tunnel
 * types and checksum flags, sync daemon states.
 */
import type { Family, Forwarding, Protocol, TunnelChecksum, TunnelType } from './types';

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

export const CMD_ATTR = {
  SERVICE: 1,
  DEST: 2,
  DAEMON: 3,
  TIMEOUT_TCP: 4,
  TIMEOUT_TCP_FIN: 5,
  TIMEOUT_UDP: 6,
};
export const SVC = {
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
export const DEST = {
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
export const DAEMON = {
  STATE: 1,
  MCAST_IFN: 2,
  SYNC_ID: 3,
  SYNC_MAXLEN: 4,
  MCAST_GROUP: 5,
  MCAST_GROUP6: 6,
  MCAST_PORT: 7,
  MCAST_TTL: 8,
};
export const STATS = {
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
export const INFO = { VERSION: 1, CONN_TAB_SIZE: 2 };

export const SVC_F = {
  PERSISTENT: 0x1,
  HASHED: 0x2,
  ONEPACKET: 0x4,
  SCHED1: 0x8,
  SCHED2: 0x10,
  SCHED3: 0x20,
};
export const AF: Record<Family, number> = { 4: 2, 6: 10 };
export const PROTO: Record<Protocol, number> = { TCP: 6, UDP: 17, SCTP: 132 };
export const FWD: Record<Forwarding, number> = { NAT: 0, LOCAL: 1, TUN: 2, DR: 3 };
export const TUN_TYPE: Record<TunnelType, number> = { ipip: 0, gue: 1, gre: 2 };
export const TUN_CSUM: Record<TunnelChecksum, number> = { nocsum: 0, csum: 1, remcsum: 2 };
export const DAEMON_STATE = { master: 1, backup: 2 } as const;

function invert<K extends string>(m: Record<K, number>): Map<number, K> {
  return new Map(Object.entries(m).map(([k, v]) => [v as number, k as K]));
}
export const FAMILY_OF = invert<'4' | '6'>({ '4': 2, '6': 10 });
export const PROTO_OF = invert(PROTO);
export const FWD_OF = invert(FWD);
export const TUN_TYPE_OF = invert(TUN_TYPE);
export const TUN_CSUM_OF = invert(TUN_CSUM);
