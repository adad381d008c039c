/**
 * VRRPv2 `auth_type AH` as keepalived 2.2.7 sends and checks it (RFC 2338
 * §5.3.6.3 with RFC 2402 AH): the IPv4 packet carries protocol 51, then an
 * AH header (next header 112, payload length 4, SPI = the source address, a
 * sequence number, 96 bits of ICV), then the VRRP advert (auth type 2, its 8
 * auth bytes zero). The ICV is HMAC-MD5 keyed by the password (8 bytes, zero
 * padded) over the IP header with tos, frag_off and the checksum zeroed (and
 * the TTL for unicast), the AH header with its ICV zeroed, and the advert.
 * The IP ID is covered, so the sender sets it. Pure.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ipBytes } from './checksum';

export const IPPROTO_AH = 51;
const IPPROTO_VRRP = 112;
export const AH_LEN = 24;
const ICV_AT = 12;
const ICV_LEN = 12;

export interface AhFields {
  readonly src: string;
  readonly dst: string;
  readonly ttl: number;
  /** IP ID, 1..65535 (0 would let the kernel choose one the ICV does not cover). */
  readonly id: number;
  readonly seq: number;
  /** Unicast adverts leave the TTL out of the ICV (it may change on the way). */
  readonly unicast: boolean;
}

function icv(packet: Buffer, ihl: number, key: Buffer, unicast: boolean): Buffer {
  const head = Buffer.from(packet.subarray(0, ihl + AH_LEN));
  head[1] = 0; // tos
  head.writeUInt16BE(0, 6); // flags and fragment offset
  head.writeUInt16BE(0, 10); // header checksum
  if (unicast) head[8] = 0;
  head.fill(0, ihl + ICV_AT, ihl + ICV_AT + ICV_LEN);
  return createHmac('md5', key)
    .update(head)
    .update(packet.subarray(ihl + AH_LEN))
    .digest()
    .subarray(0, ICV_LEN);
}

/** The whole IPv4 packet for a raw IPPROTO_RAW socket (the kernel fills only the checksum). */
export function buildAhPacket(vrrp: Buffer, f: AhFields, key: Buffer): Buffer {
  const total = 20 + AH_LEN + vrrp.length;
  const p = Buffer.alloc(total);
  const src = ipBytes(f.src);
  p[0] = 0x45;
  p[1] = 0xc0; // internet network control, as keepalived
  p.writeUInt16BE(total, 2);
  p.writeUInt16BE(f.id, 4);
  p[8] = f.ttl;
  p[9] = IPPROTO_AH;
  src.copy(p, 12);
  ipBytes(f.dst).copy(p, 16);
  p[20] = IPPROTO_VRRP;
  p[21] = AH_LEN / 4 - 2;
  src.copy(p, 24); // SPI: the sender's address
  p.writeUInt32BE(f.seq >>> 0, 28);
  vrrp.copy(p, 20 + AH_LEN);
  icv(p, 20, key, f.unicast).copy(p, 20 + ICV_AT);
  return p;
}

export type AhChecked =
  | { readonly ok: true; readonly seq: number; readonly vrrp: Buffer }
  | { readonly ok: false; readonly reason: 'too-short' | 'auth-failure' };

/**
 * Checks a received IPv4 packet of protocol 51 (its IP header included): the
 * AH header is for VRRP, the ICV is right for `key`, the SPI is the source.
 * The sequence number's replay check is the caller's (it holds the counter).
 */
export function checkAh(packet: Buffer, key: Buffer, unicast: boolean): AhChecked {
  if (packet.length < 20) return { ok: false, reason: 'too-short' };
  const ihl = ((packet[0] as number) & 0x0f) * 4;
  const total = packet.readUInt16BE(2);
  if (ihl < 20 || total > packet.length || total < ihl + AH_LEN + 8)
    return { ok: false, reason: 'too-short' };
  const p = packet.subarray(0, total);
  if (p[ihl] !== IPPROTO_VRRP) return { ok: false, reason: 'auth-failure' };
  const got = p.subarray(ihl + ICV_AT, ihl + ICV_AT + ICV_LEN);
  if (!timingSafeEqual(got, icv(p, ihl, key, unicast)))
    return { ok: false, reason: 'auth-failure' };
  if (!p.subarray(ihl + 4, ihl + 8).equals(p.subarray(12, 16)))
    return { ok: false, reason: 'auth-failure' };
  return { ok: true, seq: p.readUInt32BE(ihl + 8), vrrp: p.subarray(ihl + AH_LEN) };
}
