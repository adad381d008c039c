/**
 * What the VRRP firewall must send for each change, and what the kernel
 * holds: a family's table is created with its first use, accept mode's
 * objects with its first blocked address, use_vmac's with its first VMAC; an
 * address in the sets is counted (two instances may name one VIP), added
 * on its first block and removed on its last unblock. Each change comes with
 * an undo, for when the kernel refuses its transaction (which then changed
 * nothing). Pure.
 */
import {
  acceptObjects,
  changeElements,
  isLinkLocal,
  linkLocalObjects,
  changeVmac,
  createTable,
  deleteTable,
  vmacObjects,
  type BlockedAddress,
  type Family,
  type FirewallNames,
  type NftMessage,
  type VmacLink,
} from './nft-rules';

/** linkLocal: the set of link-local VIPs and its rules, inside accept mode's chains. */
type Part = 'accept' | 'linkLocal' | 'vmac';

export interface Change {
  readonly messages: readonly NftMessage[];
  /** The kernel refused the messages: forget this change. */
  readonly undo: () => void;
}

const keyOf = (a: BlockedAddress): string =>
  `${a.family}/${Buffer.from(a.bytes).toString('hex')}%${a.ifindex}`;

export class FirewallPlan {
  private readonly counts = new Map<string, number>();
  /** Per family, the parts its table holds (a family with an entry has its table). */
  private readonly parts = new Map<Family, Set<Part>>();

  constructor(readonly names: FirewallNames) {}

  /** Messages creating what `part` needs in `family`'s table; its undo. */
  private ensure(family: Family, part: Part): { messages: NftMessage[]; undo: () => void } {
    const had = this.parts.get(family);
    if (had?.has(part)) return { messages: [], undo: () => undefined };
    // The `out` chain comes with accept mode's or use_vmac's objects, whichever is first.
    const haveOut = had?.has('accept') === true || had?.has('vmac') === true;
    const messages = [
      ...(had ? [] : createTable(family, this.names)),
      ...(part === 'accept'
        ? acceptObjects(family, this.names, haveOut)
        : part === 'linkLocal'
          ? linkLocalObjects(this.names)
          : vmacObjects(family, this.names, haveOut)),
    ];
    const parts = had ?? new Set<Part>();
    parts.add(part);
    this.parts.set(family, parts);
    return {
      messages,
      undo: () => {
        parts.delete(part);
        if (parts.size === 0) this.parts.delete(family);
      },
    };
  }

  /** Messages that block `addrs` (creating accept mode's objects first when needed). */
  block(addrs: readonly BlockedAddress[]): Change {
    const added = this.count(addrs, +1);
    const made = ([4, 6] as const)
      .filter((f) => added.some((a) => a.family === f))
      .map((f) => this.ensure(f, 'accept'));
    if (added.some(isLinkLocal)) made.push(this.ensure(6, 'linkLocal'));
    const messages = [
      ...made.flatMap((m) => m.messages),
      ...([4, 6] as const).flatMap((f) =>
        changeElements(
          f,
          this.names,
          added.filter((a) => a.family === f),
          true,
        ),
      ),
    ];
    return {
      messages,
      undo: () => {
        this.count(addrs, -1);
        for (const m of made) m.undo();
      },
    };
  }

  /** Messages that send a VMAC's IGMP / MLD reports out of its parent instead. */
  addVmac(link: VmacLink): Change {
    const made = this.ensure(link.family, 'vmac');
    return {
      messages: [...made.messages, ...changeVmac(this.names, link, true)],
      undo: made.undo,
    };
  }

  /** Messages that take a VMAC out of the map (before it is deleted). */
  removeVmac(link: VmacLink): Change {
    const has = this.parts.get(link.family)?.has('vmac') ?? false;
    return { messages: has ? changeVmac(this.names, link, false) : [], undo: () => undefined };
  }

  /** Messages that unblock `addrs` (those no other block still holds). */
  unblock(addrs: readonly BlockedAddress[]): Change {
    const removed = this.count(addrs, -1);
    const messages = ([4, 6] as const).flatMap((f) =>
      this.parts.get(f)?.has('accept')
        ? changeElements(
            f,
            this.names,
            removed.filter((a) => a.family === f),
            false,
          )
        : [],
    );
    return { messages, undo: () => this.count(addrs, +1) };
  }

  /** Messages that delete every table created (at stop). */
  teardown(): NftMessage[] {
    const out = [...this.parts.keys()].map((f) => deleteTable(f, this.names));
    this.parts.clear();
    this.counts.clear();
    return out;
  }

  /** Whether anything is blocked now. */
  get blocking(): number {
    return this.counts.size;
  }

  /**
   * Moves each address's count by `by`; returns those that crossed zero (to
   * add to or remove from the sets). Unblocking what is not blocked does nothing.
   */
  private count(addrs: readonly BlockedAddress[], by: 1 | -1): BlockedAddress[] {
    const crossed: BlockedAddress[] = [];
    const seen = new Set<string>();
    for (const a of addrs) {
      const k = keyOf(a);
      if (seen.has(k)) continue;
      seen.add(k);
      const n = this.counts.get(k) ?? 0;
      if (by < 0 && n === 0) continue;
      const next = n + by;
      if (next === 0) this.counts.delete(k);
      else this.counts.set(k, next);
      if ((by > 0 && n === 0) || next === 0) crossed.push(a);
    }
    return crossed;
  }
}
