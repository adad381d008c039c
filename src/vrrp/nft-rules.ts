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
import {
  builders,
  cmpEq,
  dup,
  elements,
  mask,
  meta,
  payload,
  lookup,
  u32le,
  verdict,
  MSG,
  NFT_GOTO,
  NF_ACCEPT,
  NF_DROP,
  NF_INET_LOCAL_IN,
  NF_INET_LOCAL_OUT,
  NLM_F_CREATE,
  IPPROTO_ICMPV6,
  META_L4PROTO,
  PAYLOAD_NETWORK,
  PAYLOAD_TRANSPORT,
  REG_1,
  REG_2,
  SET_CONSTANT,
  TYPE_ICMP6_TYPE,
  TYPE_IFINDEX,
  TYPE_IP6ADDR,
  TYPE_IPADDR,
  type Expr,
  type Family,
  type FirewallNames,
  type NftMessage,
} from '../platform/nft-wire';

export type { Family, FirewallNames, NftMessage } from '../platform/nft-wire';
export { frameBatch } from '../platform/nft-wire';
const META_IIF = 4;
const META_OIF = 5;
const META_OIFKIND = 27;
const IPPROTO_IGMP = 2;
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

/** fe80::/10 */
const LL_MASK = Uint8Array.from([0xff, 0xc0, ...new Array<number>(14).fill(0)]);
const LL_PREFIX = Uint8Array.from([0xfe, 0x80, ...new Array<number>(14).fill(0)]);

/** Set ids name sets created in the same batch (the kernel resolves a lookup by them). */
const SET_ID = { vips: 1, nd: 2, linkLocal: 3, vmacMap: 4, vmacSet: 5 };

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
  return builders(family, names).table(MSG.delTable, 0);
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
