/**
 * nf_tables on the wire: the numbers of nf_tables.h and nfnetlink.h, the
 * expressions halb's rules are made of, builders for tables, chains, sets and
 * rules, and one nfnetlink batch (a transaction) around them. Pure: bytes out.
 */
import { AttrWriter } from './netlink-attrs';

const NFNL_SUBSYS_NFTABLES = 10;
const NFNL_MSG_BATCH_BEGIN = 0x10;
const NFNL_MSG_BATCH_END = 0x11;
const NLM_F_REQUEST = 0x1;
const NLM_F_ACK = 0x4;
export const NLM_F_CREATE = 0x400;
const NLM_F_APPEND = 0x800;
const NLA_F_NESTED = 0x8000;

export const MSG = {
  newTable: 0,
  delTable: 2,
  newChain: 3,
  newRule: 6,
  newSet: 9,
  newElem: 12,
  delElem: 14,
};
const NFPROTO = { 4: 2, 6: 10 } as const;

// nf_tables.h attribute numbers.
const TABLE_NAME = 1;
const TABLE_FLAGS = 2;
const CHAIN = { table: 1, name: 3, hook: 4, policy: 5, type: 7 };
const HOOK = { num: 1, priority: 2 };
export const NF_INET_LOCAL_IN = 1;
export const NF_INET_LOCAL_OUT = 3;
const RULE = { table: 1, chain: 2, expressions: 4 };
const SET = {
  table: 1,
  name: 2,
  flags: 3,
  keyType: 4,
  keyLen: 5,
  dataType: 6,
  dataLen: 7,
  id: 10,
  userData: 13,
};
export const SET_CONSTANT = 0x2;
const SET_MAP = 0x8;
const ELEMS = { table: 1, set: 2, elements: 3 };
const LIST_ELEM = 1;
const EXPR = { name: 1, data: 2 };
const DATA_VALUE = 1;
const DATA_VERDICT = 2;
const VERDICT = { code: 1, chain: 2 };
export const NF_DROP = 0;
export const NF_ACCEPT = 1;
export const NFT_GOTO = -4;
const REG_VERDICT = 0;
export const REG_1 = 1;
export const REG_2 = 2;
/** nft's data types (its datatype.h), which `nft list` shows a set's key as; concatenations are TYPE << 6 | TYPE. */
export const TYPE_IPADDR = 7;
export const TYPE_IP6ADDR = 8;
export const TYPE_IFINDEX = 20;
export const TYPE_ICMP6_TYPE = 29;

export const PAYLOAD_NETWORK = 1;
export const PAYLOAD_TRANSPORT = 2;
export const META_L4PROTO = 16;
export const IPPROTO_ICMPV6 = 58;

export type Family = 4 | 6;

/** A u32 in host order (the boards are little-endian), as the kernel keeps an ifindex. */
export function u32le(n: number): Uint8Array {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}

/** One nf_tables request: its type, extra flags and attributes. */
export interface NftMessage {
  readonly family: Family;
  readonly msg: number;
  readonly flags: number;
  readonly write: (w: AttrWriter) => void;
}

/** The names and hook priority of the firewall (global_defs `nftables`, `nftables_priority`). */
export interface FirewallNames {
  readonly table: string;
  readonly priority: number;
  /** nftables_counters: a counter before each rule's verdict. */
  readonly counters?: boolean;
}

export const msg = (
  family: Family,
  m: number,
  flags: number,
  write: (w: AttrWriter) => void,
): NftMessage => ({
  family,
  msg: m,
  flags,
  write,
});

// ---- expressions ----
export type Expr = (w: AttrWriter) => void;

function expr(name: string, body: (w: AttrWriter) => void): Expr {
  return (w) => {
    const elem = w.nest(LIST_ELEM | NLA_F_NESTED);
    w.cstr(EXPR.name, name);
    const data = w.nest(EXPR.data | NLA_F_NESTED);
    body(w);
    w.end(data).end(elem);
  };
}

function value(w: AttrWriter, type: number, bytes: Uint8Array): void {
  const n = w.nest(type | NLA_F_NESTED);
  w.bytes(DATA_VALUE, bytes).end(n);
}

export const payload = (base: number, offset: number, len: number): Expr =>
  expr('payload', (w) => w.be32(1, REG_1).be32(2, base).be32(3, offset).be32(4, len));
export const lookup = (set: string, setId: number, sreg = REG_1, dreg?: number): Expr =>
  expr('lookup', (w) => {
    w.cstr(1, set).be32(2, sreg);
    if (dreg !== undefined) w.be32(3, dreg);
    w.be32(4, setId);
  });
export const cmpEq = (bytes: Uint8Array, sreg = REG_1): Expr =>
  expr('cmp', (w) => {
    w.be32(1, sreg).be32(2, 0);
    value(w, 3, bytes);
  });
export const mask = (len: number, m: Uint8Array): Expr =>
  expr('bitwise', (w) => {
    w.be32(1, REG_1).be32(2, REG_1).be32(3, len);
    value(w, 4, m);
    value(w, 5, new Uint8Array(len));
  });
export const meta = (key: number, dreg = REG_2): Expr =>
  expr('meta', (w) => w.be32(1, dreg).be32(2, key));
const counter: Expr = expr('counter', () => undefined);
/** A copy of the packet to the address in REG_1 through the interface in REG_2. */
export const dup = (): Expr => expr('dup', (w) => w.be32(1, REG_1).be32(2, REG_2));
export const verdict = (code: number, chain?: string): Expr =>
  expr('immediate', (w) => {
    w.be32(1, REG_VERDICT);
    const data = w.nest(2 | NLA_F_NESTED);
    const v = w.nest(DATA_VERDICT | NLA_F_NESTED);
    w.be32(VERDICT.code, code);
    if (chain) w.cstr(VERDICT.chain, chain);
    w.end(v).end(data);
  });

/** Builders for one family's objects in the table `names.table`. */
export function builders(family: Family, names: FirewallNames) {
  const t = names.table;
  return {
    table: (m: number, flags: number): NftMessage =>
      msg(family, m, flags, (w) => {
        w.cstr(TABLE_NAME, t);
        if (m === MSG.newTable) w.be32(TABLE_FLAGS, 0);
      }),
    chain: (name: string, hook?: number): NftMessage =>
      msg(family, MSG.newChain, NLM_F_CREATE, (w) => {
        w.cstr(CHAIN.table, t).cstr(CHAIN.name, name);
        if (hook === undefined) return;
        const h = w.nest(CHAIN.hook | NLA_F_NESTED);
        w.be32(HOOK.num, hook).be32(HOOK.priority, names.priority).end(h);
        w.be32(CHAIN.policy, NF_ACCEPT).cstr(CHAIN.type, 'filter');
      }),
    /** A set, or a map when it has a data type. */
    set: (
      name: string,
      id: number,
      key: readonly [type: number, len: number],
      flags = 0,
      data?: readonly [type: number, len: number],
    ): NftMessage =>
      msg(family, MSG.newSet, NLM_F_CREATE, (w) => {
        w.cstr(SET.table, t)
          .cstr(SET.name, name)
          .be32(SET.flags, flags | (data ? SET_MAP : 0))
          .be32(SET.keyType, key[0])
          .be32(SET.keyLen, key[1]);
        if (data) w.be32(SET.dataType, data[0]).be32(SET.dataLen, data[1]);
        w.be32(SET.id, id);
        // Interface indexes are in host order: nft reads that from the set's
        // user data (libnftnl's TLVs KEYBYTEORDER 0 and DATABYTEORDER 1, value
        // BYTEORDER_HOST_ENDIAN) to show them as interface names.
        if (key[0] === TYPE_IFINDEX) {
          const tlv = (type: number): number[] => [type, 4, ...u32le(1)];
          w.bytes(SET.userData, Uint8Array.from([...tlv(0), ...(data ? tlv(1) : [])]));
        }
      }),
    rule: (chainName: string, ...exprs: Expr[]): NftMessage =>
      msg(family, MSG.newRule, NLM_F_CREATE | NLM_F_APPEND, (w) => {
        w.cstr(RULE.table, t).cstr(RULE.chain, chainName);
        const list = w.nest(RULE.expressions | NLA_F_NESTED);
        // The verdict is always last: the counter goes just before it.
        const all = names.counters ? [...exprs.slice(0, -1), counter, ...exprs.slice(-1)] : exprs;
        for (const e of all) e(w);
        w.end(list);
      }),
  };
}

export function elements(
  family: Family,
  names: FirewallNames,
  set: string,
  entries: ReadonlyArray<readonly [key: Uint8Array, data?: Uint8Array]>,
  add = true,
): NftMessage {
  return msg(family, add ? MSG.newElem : MSG.delElem, add ? NLM_F_CREATE : 0, (w) => {
    w.cstr(ELEMS.table, names.table).cstr(ELEMS.set, set);
    const list = w.nest(ELEMS.elements | NLA_F_NESTED);
    for (const [key, data] of entries) {
      const e = w.nest(LIST_ELEM | NLA_F_NESTED);
      value(w, 1 /* NFTA_SET_ELEM_KEY */, key);
      if (data && add) value(w, 2 /* NFTA_SET_ELEM_DATA */, data);
      w.end(e);
    }
    w.end(list);
  });
}

/**
 * One nfnetlink batch (one transaction: all or nothing): BATCH_BEGIN, each
 * message with sequence numbers firstSeq + 1.., BATCH_END. Every message asks
 * for an ack, so its outcome is known.
 */
export function frameBatch(messages: readonly NftMessage[], firstSeq: number): Buffer {
  const w = new AttrWriter(256 * (messages.length + 2));
  const control = (type: number, seq: number): void => {
    const at = w.message();
    w.raw(Uint8Array.of(0, 0, 0, NFNL_SUBSYS_NFTABLES));
    w.endMessage(at, type, NLM_F_REQUEST, seq);
  };
  control(NFNL_MSG_BATCH_BEGIN, firstSeq);
  messages.forEach((m, i) => {
    const at = w.message();
    w.raw(Uint8Array.of(NFPROTO[m.family], 0, 0, 0));
    m.write(w);
    w.endMessage(
      at,
      (NFNL_SUBSYS_NFTABLES << 8) | m.msg,
      NLM_F_REQUEST | NLM_F_ACK | m.flags,
      firstSeq + 1 + i,
    );
  });
  control(NFNL_MSG_BATCH_END, firstSeq + messages.length + 1);
  return w.finish();
}
