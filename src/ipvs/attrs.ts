/**
 * Netlink attributes (struct nlattr: u16 length, u16 type, payload padded to 4
 * bytes), the small part of the format the IPVS codec needs. Pure.
 */

const NLA_HDRLEN = 4;
/** Flags the kernel may set in nla_type (NLA_F_NESTED, NLA_F_NET_BYTEORDER). */
const NLA_TYPE_MASK = 0x3fff;

export function attr(type: number, payload: Buffer): Buffer {
  const len = NLA_HDRLEN + payload.length;
  const out = Buffer.alloc((len + 3) & ~3);
  out.writeUInt16LE(len, 0);
  out.writeUInt16LE(type, 2);
  payload.copy(out, NLA_HDRLEN);
  return out;
}

export function nest(type: number, children: readonly Buffer[]): Buffer {
  return attr(type, Buffer.concat(children));
}

export function u8(type: number, v: number): Buffer {
  return attr(type, Buffer.from([v & 0xff]));
}

export function u16(type: number, v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v, 0);
  return attr(type, b);
}

export function be16(type: number, v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v, 0);
  return attr(type, b);
}

export function u32(type: number, v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0, 0);
  return attr(type, b);
}

/** NUL-terminated string (NLA_NUL_STRING). */
export function cstr(type: number, s: string): Buffer {
  return attr(type, Buffer.concat([Buffer.from(s, 'utf8'), Buffer.alloc(1)]));
}

export class AttrDecodeError extends Error {
  constructor(
    readonly code: 'TRUNCATED' | 'BAD_LENGTH' | 'MISSING',
    message: string,
  ) {
    super(message);
  }
}

/** Parses a run of attributes into type -> payload (the last one wins on repeats). */
export function parseAttrs(buf: Buffer): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  let off = 0;
  while (off + NLA_HDRLEN <= buf.length) {
    const len = buf.readUInt16LE(off);
    const type = buf.readUInt16LE(off + 2) & NLA_TYPE_MASK;
    if (len < NLA_HDRLEN || off + len > buf.length)
      throw new AttrDecodeError('TRUNCATED', `attribute ${type} at ${off}: length ${len} overruns`);
    out.set(type, buf.subarray(off + NLA_HDRLEN, off + len));
    off += (len + 3) & ~3;
  }
  return out;
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
    return s === undefined ? undefined : Number(s.readBigUInt64LE(0));
  },
  cstr: (b: Buffer | undefined): string | undefined => {
    if (b === undefined) return undefined;
    const nul = b.indexOf(0);
    return b.subarray(0, nul < 0 ? b.length : nul).toString('utf8');
  },
};
