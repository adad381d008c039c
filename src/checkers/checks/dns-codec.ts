/**
 * The DNS messages DNS_CHECK needs (RFC 1035 4.1), pure: a query for one name
 * and type with recursion desired, as keepalived's dns_make_query builds it,
 * and the header of a response.
 */
export const DNS_TYPES: Readonly<Record<string, number>> = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  RRSIG: 46,
  DNSKEY: 48,
};

export interface DnsQuestion {
  readonly id: number;
  readonly name: string;
  readonly type: number;
}

export interface DnsHeader {
  readonly id: number;
  readonly qr: boolean;
  readonly opcode: number;
  readonly rcode: number;
  readonly qdcount: number;
  readonly ancount: number;
}

export type DnsError = 'short' | 'label-too-long' | 'name-too-long';

const RD = 0x0100;

/** "example.org", "example.org." and "." are all fine; labels of 1..63 bytes. */
export function encodeName(name: string): Buffer {
  const labels = name.split('.').filter((l) => l.length > 0);
  const parts: Buffer[] = [];
  for (const l of labels) {
    const b = Buffer.from(l, 'latin1');
    if (b.length > 63) throw new Error('label-too-long');
    parts.push(Buffer.from([b.length]), b);
  }
  parts.push(Buffer.from([0]));
  const out = Buffer.concat(parts);
  if (out.length > 255) throw new Error('name-too-long');
  return out;
}

export function encodeQuery(q: DnsQuestion): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(q.id & 0xffff, 0);
  h.writeUInt16BE(RD, 2);
  h.writeUInt16BE(1, 4);
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(q.type, 0);
  tail.writeUInt16BE(1, 2); // IN
  return Buffer.concat([h, encodeName(q.name), tail]);
}

/** Decodes the name at `off`; returns it and where the question's fields follow. */
export function decodeName(b: Buffer, off: number): { name: string; next: number } {
  const labels: string[] = [];
  let p = off;
  let next = -1;
  for (let hops = 0; hops < 64; hops++) {
    if (p >= b.length) throw new Error('short');
    const len = b[p] as number;
    if ((len & 0xc0) === 0xc0) {
      if (p + 1 >= b.length) throw new Error('short');
      if (next < 0) next = p + 2;
      p = ((len & 0x3f) << 8) | (b[p + 1] as number);
      continue;
    }
    if (len === 0) return { name: labels.join('.') + '.', next: next < 0 ? p + 1 : next };
    if (p + 1 + len > b.length) throw new Error('short');
    labels.push(b.subarray(p + 1, p + 1 + len).toString('latin1'));
    p += 1 + len;
  }
  throw new Error('short');
}

export function decodeQuestion(b: Buffer): DnsQuestion {
  const h = decodeHeader(b);
  const { name, next } = decodeName(b, 12);
  if (next + 4 > b.length) throw new Error('short');
  return { id: h.id, name, type: b.readUInt16BE(next) };
}

export function decodeHeader(b: Buffer): DnsHeader {
  if (b.length < 12) throw new Error('short');
  const flags = b.readUInt16BE(2);
  return {
    id: b.readUInt16BE(0),
    qr: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0xf,
    rcode: flags & 0xf,
    qdcount: b.readUInt16BE(4),
    ancount: b.readUInt16BE(6),
  };
}

/** A response to a query (for tests and small responders): the question echoed, `answers` raw. */
export function encodeResponse(q: DnsQuestion, rcode: number, answers: readonly Buffer[]): Buffer {
  const query = encodeQuery(q);
  query.writeUInt16BE(0x8000 | RD | 0x0080 | (rcode & 0xf), 2);
  query.writeUInt16BE(answers.length, 6);
  return Buffer.concat([query, ...answers]);
}
