/**
 * static_ipaddress / static_routes / static_rules as keepalived 2.2.7 keeps
 * them: set when the VRRP side starts, before any instance runs; on a reload
 * only the differences (gone ones removed, new ones added, the others left
 * alone); an address someone else deletes is put back unless it says
 * no_track; all removed at stop (rules, routes, then addresses), after the
 * VIPs. Failures are logged; the rest still goes in.
 */
import type { Vip } from '../config/vrrp-config';
import type { Logger } from '../core/log';
import type { AddressManager } from './io/addresses';
import type { RouteManager } from './instance';
import type { RouteSpec, RuleSpec } from './routes';

export interface StaticsConfig {
  readonly addresses: readonly Vip[];
  readonly routes: readonly RouteSpec[];
  readonly rules: readonly RuleSpec[];
}

export const NO_STATICS: StaticsConfig = { addresses: [], routes: [], rules: [] };

export function hasStatics(s: StaticsConfig): boolean {
  return s.addresses.length + s.routes.length + s.rules.length > 0;
}

const key = (x: unknown): string => JSON.stringify(x);

/** What is in `a` and not in `b` (by value). */
function minus<T>(a: readonly T[], b: readonly T[]): T[] {
  const keys = new Set(b.map(key));
  return a.filter((x) => !keys.has(key(x)));
}

export class Statics {
  private current: StaticsConfig = NO_STATICS;
  private work: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: {
      readonly addresses: AddressManager;
      readonly routes: RouteManager;
      readonly indexOf: (ifname: string) => number;
      readonly log: Logger;
    },
  ) {}

  /** Sets `next`, removing what the last one had and this one does not. */
  apply(next: StaticsConfig): Promise<void> {
    const before = this.current;
    this.current = next;
    return this.queue(async () => {
      await this.removeAll({
        addresses: minus(before.addresses, next.addresses),
        routes: minus(before.routes, next.routes),
        rules: minus(before.rules, next.rules),
      });
      const add = {
        addresses: minus(next.addresses, before.addresses),
        routes: minus(next.routes, before.routes),
        rules: minus(next.rules, before.rules),
      };
      for (const a of add.addresses)
        await this.try(`static address ${a.address}`, () => this.addAddress(a));
      for (const r of add.routes)
        await this.try(`static route '${r.text}'`, () => this.deps.routes.addRoute(r));
      for (const r of add.rules)
        await this.try(`static rule '${r.text}'`, () => this.deps.routes.addRule(r));
      if (hasStatics(add))
        this.deps.log.info(
          `static addresses, routes and rules set: ${add.addresses.length}, ${add.routes.length}, ${add.rules.length}`,
        );
    });
  }

  /** An address went away somewhere: the tracked static ones that are missing go back. */
  restore(): Promise<void> {
    const wanted = this.current.addresses.filter((a) => !a.noTrack);
    if (wanted.length === 0) return this.work;
    return this.queue(async () => {
      for (const a of wanted) {
        const idx = this.ifindex(a);
        if (idx === undefined) continue;
        const present = await this.deps.addresses.list(idx, a.family).catch(() => undefined);
        if (!present || present.includes(a.address)) continue;
        this.deps.log.info(`Restoring deleted static address ${a.address}`);
        await this.try(`static address ${a.address}`, () => this.addAddress(a));
      }
    });
  }

  /** At stop: everything set, rules first. */
  clear(): Promise<void> {
    const all = this.current;
    this.current = NO_STATICS;
    return this.queue(() => this.removeAll(all));
  }

  private async removeAll(s: StaticsConfig): Promise<void> {
    for (const r of s.rules)
      await this.try(`static rule '${r.text}'`, () => this.deps.routes.removeRule(r));
    for (const r of s.routes)
      await this.try(`static route '${r.text}'`, () => this.deps.routes.removeRoute(r));
    for (const a of s.addresses) {
      const idx = this.ifindex(a);
      if (idx !== undefined)
        await this.try(`static address ${a.address}`, () => this.deps.addresses.remove(a, idx));
    }
  }

  private addAddress(a: Vip): Promise<void> {
    const idx = this.ifindex(a);
    if (idx === undefined)
      return Promise.reject(new Error(`interface ${a.dev ?? '?'} does not exist`));
    return this.deps.addresses.add(a, idx);
  }

  private ifindex(a: Vip): number | undefined {
    try {
      return this.deps.indexOf(a.dev ?? '');
    } catch {
      return undefined;
    }
  }

  private async try(what: string, op: () => Promise<void>): Promise<void> {
    try {
      await op();
    } catch (err) {
      this.deps.log.error(`${what}: ${(err as Error).message}`);
    }
  }

  private queue(op: () => Promise<void>): Promise<void> {
    this.work = this.work.then(op, op);
    return this.work;
  }
}
