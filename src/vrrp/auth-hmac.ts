/**
 * `auth_hmac`, keepalived 2.4's advert authentication: a 28-byte trailer after
 * the VRRP message, for v2 and v3, IPv4 and IPv6, unicast and multicast.
 *
 *   ext_type (1 = HMAC-SHA256/128) | key_id | reserved (0) | sec (32) |
 *   subsec (16, 1/65536 s) | ctr (16) | HMAC (16)
 *
 * The HMAC (SHA-256, truncated to 16 bytes) covers a 20-byte pseudo-header
 * (4 or 6, the VRRP version, the VRID, 0, the source address zero-padded to
 * 16 bytes), the message with its checksum read as zero, the trailer up to
 * the HMAC, and 16 zero bytes. The IP header and the destination are not
 * covered: one signed advert serves every unicast peer. sec.subsec.ctr is a
 * 64-bit sequence taken from the wall clock; a receiver drops a sequence that
 * does not grow (per unicast peer, or per multicast source in a table of 4)
 * and, in `time` mode, one whose seconds are more than time_window away from
 * its own clock. Pure: the wall clock is injected.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ipBytes } from './checksum';

export const TRAILER_LEN = 28;
const EXT_SHA256 = 1;
const HMAC_AT = 12;
const HMAC_LEN = 16;
const MCAST_SENDERS = 4;

export type HmacMode = 'enforce' | 'permissive' | 'receive-only';

export interface HmacKey {
  readonly id: number;
  /** Not enumerable: a dump of the config (`halb check --json`) never shows it. */
  readonly bytes: Buffer;
  /** What a dump and a reload's comparison see instead. */
  readonly fingerprint: string;
}

/** A key whose bytes stay out of JSON. */
export function hmacKey(id: number, bytes: Buffer): HmacKey {
  const k = { id, fingerprint: keyFingerprint(bytes) };
  Object.defineProperty(k, 'bytes', { value: bytes, enumerable: false });
  return k as HmacKey;
}

export interface HmacSettings {
  readonly keys: readonly HmacKey[];
  readonly activeKey: number;
  readonly mode: HmacMode;
  /** anti_replay time (true) or monotonic. */
  readonly antiReplayTime: boolean;
  readonly timeWindowS: number;
}

/** What the HMAC binds besides the message: the instance and the claimed sender. */
export interface HmacContext {
  readonly family: 4 | 6;
  readonly version: 2 | 3;
  readonly vrid: number;
}

export type HmacVerdict =
  | 'ok'
  | 'auth-missing'
  | 'auth-malformed'
  | 'auth-unknown-key'
  | 'auth-bad-hmac'
  | 'auth-stale'
  | 'auth-replay';

const ZERO_HMAC = Buffer.alloc(HMAC_LEN);
const ZERO_CHECKSUM = Buffer.alloc(2);
const TWO64 = 1n << 64n;

function pseudoHeader(ctx: HmacContext, src: string): Buffer {
  const p = Buffer.alloc(20);
  p[0] = ctx.family;
  p[1] = ctx.version;
  p[2] = ctx.vrid;
  ipBytes(src).copy(p, 4);
  return p;
}

/** The 16-byte HMAC of a message (checksum at offset 6) and its trailer's first 12 bytes. */
export function trailerHmac(
  key: Buffer,
  ctx: HmacContext,
  src: string,
  msg: Buffer,
  trailerHead: Buffer,
): Buffer {
  return createHmac('sha256', key)
    .update(pseudoHeader(ctx, src))
    .update(msg.subarray(0, 6))
    .update(ZERO_CHECKSUM)
    .update(msg.subarray(8))
    .update(trailerHead.subarray(0, HMAC_AT))
    .update(ZERO_HMAC)
    .digest()
    .subarray(0, HMAC_LEN);
}

/** RFC 1982 serial arithmetic on 64 bits: a comes after b. */
function after(a: bigint, b: bigint): boolean {
  return BigInt.asIntN(64, a - b) > 0n;
}

/** The wall clock as a sequence: seconds in the top 32 bits, 1/65536 s in the next 16, counter 0. */
function clockSeq(wallMs: number): bigint {
  const sec = Math.floor(wallMs / 1000);
  const subsec = Math.floor(((wallMs - sec * 1000) * 65536) / 1000);
  return ((BigInt(sec >>> 0) << 32n) | (BigInt(subsec) << 16n)) % TWO64;
}

function seqOf(trailer: Buffer): bigint {
  return (
    (BigInt(trailer.readUInt32BE(4)) << 32n) |
    (BigInt(trailer.readUInt16BE(8)) << 16n) |
    BigInt(trailer.readUInt16BE(10))
  );
}

/** Seconds from the sender's stamp to our clock, as a signed 32-bit difference. */
function skewS(wallMs: number, sec: number): number {
  return ((Math.floor(wallMs / 1000) >>> 0) - sec) | 0;
}

/** A key's identity for comparisons and dumps, never the key itself. */
export function keyFingerprint(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}

interface ReplayMark {
  seq: bigint;
}

/** One instance's signing and checking, with its sequence and replay state. */
export class HmacAuth {
  private sendSeq = 0n;
  /** Unicast: one mark per configured peer (by address bytes, hex). */
  private readonly peers = new Map<string, ReplayMark>();
  /** Multicast: the last few senders, least recently used evicted. */
  private readonly senders: Array<{ src: string; mark: ReplayMark | undefined; used: number }> = [];
  private lru = 0;

  constructor(
    private settings: HmacSettings,
    private readonly ctx: HmacContext,
    private readonly wallMs: () => number,
  ) {}

  /** A reload that changed only keys, active key, mode or window: the sequence state stays. */
  update(settings: HmacSettings): void {
    this.settings = settings;
  }

  get mode(): HmacMode {
    return this.settings.mode;
  }

  /** Adverts carry a trailer (receive-only sends none). */
  get signs(): boolean {
    return this.settings.mode !== 'receive-only';
  }

  private nextSeq(): bigint {
    const clk = clockSeq(this.wallMs());
    if (after(clk, this.sendSeq)) {
      this.sendSeq = clk;
      return clk;
    }
    // A clock stepped back strands the sequence ahead: in time mode restart
    // from the clock once it is past what receivers accept.
    const ahead = (Number(this.sendSeq >> 32n) - Number(clk >> 32n)) | 0;
    this.sendSeq =
      this.settings.antiReplayTime && ahead > this.settings.timeWindowS
        ? clk
        : (this.sendSeq + 1n) % TWO64;
    return this.sendSeq;
  }

  /** The trailer for a message about to go out from `src` (one per advert, whatever the peers). */
  sign(msg: Buffer, src: string): Buffer {
    const t = Buffer.alloc(TRAILER_LEN);
    const seq = this.nextSeq();
    t[0] = EXT_SHA256;
    t[1] = this.settings.activeKey;
    t.writeUInt32BE(Number(seq >> 32n), 4);
    t.writeUInt16BE(Number((seq >> 16n) & 0xffffn), 8);
    t.writeUInt16BE(Number(seq & 0xffffn), 10);
    const key = this.settings.keys.find((k) => k.id === this.settings.activeKey);
    // No key: a zero HMAC, which every receiver rejects (config checks make this unreachable).
    if (key) trailerHmac(key.bytes, this.ctx, src, msg, t).copy(t, HMAC_AT);
    return t;
  }

  /**
   * Checks a received message and its trailer (undefined: it came without
   * one). `peer`: the unicast peer it came from, as configured; undefined
   * for multicast. The replay mark moves only for a packet whose HMAC holds.
   */
  verify(
    msg: Buffer,
    trailer: Buffer | undefined,
    src: string,
    peer: string | undefined,
  ): { verdict: HmacVerdict; skewS: number } {
    const s = this.settings;
    if (!trailer) return { verdict: s.mode === 'enforce' ? 'auth-missing' : 'ok', skewS: 0 };
    if (trailer[0] !== EXT_SHA256 || trailer.readUInt16BE(2) !== 0)
      return { verdict: 'auth-malformed', skewS: 0 };
    const now = this.wallMs();
    const skew = skewS(now, trailer.readUInt32BE(4));
    // Before the digest: a flood of old captures costs no HMAC each.
    if (s.antiReplayTime && Math.abs(skew) > s.timeWindowS)
      return { verdict: 'auth-stale', skewS: skew };
    const key = s.keys.find((k) => k.id === trailer[1]);
    if (!key) return { verdict: 'auth-unknown-key', skewS: skew };
    const want = trailerHmac(key.bytes, this.ctx, src, msg, trailer);
    if (!timingSafeEqual(want, trailer.subarray(HMAC_AT, HMAC_AT + HMAC_LEN)))
      return { verdict: 'auth-bad-hmac', skewS: skew };
    const slot = peer === undefined ? this.senderSlot(src) : this.peerSlot(peer);
    const seq = seqOf(trailer);
    const mark = slot.get();
    // A mark outside the window only orders what the window already drops:
    // expiring it lets a sender whose clock was stepped back in again.
    const expired =
      mark !== undefined &&
      s.antiReplayTime &&
      Math.abs(skewS(now, Number(mark.seq >> 32n))) > s.timeWindowS;
    if (mark && !expired && !after(seq, mark.seq)) return { verdict: 'auth-replay', skewS: skew };
    slot.set({ seq });
    return { verdict: 'ok', skewS: skew };
  }

  private peerSlot(peer: string): { get(): ReplayMark | undefined; set(m: ReplayMark): void } {
    const id = ipBytes(peer).toString('hex');
    return { get: () => this.peers.get(id), set: (m) => void this.peers.set(id, m) };
  }

  private senderSlot(src: string): { get(): ReplayMark | undefined; set(m: ReplayMark): void } {
    const id = ipBytes(src).toString('hex');
    let entry = this.senders.find((e) => e.src === id);
    if (!entry) {
      if (this.senders.length < MCAST_SENDERS) {
        entry = { src: id, mark: undefined, used: 0 };
        this.senders.push(entry);
      } else {
        entry = this.senders.reduce((a, b) => (b.used < a.used ? b : a));
        entry.src = id;
        entry.mark = undefined;
      }
    }
    const e = entry;
    e.used = ++this.lru;
    return { get: () => e.mark, set: (m) => void (e.mark = m) };
  }
}
