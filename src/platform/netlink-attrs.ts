/**
 * Netlink attributes (struct nlattr: u16 length, u16 type, payload padded to 4
 * bytes), the small part of the format the IPVS and nftables codecs need. Pure.
 */

const NLA_HDRLEN = 4;
const NLMSG_HDRLEN = 16;
/** Flags the kernel may set in nla_type (NLA_F_NESTED, NLA_F_NET_BYTEORDER). */
const NLA_TYPE_MASK = 0x3fff;

/**
 * Writes attributes straight into one growing buffer: a request is built
 * without a Buffer per attribute (programming 10,000 destinations is 10,000
 * requests; on a slow CPU the allocations were most of the cost). Several
 * netlink messages can go into one writer back to back (message() and
 * endMessage()), so a whole batch is one buffer written once.
 */
export class AttrWriter {
  private buf: Buffer;
  private off = 0;

  constructor(sizeHint = 128) {
    this.buf = Buffer.allocUnsafe(sizeHint);
  }

  /** A writer holding the 4-byte genl header (cmd, version, reserved). */
  static request(cmd: number, version: number, sizeHint = 128): AttrWriter {
    return new AttrWriter(sizeHint).genl(cmd, version);
  }

  /** Appends a genl header: the attributes that follow are its payload. */
  genl(cmd: number, version: number): this {
    this.room(4);
    this.buf.writeUInt32LE(0, this.off);
    this.buf[this.off] = cmd;
    this.buf[this.off + 1] = version;
    this.off += 4;
    return this;
  }

  /** Reserves an nlmsghdr (16 bytes); endMessage() fills it in. Returns its offset. */
  message(): number {
    const at = this.off;
    this.room(NLMSG_HDRLEN);
    this.off += NLMSG_HDRLEN;
    return at;
  }

  /** Writes the nlmsghdr reserved at `at` over what was appended since (port 0: the kernel's). */
  endMessage(at: number, type: number, flags: number, seq: number): this {
    this.buf.writeUInt32LE(this.off - at, at);
    const pad = ((this.off + 3) & ~3) - this.off;
    this.room(pad);
    for (let i = 0; i < pad; i++) this.buf[this.off + i] = 0;
    this.buf.writeUInt16LE(type, at + 4);
    this.buf.writeUInt16LE(flags, at + 6);
    this.buf.writeUInt32LE(seq >>> 0, at + 8);
    this.buf.writeUInt32LE(0, at + 12);
    this.off += pad;
    return this;
  }

  /** Appends bytes as they are (an already encoded payload). */
  raw(data: Uint8Array): this {
    this.room(data.length);
    this.buf.set(data, this.off);
    this.off += data.length;
    return this;
  }

  private room(n: number): void {
    if (this.off + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.off + n));
    this.buf.copy(bigger, 0, 0, this.off);
    this.buf = bigger;
  }

  private header(type: number, payloadLen: number): number {
    const padded = (NLA_HDRLEN + payloadLen + 3) & ~3;
    this.room(padded);
    this.buf.writeUInt16LE(NLA_HDRLEN + payloadLen, this.off);
    this.buf.writeUInt16LE(type, this.off + 2);
    // Zero the padding now; the payload is written over the rest.
    // (A loop, not fill(): most payloads are a few bytes, and fill() is a call into C++.)
    for (let i = this.off + NLA_HDRLEN; i < this.off + padded; i++) this.buf[i] = 0;
    const at = this.off + NLA_HDRLEN;
    this.off += padded;
    return at;
  }

  // header() may move this.buf: take the offset first, then the buffer.
  u8(type: number, v: number): this {
    const at = this.header(type, 1);
    this.buf[at] = v & 0xff;
    return this;
  }
  u16(type: number, v: number): this {
    const at = this.header(type, 2);
    this.buf.writeUInt16LE(v, at);
    return this;
  }
  be16(type: number, v: number): this {
    const at = this.header(type, 2);
    this.buf.writeUInt16BE(v, at);
    return this;
  }
  u32(type: number, v: number): this {
    const at = this.header(type, 4);
    this.buf.writeUInt32LE(v >>> 0, at);
    return this;
  }
  be32(type: number, v: number): this {
    const at = this.header(type, 4);
    this.buf.writeUInt32BE(v >>> 0, at);
    return this;
  }
  /** `len` bytes, `data` copied to the front and the rest zero. */
  bytes(type: number, data: Uint8Array, len = data.length): this {
    const at = this.header(type, len);
    this.buf.set(data.subarray(0, len), at);
    return this;
  }
  /** NUL-terminated string (NLA_NUL_STRING). */
  cstr(type: number, s: string): this {
    const n = Buffer.byteLength(s);
    const at = this.header(type, n + 1);
    this.buf.write(s, at);
    return this;
  }
  /** Opens a nested attribute; close it with end(). */
  nest(type: number): number {
    const start = this.off;
    this.header(type, 0);
    return start;
  }
  end(start: number): this {
    this.buf.writeUInt16LE(this.off - start, start);
    return this;
  }
  finish(): Buffer {
    return this.buf.subarray(0, this.off);
  }
}

export class AttrDecodeError extends Error {
  constructor(
    readonly code: 'TRUNCATED' | 'BAD_LENGTH' | 'MISSING',
    message: string,
  ) {
    super(message);
  }
}

/**
 * A run of attributes by type (the last one wins on repeats); types are small
 * numbers. Holds offsets into the reply, not a Buffer per attribute: a
 * 10,000-destination dump is ~300,000 attributes.
 */
export class Attrs {
  constructor(
    private readonly buf: Buffer,
    /** Offset of each type's nlattr header. */
    private readonly at: (number | undefined)[],
  ) {}

  has(type: number): boolean {
    return this.at[type] !== undefined;
  }

  get(type: number): Buffer | undefined {
    const o = this.at[type];
    return o === undefined
      ? undefined
      : this.buf.subarray(o + NLA_HDRLEN, o + this.buf.readUInt16LE(o));
  }

  /** The payload's offset when it holds at least n bytes; undefined when absent. */
  private sized(type: number, n: number, what: string): number | undefined {
    const o = this.at[type];
    if (o === undefined) return undefined;
    const len = this.buf.readUInt16LE(o) - NLA_HDRLEN;
    if (len < n) throw new AttrDecodeError('BAD_LENGTH', `${what}: ${len} bytes, want ${n}`);
    return o + NLA_HDRLEN;
  }

  u8(type: number): number | undefined {
    const o = this.sized(type, 1, 'u8');
    return o === undefined ? undefined : this.buf[o];
  }
  u16(type: number): number | undefined {
    const o = this.sized(type, 2, 'u16');
    return o === undefined ? undefined : this.buf.readUInt16LE(o);
  }
  be16(type: number): number | undefined {
    const o = this.sized(type, 2, 'be16');
    return o === undefined ? undefined : this.buf.readUInt16BE(o);
  }
  u32(type: number): number | undefined {
    const o = this.sized(type, 4, 'u32');
    return o === undefined ? undefined : this.buf.readUInt32LE(o);
  }
  /** Exact up to 2^53, which counters do not reach; no BigInt on the hot path. */
  u64(type: number): number | undefined {
    const o = this.sized(type, 8, 'u64');
    return o === undefined
      ? undefined
      : this.buf.readUInt32LE(o) + this.buf.readUInt32LE(o + 4) * 0x100000000;
  }
  /** NUL-terminated string (or up to the attribute's end). */
  cstr(type: number): string | undefined {
    const b = this.get(type);
    if (b === undefined) return undefined;
    const nul = b.indexOf(0);
    return b.toString('utf8', 0, nul < 0 ? b.length : nul);
  }
  /** The attributes nested in this one. */
  nested(type: number): Attrs | undefined {
    const o = this.at[type];
    return o === undefined
      ? undefined
      : parseAttrs(this.buf, o + NLA_HDRLEN, o + this.buf.readUInt16LE(o));
  }
}

/** The attributes in buf[start, end). */
export function parseAttrs(buf: Buffer, start = 0, end = buf.length): Attrs {
  const at: (number | undefined)[] = [];
  let off = start;
  while (off + NLA_HDRLEN <= end) {
    const len = buf.readUInt16LE(off);
    const type = buf.readUInt16LE(off + 2) & NLA_TYPE_MASK;
    if (len < NLA_HDRLEN || off + len > end)
      throw new AttrDecodeError(
        'TRUNCATED',
        `attribute ${type} at ${off - start}: length ${len} overruns`,
      );
    at[type] = off;
    off += (len + 3) & ~3;
  }
  return new Attrs(buf, at);
}
