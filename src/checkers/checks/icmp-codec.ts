/** ICMP / ICMPv6 echo messages (RFC 792, RFC 4443 4.1), pure. */
export const ICMP_ECHO_REQUEST = 8;
export const ICMP_ECHO_REPLY = 0;
export const ICMP6_ECHO_REQUEST = 128;
export const ICMP6_ECHO_REPLY = 129;

export interface Echo {
  readonly type: number;
  readonly id: number;
  readonly seq: number;
  readonly data: Buffer;
}

/** The Internet checksum (RFC 1071). */
export function inetChecksum(b: Buffer): number {
  let sum = 0;
  for (let i = 0; i + 1 < b.length; i += 2) sum += b.readUInt16BE(i);
  if (b.length % 2) sum += (b[b.length - 1] as number) << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** An echo request; for ICMPv6 the kernel fills the checksum (it needs the pseudo-header). */
export function encodeEcho(family: 4 | 6, id: number, seq: number, data: Buffer): Buffer {
  const b = Buffer.concat([Buffer.alloc(8), data]);
  b[0] = family === 4 ? ICMP_ECHO_REQUEST : ICMP6_ECHO_REQUEST;
  b.writeUInt16BE(id & 0xffff, 4);
  b.writeUInt16BE(seq & 0xffff, 6);
  if (family === 4) b.writeUInt16BE(inetChecksum(b), 2);
  return b;
}

/**
 * An echo reply from what a raw socket delivers: IPv4 with its IP header,
 * IPv6 without. Undefined for anything else (other ICMP types, short).
 */
export function decodeEchoReply(family: 4 | 6, packet: Buffer): Echo | undefined {
  let icmp = packet;
  if (family === 4) {
    if (packet.length < 20) return undefined;
    icmp = packet.subarray(((packet[0] as number) & 0x0f) * 4);
  }
  if (icmp.length < 8) return undefined;
  const type = icmp[0] as number;
  if (type !== (family === 4 ? ICMP_ECHO_REPLY : ICMP6_ECHO_REPLY)) return undefined;
  return { type, id: icmp.readUInt16BE(4), seq: icmp.readUInt16BE(6), data: icmp.subarray(8) };
}

/** The source address of an IPv4 packet, dotted. */
export function ipv4Source(packet: Buffer): string {
  return packet.length >= 20 ? [...packet.subarray(12, 16)].join('.') : '';
}
