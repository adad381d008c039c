/**
 * The nftables objects behind VRRP's accept mode, as nf_tables netlink
 * messages. A MASTER without accept mode must not take traffic addressed to
 * its VIPs (RFC 5798 §6.4.3; RFC 3768 has no accept mode at all), yet must
 * answer ARP and neighbour discovery for them. keepalived does it with a
 * table per family (named by `nftables`, default "keepalived") whose `in` and
 * `out` chains, hooked just before the filter priority, drop packets to and
 * from the addresses in a set; each MASTER puts its VIPs in the set. halb
 * builds the same table, chains, sets and rules, in the same order, so that
 * `nft list ruleset` reads the same on both. The same table also holds
 * keepalived's rules for use_vmac: an IGMP / MLD report leaving a VMAC would
 * carry the virtual MAC, and a switch would learn it on a BACKUP's port; the
 * rules send the report out of the parent interface instead (dup) and drop it
 * on the VMAC, and drop router solicitations from IPv6 VMACs. Pure: messages
 * out, no I/O.
 */
import { AttrWriter } from '../platform/netlink-attrs';

const NFNL_SUBSYS_NFTABLES = 10;
const NFNL_MSG_BATCH_BEGIN = 0x10;
const NFNL_MSG_BATCH_END = 0x11;
const NLM_F_REQUEST = 0x1;
const NLM_F_ACK = 0x4;
const NLM_F_CREATE = 0x400;
const NLM_F_APPEND = 0x800;
const NLA_F_NESTED = 0x8000;

const MSG = {
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
const NF_INET_LOCAL_IN = 1;
const NF_INET_LOCAL_OUT = 3;
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
const SET_CONSTANT = 0x2;
const SET_MAP = 0x8;
const ELEMS = { table: 1, set: 2, elements: 3 };
const LIST_ELEM = 1;
const EXPR = { name: 1, data: 2 };
const DATA_VALUE = 1;
const DATA_VERDICT = 2;
const VERDICT = { code: 1, chain: 2 };
const NF_DROP = 0;
const NF_ACCEPT = 1;
const NFT_GOTO = -4;
const REG_VERDICT = 0;
const REG_1 = 1;
const REG_2 = 2;
const PAYLOAD_NETWORK = 1;
const PAYLOAD_TRANSPORT = 2;
const META_IIF = 4;
const META_OIF = 5;
const META_L4PROTO = 16;
const META_OIFKIND = 27;
const IPPROTO_IGMP = 2;
const IPPROTO_ICMPV6 = 58;
const ROUTER_SOLICIT = 133;
const ND_SOLICIT = 135;
const ND_ADVERT = 136;
const MLD2_REPORT = 143;
/** "macvlan" as the kernel gives a link's kind: IFNAMSIZ bytes, zero padded. */
const MACVLAN = (() => {
  const b = new Uint8Array(16);
  b.set(Buffer.from('macvlan'));
  return b;
})();

/** nft's data types (its datatype.h), which `nft list` shows a set's key as; concatenations are TYPE << 6 | TYPE. */
const TYPE_IPADDR = 7;
const TYPE_IP6ADDR = 8;
const TYPE_IFINDEX = 20;
const TYPE_ICMP6_TYPE = 29;

export type Family = 4 | 6;

/** A u32 in host order (the boards are little-endian), as the kernel keeps an ifindex. */
function u32le(n: number): Uint8Array {
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

/** A VMAC (its ifindex) and the interface it sits on. */
export interface VmacLink {
  readonly family: Family;
  readonly vmac: number;
  readonly parent: number;
}

/** A blocked address: link-local IPv6 ones are blocked on their interface only. */
export interface BlockedAddress {
  readonly family: Family;
  /** 4 or 16 bytes, network order. */
  readonly bytes: Uint8Array;
  readonly ifindex: number;
}

export function isLinkLocal(a: BlockedAddress): boolean {
  return a.family === 6 && a.bytes[0] === 0xfe && ((a.bytes[1] ?? 0) & 0xc0) === 0x80;
}

/** The element key: the address, and for a link-local one its interface (host order). */
function keyOf(a: BlockedAddress): Buffer {
  if (!isLinkLocal(a)) return Buffer.from(a.bytes);
  const k = Buffer.alloc(20);
  k.set(a.bytes, 0);
  k.writeUInt32LE(a.ifindex, 16);
  return k;
}

const msg = (
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
type Expr = (w: AttrWriter) => void;

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

const payload = (base: number, offset: number, len: number): Expr =>
  expr('payload', (w) => w.be32(1, REG_1).be32(2, base).be32(3, offset).be32(4, len));
const lookup = (set: string, setId: number, sreg = REG_1, dreg?: number): Expr =>
  expr('lookup', (w) => {
    w.cstr(1, set).be32(2, sreg);
    if (dreg !== undefined) w.be32(3, dreg);
    w.be32(4, setId);
  });
const cmpEq = (bytes: Uint8Array, sreg = REG_1): Expr =>
  expr('cmp', (w) => {
    w.be32(1, sreg).be32(2, 0);
    value(w, 3, bytes);
  });
const mask = (len: number, m: Uint8Array): Expr =>
  expr('bitwise', (w) => {
    w.be32(1, REG_1).be32(2, REG_1).be32(3, len);
    value(w, 4, m);
    value(w, 5, new Uint8Array(len));
  });
const meta = (key: number, dreg = REG_2): Expr => expr('meta', (w) => w.be32(1, dreg).be32(2, key));
const counter: Expr = expr('counter', () => undefined);
/** A copy of the packet to the address in REG_1 through the interface in REG_2. */
const dup = (): Expr => expr('dup', (w) => w.be32(1, REG_1).be32(2, REG_2));
const verdict = (code: number, chain?: string): Expr =>
  expr('immediate', (w) => {
    w.be32(1, REG_VERDICT);
    const data = w.nest(2 | NLA_F_NESTED);
    const v = w.nest(DATA_VERDICT | NLA_F_NESTED);
    w.be32(VERDICT.code, code);
    if (chain) w.cstr(VERDICT.chain, chain);
    w.end(v).end(data);
  });

/** fe80::/10 */
const LL_MASK = Uint8Array.from([0xff, 0xc0, ...new Array<number>(14).fill(0)]);
const LL_PREFIX = Uint8Array.from([0xfe, 0x80, ...new Array<number>(14).fill(0)]);

/** Set ids name sets created in the same batch (the kernel resolves a lookup by them). */
const SET_ID = { vips: 1, nd: 2, linkLocal: 3, vmacMap: 4, vmacSet: 5 };

/** Builders for one family's objects in the table `names.table`. */
function builders(family: Family, names: FirewallNames) {
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

/**
 * The table of `family`, from scratch: one left by an earlier run (a crash
 * leaves its drop rules in place) is deleted first, in the same transaction
 * (add, delete, add: no error whether it existed or not).
 */
export function createTable(family: Family, names: FirewallNames): NftMessage[] {
  const b = builders(family, names);
  return [
    b.table(MSG.newTable, NLM_F_CREATE),
    b.table(MSG.delTable, 0),
    b.table(MSG.newTable, NLM_F_CREATE),
  ];
}

/**
 * Accept mode's chains, sets and rules. `haveOut`: the VMAC rules made the
 * `out` chain already.
 */
export function acceptObjects(
  family: Family,
  names: FirewallNames,
  haveOut: boolean,
): NftMessage[] {
  const { chain, set, rule } = builders(family, names);
  // Destination address in the IP header: IPv4 at 16, IPv6 at 24; source at 12 / 8.
  const [dst, src, len] = family === 4 ? [16, 12, 4] : [24, 8, 16];
  const dropVips = (chainName: string, offset: number): NftMessage =>
    rule(
      chainName,
      payload(PAYLOAD_NETWORK, offset, len),
      lookup('vips', SET_ID.vips),
      verdict(NF_DROP),
    );
  const out: NftMessage[] = [
    ...(haveOut ? [] : [chain('out', NF_INET_LOCAL_OUT)]),
    chain('in', NF_INET_LOCAL_IN),
  ];
  if (family === 4) {
    out.push(set('vips', SET_ID.vips, [TYPE_IPADDR, 4]), dropVips('in', dst), dropVips('out', src));
    return out;
  }
  // IPv6: neighbour discovery for a VIP always passes; a link-local VIP is
  // only dropped on its own interface.
  const nd = (chainName: string): NftMessage =>
    rule(
      chainName,
      payload(PAYLOAD_NETWORK, 6, 1),
      cmpEq(Uint8Array.of(IPPROTO_ICMPV6)),
      payload(PAYLOAD_TRANSPORT, 0, 1),
      lookup('neighbor-discovery', SET_ID.nd),
      verdict(NF_ACCEPT),
    );
  const toLinkLocal = (chainName: string, offset: number): NftMessage =>
    rule(
      chainName,
      payload(PAYLOAD_NETWORK, offset, 16),
      mask(16, LL_MASK),
      cmpEq(LL_PREFIX),
      verdict(NFT_GOTO, `${chainName}_link_local`),
    );
  out.push(
    chain('in_link_local'),
    chain('out_link_local'),
    set('vips', SET_ID.vips, [TYPE_IP6ADDR, 16]),
    set('neighbor-discovery', SET_ID.nd, [TYPE_ICMP6_TYPE, 1], SET_CONSTANT),
    elements(family, names, 'neighbor-discovery', [
      [Uint8Array.of(ND_SOLICIT)],
      [Uint8Array.of(ND_ADVERT)],
    ]),
    nd('in'),
    toLinkLocal('in', dst),
    dropVips('in', dst),
    nd('out'),
    toLinkLocal('out', src),
    dropVips('out', src),
  );
  return out;
}

/** The set of link-local IPv6 VIPs (address . interface) and its rules, made with the first one. */
export function linkLocalObjects(names: FirewallNames): NftMessage[] {
  const { set, rule } = builders(6, names);
  const drop = (chainName: string, offset: number, dev: number): NftMessage =>
    rule(
      chainName,
      payload(PAYLOAD_NETWORK, offset, 16),
      meta(dev),
      lookup('vips_link_local', SET_ID.linkLocal),
      verdict(NF_DROP),
    );
  return [
    set('vips_link_local', SET_ID.linkLocal, [(TYPE_IP6ADDR << 6) | TYPE_IFINDEX, 20]),
    drop('in_link_local', 24, META_IIF),
    drop('out_link_local', 8, META_OIF),
  ];
}

/**
 * use_vmac's map (VMAC -> parent interface), set (IPv6) and rules in the
 * `out` chain. `haveOut`: accept mode made the chain already.
 */
export function vmacObjects(family: Family, names: FirewallNames, haveOut: boolean): NftMessage[] {
  const { chain, set, rule } = builders(family, names);
  const viaParent = [
    meta(META_OIFKIND),
    cmpEq(MACVLAN, REG_2),
    meta(META_OIF),
    lookup('vmac_map', SET_ID.vmacMap, REG_2, REG_2),
    dup(),
    verdict(NF_DROP),
  ];
  const icmp6 = (type: number): Expr[] => [
    meta(META_L4PROTO, REG_1),
    cmpEq(Uint8Array.of(IPPROTO_ICMPV6)),
    payload(PAYLOAD_TRANSPORT, 0, 1),
    cmpEq(Uint8Array.of(type)),
  ];
  const out: NftMessage[] = [
    set('vmac_map', SET_ID.vmacMap, [TYPE_IFINDEX, 4], 0, [TYPE_IFINDEX, 4]),
  ];
  if (family === 6) out.push(set('vmac_set', SET_ID.vmacSet, [TYPE_IFINDEX, 4]));
  if (!haveOut) out.push(chain('out', NF_INET_LOCAL_OUT));
  if (family === 4)
    out.push(
      rule(
        'out',
        payload(PAYLOAD_NETWORK, 9, 1),
        cmpEq(Uint8Array.of(IPPROTO_IGMP)),
        payload(PAYLOAD_NETWORK, 16, 4),
        ...viaParent,
      ),
    );
  else
    out.push(
      rule('out', ...icmp6(MLD2_REPORT), payload(PAYLOAD_NETWORK, 24, 16), ...viaParent),
      rule(
        'out',
        ...icmp6(ROUTER_SOLICIT),
        meta(META_OIFKIND),
        cmpEq(MACVLAN, REG_2),
        meta(META_OIF),
        lookup('vmac_set', SET_ID.vmacSet, REG_2),
        verdict(NF_DROP),
      ),
    );
  return out;
}

/** Adds (or removes) a VMAC to (from) the map and, for IPv6, the set. */
export function changeVmac(names: FirewallNames, link: VmacLink, add: boolean): NftMessage[] {
  const out = [
    elements(link.family, names, 'vmac_map', [[u32le(link.vmac), u32le(link.parent)]], add),
  ];
  if (link.family === 6) out.push(elements(6, names, 'vmac_set', [[u32le(link.vmac)]], add));
  return out;
}

/** Deletes the table of `family` (at stop). */
export function deleteTable(family: Family, names: FirewallNames): NftMessage {
  return msg(family, MSG.delTable, 0, (w) => w.cstr(TABLE_NAME, names.table));
}

function elements(
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

/** Adds (or removes) addresses of one family to (from) its sets: one message per set used. */
export function changeElements(
  family: Family,
  names: FirewallNames,
  addrs: readonly BlockedAddress[],
  add: boolean,
): NftMessage[] {
  const global = addrs.filter((a) => !isLinkLocal(a)).map(keyOf);
  const local = addrs.filter(isLinkLocal).map(keyOf);
  const out: NftMessage[] = [];
  const entries = (keys: Buffer[]): Array<[Buffer]> => keys.map((k) => [k]);
  if (global.length > 0) out.push(elements(family, names, 'vips', entries(global), add));
  if (local.length > 0) out.push(elements(family, names, 'vips_link_local', entries(local), add));
  return out;
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
