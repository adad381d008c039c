/** The IPv4 header a raw IPv4 socket hands over with each packet (pure). */
import { ipString } from '../checksum';

export interface Ipv4Packet {
  readonly src: string;
  readonly dst: string;
  /** The TTL, named as the VRRP receive path names it for both families. */
  readonly hopLimit: number;
  readonly protocol: number;
  readonly payload: Buffer;
}

/**
 * Dotted quads by address: the same few peers and the group send every
 * second, so each string is made once (bounded: cleared when it fills).
 */
const names = new Map<number, string>();

function ipv4Name(buf: Buffer, at: number): string {
  const key = buf.readUInt32BE(at);
  let s = names.get(key);
  if (s === undefined) {
    if (names.size >= 1024) names.clear();
    s = ipString(buf.subarray(at, at + 4), 4);
    names.set(key, s);
  }
  return s;
}

export function parseIpv4(buf: Buffer): Ipv4Packet | undefined {
  if (buf.length < 20 || (buf[0] as number) >> 4 !== 4) return undefined;
  const ihl = ((buf[0] as number) & 0x0f) * 4;
  const total = buf.readUInt16BE(2);
  if (ihl < 20 || total < ihl || total > buf.length) return undefined;
  return {
    hopLimit: buf[8] as number,
    protocol: buf[9] as number,
    src: ipv4Name(buf, 12),
    dst: ipv4Name(buf, 16),
    payload: buf.subarray(ihl, total),
  };
}
