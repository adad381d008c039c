/**
 * A snapshot of the objects halb serves, sorted, and the answers to AgentX
 * Get, GetNext and GetBulk (RFC 2741 7.2.3) from it. Pure. A snapshot is made
 * for each request: a few thousand objects at most, and the values are then
 * those of one moment.
 */
import { compareOid, type Oid, type SearchRange, type Value, type VarBind } from './agentx-pdu';

const END: Value = { type: 'endOfMibView' };

export class MibView {
  private readonly entries: VarBind[];

  constructor(entries: readonly VarBind[]) {
    this.entries = [...entries].sort((a, b) => compareOid(a.oid, b.oid));
  }

  get size(): number {
    return this.entries.length;
  }

  /** Exact: the value, else noSuchInstance under an object halb has, noSuchObject elsewhere. */
  get(oid: Oid): VarBind {
    const i = this.lowerBound(oid);
    const e = this.entries[i];
    if (e && compareOid(e.oid, oid) === 0) return e;
    // Entries under one object are side by side: either neighbour of the place it would take.
    const column = oid.slice(0, -1);
    const has = (x: VarBind | undefined): boolean =>
      x !== undefined && compareOid(x.oid.slice(0, column.length), column) === 0;
    const under = column.length > 0 && (has(e) || has(this.entries[i - 1]));
    return { oid, value: { type: under ? 'noSuchInstance' : 'noSuchObject' } };
  }

  /** The first object after the range's start (at it when `include`), before its end. */
  next(r: SearchRange): VarBind {
    let i = this.lowerBound(r.start);
    const e = this.entries[i];
    if (e && !r.include && compareOid(e.oid, r.start) === 0) i++;
    const found = this.entries[i];
    if (!found || (r.end.length > 0 && compareOid(found.oid, r.end) >= 0))
      return { oid: r.start, value: END };
    return found;
  }

  /** GetBulk: the non-repeaters once, then max-repetitions rounds of the others. */
  bulk(ranges: readonly SearchRange[], nonRepeaters: number, maxRepetitions: number): VarBind[] {
    const out: VarBind[] = [];
    const n = Math.min(nonRepeaters, ranges.length);
    for (let i = 0; i < n; i++) out.push(this.next(ranges[i] as SearchRange));
    let current = ranges.slice(n);
    for (let rep = 0; rep < maxRepetitions && current.length > 0; rep++) {
      const round = current.map((r) => this.next(r));
      out.push(...round);
      if (round.every((vb) => vb.value.type === 'endOfMibView')) break;
      current = round.map((vb, i) => ({
        start: vb.oid,
        include: false,
        end: (current[i] as SearchRange).end,
      }));
    }
    return out;
  }

  /** The index of the first entry at or after `oid`. */
  private lowerBound(oid: Oid): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareOid((this.entries[mid] as VarBind).oid, oid) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
