/**
 * The Crystalfontz CFA-635 packet format, pure: Buffer in, packets out.
 *
 *   byte 0   type and code: TTcc cccc (type 0 command, 1 normal response,
 *            2 report, 3 error response; code 0-63)
 *   byte 1   data length, 0-22
 *   data     `length` bytes
 *   CRC      CRC-16 of every byte before it, least significant byte first
 *
 * The CRC is the one of Crystalfontz' sample code (the IrDA LAP / HDLC
 * frame check): reflected polynomial 0x8408, initial value 0xFFFF, result
 * complemented, i.e. CRC-16/X-25; check value of "123456789" is 0x906E.
 */
export const MAX_DATA_LENGTH = 22;
export const PACKET_OVERHEAD = 4;

export const PacketType = { command: 0, response: 1, report: 2, error: 3 } as const;
export type PacketType = (typeof PacketType)[keyof typeof PacketType];

export interface Packet {
  readonly type: PacketType;
  readonly code: number;
  readonly data: Buffer;
}

const CRC_TABLE = (() => {
  const t = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x8408 : c >>> 1;
    t[n] = c;
  }
  return t;
})();

export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ (CRC_TABLE[(crc ^ bytes[i]!) & 0xff] ?? 0);
  return ~crc & 0xffff;
}

export function encodePacket(p: Packet): Buffer {
  if (p.code < 0 || p.code > 63 || !Number.isInteger(p.code)) {
    throw new RangeError(`packet code ${p.code} is not 0-63`);
  }
  if (p.data.length > MAX_DATA_LENGTH) {
    throw new RangeError(`packet data is ${p.data.length} bytes, at most ${MAX_DATA_LENGTH}`);
  }
  const out = Buffer.alloc(p.data.length + PACKET_OVERHEAD);
  out[0] = (p.type << 6) | p.code;
  out[1] = p.data.length;
  p.data.copy(out, 2);
  out.writeUInt16LE(crc16(out, 0, p.data.length + 2), p.data.length + 2);
  return out;
}

/** Why bytes were thrown away while looking for packets. */
export type DropReason = 'bad-crc' | 'bad-length' | 'bad-type' | 'garbage';

/** What one position of the buffer holds. */
type Probe = { kind: 'packet'; packet: Packet; size: number } | { kind: 'partial' } | DropProbe;
type DropProbe = { kind: 'invalid'; reason: Exclude<DropReason, 'garbage'> };

/**
 * A byte-stream scanner. Bytes that do not start a valid packet are skipped
 * one at a time, so a stream resynchronises after line noise: the first
 * position where a whole packet with a good CRC starts wins. A prefix that
 * could still become a packet is kept until more bytes arrive, unless a
 * valid packet is already visible after it.
 */
export class PacketDecoder {
  private buf = Buffer.alloc(0);
  readonly drops: Record<DropReason, number> = {
    'bad-crc': 0,
    'bad-length': 0,
    'bad-type': 0,
    garbage: 0,
  };
  skippedBytes = 0;

  /** @param accept the packet types this end expects (a host never receives commands). */
  constructor(private readonly accept: readonly PacketType[]) {}

  push(bytes: Buffer): Packet[] {
    this.buf = this.buf.length === 0 ? Buffer.from(bytes) : Buffer.concat([this.buf, bytes]);
    const out: Packet[] = [];
    for (;;) {
      const found = this.findPacket();
      if (!found) break;
      out.push(found);
    }
    return out;
  }

  /** Bytes held back as the possible start of a packet. */
  get pending(): number {
    return this.buf.length;
  }

  private findPacket(): Packet | undefined {
    let firstPartial = -1;
    let firstReason: DropProbe['reason'] | null = null;
    for (let i = 0; i < this.buf.length; i++) {
      const p = this.probe(i);
      if (p.kind === 'packet') {
        this.discard(i, firstReason);
        this.buf = this.buf.subarray(p.size);
        return p.packet;
      }
      if (p.kind === 'partial' && firstPartial < 0) firstPartial = i;
      if (p.kind === 'invalid' && firstPartial < 0 && firstReason === null) firstReason = p.reason;
    }
    const keepFrom = firstPartial < 0 ? this.buf.length : firstPartial;
    this.discard(keepFrom, firstReason);
    return undefined;
  }

  /** Drops the first n bytes: one drop, counted under the first reason seen. */
  private discard(n: number, reason: DropProbe['reason'] | null): void {
    if (n === 0) return;
    this.drops[reason ?? 'garbage'] += 1;
    this.skippedBytes += n;
    this.buf = this.buf.subarray(n);
  }

  private probe(i: number): Probe {
    const head = this.buf[i]!;
    const type = (head >> 6) as PacketType;
    if (!this.accept.includes(type)) return { kind: 'invalid', reason: 'bad-type' };
    if (i + 1 >= this.buf.length) return { kind: 'partial' };
    const len = this.buf[i + 1]!;
    if (len > MAX_DATA_LENGTH) return { kind: 'invalid', reason: 'bad-length' };
    const size = len + PACKET_OVERHEAD;
    if (i + size > this.buf.length) return { kind: 'partial' };
    const crc = this.buf.readUInt16LE(i + 2 + len);
    if (crc !== crc16(this.buf, i, i + 2 + len)) return { kind: 'invalid', reason: 'bad-crc' };
    const packet = {
      type,
      code: head & 0x3f,
      data: Buffer.from(this.buf.subarray(i + 2, i + 2 + len)),
    };
    return { kind: 'packet', packet, size };
  }
}
