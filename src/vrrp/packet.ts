/**
 * VRRP advertisements on the wire: VRRPv2 (RFC 3768: IPv4, auth none/PASS/AH,
 * advert interval in seconds, checksum over the message only) and VRRPv3
 * (RFC 5798: IPv4 and IPv6, max advert interval in centiseconds, checksum
 * over the pseudo-header). Pure: bytes in, a typed advert or a drop reason out.
 * Only the packet's own validity is checked here; whether it matches an
 * instance (VRID, auth, interval, addresses) is receive-check.ts's business.
 */
import { fold, ipBytes, ipString, pseudoHeaderSum, sum16 } from './checksum';

export const VRRP_PROTOCOL = 112;
export const VRRP_MCAST4 = '224.0.0.18';
export const VRRP_MCAST6 = 'ff02::12';

export type AuthType = 'none' | 'pass' | 'ah';
const AUTH_CODES: Record<AuthType, number> = { none: 0, pass: 1, ah: 2 };

export interface Advert {
  readonly version: 2 | 3;
  readonly vrid: number;
  readonly priority: number;
  /** v2: whole seconds; v3: centiseconds. Kept in centiseconds for both. */
  readonly advertIntervalCs: number;
  readonly addresses: readonly string[];
  /** v2 only. */
  readonly authType: AuthType;
  /** v2 only: the 8 auth bytes (the password for PASS, zero-padded). */
  readonly authData: Buffer;
}

export interface Addressing {
  readonly family: 4 | 6;
  /** Source and destination of the IP packet: v3 checksums cover them. */
  readonly src: string;
  readonly dst: string;
  /** keepalived v3_checksum_as_v2: leave the IPv4 pseudo-header out. */
  readonly checksumAsV2?: boolean;
  /**
   * Bytes after the message (auth_hmac's trailer, auth-hmac.ts): outside the
   * IPv4 checksum, inside the IPv6 one (the kernel sums the whole payload).
   */
  readonly trailerLen?: number;
}

export type DropReason =
  | 'too-short'
  | 'bad-version'
  | 'bad-type'
  | 'bad-length'
  | 'bad-checksum'
  | 'bad-auth-type'
  | 'bad-interval';

export type Decoded =
  | { readonly ok: true; readonly advert: Advert; readonly checksum: number }
  | { readonly ok: false; readonly reason: DropReason };

function headerAndBody(a: Advert, family: 4 | 6): Buffer {
  const addrLen = family === 4 ? 4 : 16;
  const auth = a.version === 2 ? 8 : 0;
  const buf = Buffer.alloc(8 + a.addresses.length * addrLen + auth);
  buf[0] = (a.version << 4) | 1;
  buf[1] = a.vrid;
  buf[2] = a.priority;
  buf[3] = a.addresses.length;
  if (a.version === 2) {
    buf[4] = AUTH_CODES[a.authType];
    buf[5] = Math.round(a.advertIntervalCs / 100);
  } else {
    buf.writeUInt16BE(a.advertIntervalCs & 0x0fff, 4);
  }
  a.addresses.forEach((ip, i) => ipBytes(ip).copy(buf, 8 + i * addrLen));
  if (a.version === 2) a.authData.copy(buf, 8 + a.addresses.length * addrLen, 0, 8);
  return buf;
}

function checksumOf(msg: Buffer, a: { version: 2 | 3 }, at: Addressing): number {
  const copy = Buffer.from(msg);
  copy.writeUInt16BE(0, 6);
  if (a.version === 2 || (at.family === 4 && at.checksumAsV2)) return fold(sum16(copy));
  return fold(sum16(copy, pseudoHeaderSum(at.src, at.dst, copy.length)));
}

export function encodeAdvert(a: Advert, at: Addressing): Buffer {
  if (a.version === 2 && at.family === 6) throw new Error('VRRPv2 carries IPv4 only');
  const msg = headerAndBody(a, at.family);
  msg.writeUInt16BE(checksumOf(msg, a, at), 6);
  return msg;
}

/** The message's length as its header says (count of addresses, v2's auth bytes); 0 when too short to say. */
export function messageLength(buf: Buffer, family: 4 | 6): number {
  if (buf.length < 8) return 0;
  return 8 + (buf[3] as number) * (family === 4 ? 4 : 16) + ((buf[0] as number) >> 4 === 2 ? 8 : 0);
}

export function passwordBytes(password: string): Buffer {
  const out = Buffer.alloc(8);
  Buffer.from(password, 'utf8').copy(out, 0, 0, 8);
  return out;
}

export function decodeAdvert(buf: Buffer, at: Addressing): Decoded {
  if (buf.length < 8) return { ok: false, reason: 'too-short' };
  const version = (buf[0] as number) >> 4;
  if (version !== 2 && version !== 3) return { ok: false, reason: 'bad-version' };
  if (((buf[0] as number) & 0x0f) !== 1) return { ok: false, reason: 'bad-type' };
  if (version === 2 && at.family === 6) return { ok: false, reason: 'bad-version' };
  const count = buf[3] as number;
  const addrLen = at.family === 4 ? 4 : 16;
  const expected = 8 + count * addrLen + (version === 2 ? 8 : 0);
  if (buf.length !== expected + (at.trailerLen ?? 0)) return { ok: false, reason: 'bad-length' };
  const checksum = buf.readUInt16BE(6);
  const summed = at.family === 6 ? buf : buf.subarray(0, expected);
  if (checksumOf(summed, { version }, at) !== checksum)
    return { ok: false, reason: 'bad-checksum' };
  const addresses: string[] = [];
  for (let i = 0; i < count; i++)
    addresses.push(ipString(buf.subarray(8 + i * addrLen, 8 + (i + 1) * addrLen), at.family));
  let authType: AuthType = 'none';
  let advertIntervalCs: number;
  if (version === 2) {
    const code = buf[4] as number;
    const found = (Object.entries(AUTH_CODES) as Array<[AuthType, number]>).find(
      ([, c]) => c === code,
    );
    if (!found) return { ok: false, reason: 'bad-auth-type' };
    authType = found[0];
    advertIntervalCs = (buf[5] as number) * 100;
  } else {
    advertIntervalCs = buf.readUInt16BE(4) & 0x0fff;
  }
  if (advertIntervalCs === 0) return { ok: false, reason: 'bad-interval' };
  return {
    ok: true,
    checksum,
    advert: {
      version,
      vrid: buf[1] as number,
      priority: buf[2] as number,
      advertIntervalCs,
      addresses,
      authType,
      authData: version === 2 ? Buffer.from(buf.subarray(expected - 8, expected)) : Buffer.alloc(0),
    },
  };
}
