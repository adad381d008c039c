/**
 * AgentX (RFC 2741) PDUs, the subagent's side: the few halb sends (Open,
 * Register, Response, Notify, Close) encoded in network byte order, and the
 * master's requests (Get, GetNext, GetBulk) and Responses decoded in either
 * byte order, compressed OID prefixes included. Pure: bytes in, values out.
 */

export const PDU = {
  open: 1,
  close: 2,
  register: 3,
  unregister: 4,
  get: 5,
  getNext: 6,
  getBulk: 7,
  testSet: 8,
  commitSet: 9,
  undoSet: 10,
  cleanupSet: 11,
  notify: 12,
  ping: 13,
  response: 18,
} as const;

const NETWORK_BYTE_ORDER = 0x10;
const NON_DEFAULT_CONTEXT = 0x08;
export const HEADER_LEN = 20;

export type Oid = readonly number[];

/** The value types of RFC 2741 5.4 that halb answers with. */
export type Value =
  | { readonly type: 'integer'; readonly value: number }
  | { readonly type: 'octets'; readonly value: Buffer }
  /** IpAddress: four octets (RFC 2741 5.4). */
  | { readonly type: 'ipAddress'; readonly value: Buffer }
  | { readonly type: 'oid'; readonly value: Oid }
  | { readonly type: 'counter32'; readonly value: number }
  | { readonly type: 'gauge32'; readonly value: number }
  | { readonly type: 'timeticks'; readonly value: number }
  | { readonly type: 'counter64'; readonly value: bigint }
  | { readonly type: 'null' | 'noSuchObject' | 'noSuchInstance' | 'endOfMibView' };

const TYPE_CODE: Record<Value['type'], number> = {
  integer: 2,
  octets: 4,
  null: 5,
  oid: 6,
  ipAddress: 64,
  counter32: 65,
  gauge32: 66,
  timeticks: 67,
  counter64: 70,
  noSuchObject: 128,
  noSuchInstance: 129,
  endOfMibView: 130,
};

export interface VarBind {
  readonly oid: Oid;
  readonly value: Value;
}

export interface Header {
  readonly type: number;
  readonly flags: number;
  readonly sessionId: number;
  readonly transactionId: number;
  readonly packetId: number;
}

export interface SearchRange {
  readonly start: Oid;
  readonly include: boolean;
  readonly end: Oid;
}

export type Decoded =
  | { readonly kind: 'response'; readonly header: Header; readonly error: number }
  | {
      readonly kind: 'get' | 'getNext';
      readonly header: Header;
      readonly ranges: readonly SearchRange[];
    }
  | {
      readonly kind: 'getBulk';
      readonly header: Header;
      readonly nonRepeaters: number;
      readonly maxRepetitions: number;
      readonly ranges: readonly SearchRange[];
    }
  | { readonly kind: 'other'; readonly header: Header };

/** Compares OIDs as SNMP orders them: sub-identifier by sub-identifier, a prefix first. */
export function compareOid(a: Oid, b: Oid): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

export function parseOid(text: string): number[] {
  return text
    .replace(/^\./, '')
    .split('.')
    .filter(Boolean)
    .map((s) => Number(s));
}

// ---- encoding (network byte order) ----

function oidBytes(oid: Oid, include = false): Buffer {
  // Compressed as 1.3.6.1.X... when it can be (RFC 2741 5.1), as net-snmp does.
  const prefixed =
    oid.length > 5 &&
    oid[0] === 1 &&
    oid[1] === 3 &&
    oid[2] === 6 &&
    oid[3] === 1 &&
    (oid[4] as number) > 0 &&
    (oid[4] as number) < 256;
  const subs = prefixed ? oid.slice(5) : oid;
  const b = Buffer.alloc(4 + 4 * subs.length);
  b[0] = subs.length;
  b[1] = prefixed ? (oid[4] as number) : 0;
  b[2] = include ? 1 : 0;
  subs.forEach((s, i) => b.writeUInt32BE(s >>> 0, 4 + 4 * i));
  return b;
}

function octets(data: Buffer): Buffer {
  const pad = (4 - (data.length % 4)) % 4;
  const b = Buffer.alloc(4 + data.length + pad);
  b.writeUInt32BE(data.length, 0);
  data.copy(b, 4);
  return b;
}

function valueBytes(v: Value): Buffer {
  switch (v.type) {
    case 'integer': {
      const b = Buffer.alloc(4);
      b.writeInt32BE(v.value | 0, 0);
      return b;
    }
    case 'counter32':
    case 'gauge32':
    case 'timeticks': {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(v.value >>> 0, 0);
      return b;
    }
    case 'counter64': {
      const b = Buffer.alloc(8);
      b.writeBigUInt64BE(BigInt.asUintN(64, v.value), 0);
      return b;
    }
    case 'octets':
    case 'ipAddress':
      return octets(v.value);
    case 'oid':
      return oidBytes(v.value);
    default:
      return Buffer.alloc(0);
  }
}

export function varBindBytes(vb: VarBind): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(TYPE_CODE[vb.value.type], 0);
  return Buffer.concat([head, oidBytes(vb.oid), valueBytes(vb.value)]);
}

function pdu(
  type: number,
  ids: Omit<Header, 'type' | 'flags'>,
  payload: Buffer,
  flags = 0,
): Buffer {
  const h = Buffer.alloc(HEADER_LEN);
  h[0] = 1;
  h[1] = type;
  h[2] = flags | NETWORK_BYTE_ORDER;
  h.writeUInt32BE(ids.sessionId >>> 0, 4);
  h.writeUInt32BE(ids.transactionId >>> 0, 8);
  h.writeUInt32BE(ids.packetId >>> 0, 12);
  h.writeUInt32BE(payload.length, 16);
  return Buffer.concat([h, payload]);
}

type Ids = Omit<Header, 'type' | 'flags'>;

export function openPdu(ids: Ids, timeoutS: number, id: Oid, descr: string): Buffer {
  const t = Buffer.alloc(4);
  t[0] = timeoutS;
  return pdu(PDU.open, ids, Buffer.concat([t, oidBytes(id), octets(Buffer.from(descr))]));
}

export function registerPdu(ids: Ids, subtree: Oid, priority = 127, timeoutS = 0): Buffer {
  const t = Buffer.alloc(4);
  t[0] = timeoutS;
  t[1] = priority;
  return pdu(PDU.register, ids, Buffer.concat([t, oidBytes(subtree)]));
}

/** reason 1: other, 5: shutdown (RFC 2741 6.2.2). */
export function closePdu(ids: Ids, reason = 5): Buffer {
  const b = Buffer.alloc(4);
  b[0] = reason;
  return pdu(PDU.close, ids, b);
}

export function responsePdu(
  ids: Ids,
  sysUpTime: number,
  error: number,
  index: number,
  vbs: readonly VarBind[],
): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(sysUpTime >>> 0, 0);
  head.writeUInt16BE(error, 4);
  head.writeUInt16BE(index, 6);
  return pdu(PDU.response, ids, Buffer.concat([head, ...vbs.map(varBindBytes)]));
}

export function notifyPdu(ids: Ids, vbs: readonly VarBind[]): Buffer {
  return pdu(PDU.notify, ids, Buffer.concat(vbs.map(varBindBytes)));
}

// ---- decoding (either byte order) ----

class Reader {
  at = 0;
  constructor(
    readonly buf: Buffer,
    readonly be: boolean,
  ) {}
  u8(): number {
    if (this.at + 1 > this.buf.length) throw new Error('AgentX PDU too short');
    return this.buf[this.at++] as number;
  }
  u16(): number {
    if (this.at + 2 > this.buf.length) throw new Error('AgentX PDU too short');
    const v = this.be ? this.buf.readUInt16BE(this.at) : this.buf.readUInt16LE(this.at);
    this.at += 2;
    return v;
  }
  u32(): number {
    if (this.at + 4 > this.buf.length) throw new Error('AgentX PDU too short');
    const v = this.be ? this.buf.readUInt32BE(this.at) : this.buf.readUInt32LE(this.at);
    this.at += 4;
    return v;
  }
  oid(): { oid: number[]; include: boolean } {
    const n = this.u8();
    const prefix = this.u8();
    const include = this.u8() !== 0;
    this.u8();
    const subs: number[] = prefix ? [1, 3, 6, 1, prefix] : [];
    for (let i = 0; i < n; i++) subs.push(this.u32());
    return { oid: subs, include };
  }
  octets(): Buffer {
    const len = this.u32();
    const pad = (4 - (len % 4)) % 4;
    if (this.at + len + pad > this.buf.length) throw new Error('AgentX PDU too short');
    const b = this.buf.subarray(this.at, this.at + len);
    this.at += len + pad;
    return b;
  }
}

/** The header of a PDU, or undefined while fewer than 20 bytes are in. */
export function headerOf(buf: Buffer): (Header & { readonly payloadLength: number }) | undefined {
  if (buf.length < HEADER_LEN) return undefined;
  const be = ((buf[2] as number) & NETWORK_BYTE_ORDER) !== 0;
  const r = new Reader(buf, be);
  r.at = 4;
  return {
    type: buf[1] as number,
    flags: buf[2] as number,
    sessionId: r.u32(),
    transactionId: r.u32(),
    packetId: r.u32(),
    payloadLength: r.u32(),
  };
}

/** One whole PDU (header and payload). */
export function decodePdu(buf: Buffer): Decoded {
  const h = headerOf(buf);
  if (!h) throw new Error('AgentX PDU too short');
  const header: Header = {
    type: h.type,
    flags: h.flags,
    sessionId: h.sessionId,
    transactionId: h.transactionId,
    packetId: h.packetId,
  };
  const r = new Reader(
    buf.subarray(0, HEADER_LEN + h.payloadLength),
    (h.flags & NETWORK_BYTE_ORDER) !== 0,
  );
  r.at = HEADER_LEN;
  if (h.type === PDU.response) {
    r.u32();
    return { kind: 'response', header, error: r.u16() };
  }
  if (h.type !== PDU.get && h.type !== PDU.getNext && h.type !== PDU.getBulk)
    return { kind: 'other', header };
  // halb registers in the default context only; a context is read past.
  if (h.flags & NON_DEFAULT_CONTEXT) r.octets();
  let nonRepeaters = 0;
  let maxRepetitions = 0;
  if (h.type === PDU.getBulk) {
    nonRepeaters = r.u16();
    maxRepetitions = r.u16();
  }
  const ranges: SearchRange[] = [];
  while (r.at < r.buf.length) {
    const start = r.oid();
    const end = r.oid();
    ranges.push({ start: start.oid, include: start.include, end: end.oid });
  }
  if (h.type === PDU.getBulk)
    return { kind: 'getBulk', header, nonRepeaters, maxRepetitions, ranges };
  return { kind: h.type === PDU.get ? 'get' : 'getNext', header, ranges };
}
