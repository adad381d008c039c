/** The IPv4 header a raw IPv4 socket hands over with each packet (pure). */
import { ipString } from '../checksum';

export interface Ipv4Packet {
  readonly src: string;
  readonly dst: string;
  readonly ttl: number;
  readonly protocol: number;
  readonly payload: Buffer;
}

export function parseIpv4(buf: Buffer): Ipv4Packet | undefined {
  if (buf.length < 20 || (buf[0] as number) >> 4 !== 4) return undefined;
  const ihl = ((buf[0] as number) & 0x0f) * 4;
  const total = buf.readUInt16BE(2);
  if (ihl < 20 || total < ihl || total > buf.length) return undefined;
  return {
    ttl: buf[8] as number,
    protocol: buf[9] as number,
    src: ipString(buf.subarray(12, 16), 4),
    dst: ipString(buf.subarray(16, 20), 4),
    payload: buf.subarray(ihl, total),
  };
}
