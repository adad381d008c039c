/**
 * Netlink attributes (struct nlattr: u16 length, u16 type, payload padded to 4
 * bytes), the small part of the format the IPVS codec needs. Pure.
 */

const NLA_HDRLEN = 4;
/** Flags the kernel may set in nla_type (NLA_F_NESTED, NLA_F_NET_BYTEORDER). */
const NLA_TYPE_MASK = 0x3fff;

/**
 * Writes attributes straight into one growing buffer: a request is built
 * without a Buffer per attribute (programming 10,000 destinations is 10,000
 * requests; on a slow CPU the allocations were most of the cost).
 */
export class AttrWriter {
  private buf: Buffer;
  private off: number;

  /** Starts with the 4-byte genl header (cmd, version, reserved). */
  constructor(cmd: number, version: number, sizeHint = 128) {
    this.buf = Buffer.allocUnsafe(sizeHint);
    this.buf.writeUInt32LE(0, 0);
    this.buf[0] = cmd;
    this.buf[1] = version;
    this.off = 4;
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

/** A run of attributes by type (the last one wins on repeats); types are small numbers. */
export class Attrs {
  constructor(private readonly byType: (Buffer | undefined)[]) {}
  get(type: number): Buffer | undefined {
    return this.byType[type];
  }
  has(type: number): boolean {
    return this.byType[type] !== undefined;
  }
}

export function parseAttrs(buf: Buffer): Attrs {
  const out: (Buffer | undefined)[] = [];
  let off = 0;
  while (off + NLA_HDRLEN <= buf.length) {
    const len = buf.readUInt16LE(off);
    const type = buf.readUInt16LE(off + 2) & NLA_TYPE_MASK;
    if (len < NLA_HDRLEN || off + len > buf.length)
      throw new AttrDecodeError('TRUNCATED', `attribute ${type} at ${off}: length ${len} overruns`);
    out[type] = buf.subarray(off + NLA_HDRLEN, off + len);
    off += (len + 3) & ~3;
  }
  return new Attrs(out);
}

function sized(b: Buffer | undefined, n: number, what: string): Buffer | undefined {
  if (b === undefined) return undefined;
  if (b.length < n)
    throw new AttrDecodeError('BAD_LENGTH', `${what}: ${b.length} bytes, want ${n}`);
  return b;
}

export const read = {
  u8: (b: Buffer | undefined): number | undefined => sized(b, 1, 'u8')?.readUInt8(0),
  u16: (b: Buffer | undefined): number | undefined => sized(b, 2, 'u16')?.readUInt16LE(0),
  be16: (b: Buffer | undefined): number | undefined => sized(b, 2, 'be16')?.readUInt16BE(0),
  u32: (b: Buffer | undefined): number | undefined => sized(b, 4, 'u32')?.readUInt32LE(0),
  u64: (b: Buffer | undefined): number | undefined => {
    const s = sized(b, 8, 'u64');
    // Exact up to 2^53, which counters do not reach; no BigInt on the hot path.
    return s === undefined ? undefined : s.readUInt32LE(0) + s.readUInt32LE(4) * 0x100000000;
  },
  cstr: (b: Buffer | undefined): string | undefined => {
    if (b === undefined) return undefined;
    const nul = b.indexOf(0);
    return b.subarray(0, nul < 0 ? b.length : nul).toString('utf8');
  },
};
