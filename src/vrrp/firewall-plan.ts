/**
 * What the accept-mode firewall must send for each change, and what the
 * kernel holds: a family's table is created with its first blocked address;
 * an address in the sets is counted (two instances may name one VIP), added
 * on its first block and removed on its last unblock. Each change comes with
 * an undo, for when the kernel refuses its transaction (which then changed
 * nothing). Pure.
 */
import {
  changeElements,
  createTable,
  deleteTable,
  type BlockedAddress,
  type Family,
  type FirewallNames,
  type NftMessage,
} from './nft-rules';

export interface Change {
  readonly messages: readonly NftMessage[];
  /** The kernel refused the messages: forget this change. */
  readonly undo: () => void;
}

const keyOf = (a: BlockedAddress): string =>
  `${a.family}/${Buffer.from(a.bytes).toString('hex')}%${a.ifindex}`;

export class FirewallPlan {
  private readonly counts = new Map<string, number>();
  private readonly tables = new Set<Family>();

  constructor(readonly names: FirewallNames) {}

  /** Messages that block `addrs` (creating a family's table first when needed). */
  block(addrs: readonly BlockedAddress[]): Change {
    const added = this.count(addrs, +1);
    const created = ([4, 6] as const).filter(
      (f) => !this.tables.has(f) && added.some((a) => a.family === f),
    );
    for (const f of created) this.tables.add(f);
    const messages = ([4, 6] as const).flatMap((f) => [
      ...(created.includes(f) ? createTable(f, this.names) : []),
      ...changeElements(
        f,
        this.names,
        added.filter((a) => a.family === f),
        true,
      ),
    ]);
    return {
      messages,
      undo: () => {
        this.count(addrs, -1);
        for (const f of created) this.tables.delete(f);
      },
    };
  }

  /** Messages that unblock `addrs` (those no other block still holds). */
  unblock(addrs: readonly BlockedAddress[]): Change {
    const removed = this.count(addrs, -1);
    const messages = ([4, 6] as const).flatMap((f) =>
      this.tables.has(f)
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
    const out = [...this.tables].map((f) => deleteTable(f, this.names));
    this.tables.clear();
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
