/**
 * The engine's side of advert source addresses (choices in source-address.ts):
 * which instances lack one (they are in FAULT), and what follows when an
 * address comes or goes: the instance, its AH transport or socket take the
 * new one, or a track_src_ip socket binds to its returning address.
 */
import type { VrrpConfig, VrrpInstanceConfig } from '../config/vrrp-config';
import type { Logger } from '../core/log';
import { interfaceAddresses } from './io/interface-facts';
import { chooseSource, missingSource } from './source-address';

export interface SourceUser {
  readonly cfg: VrrpInstanceConfig;
  readonly source: string;
  setSource(address: string): void;
}

export interface SourceHooks<T> {
  readonly log: Pick<Logger, 'info' | 'warn'>;
  /** The instance's advert source changed: its transport follows. */
  moved(inst: T, address: string): void;
  /** A configured source (track_src_ip) is back on the interface. */
  returned(inst: T, address: string): void;
}

export class Sources<T extends SourceUser> {
  private readonly missing = new Set<T>();
  private vipCache: { cfg: VrrpConfig; set: ReadonlySet<string> } | undefined;

  constructor(private readonly hooks: SourceHooks<T>) {}

  /** Every VIP of the config: never an advert's source. */
  private vips(cfg: VrrpConfig): ReadonlySet<string> {
    if (this.vipCache?.cfg !== cfg) {
      const all = cfg.instances.flatMap((i) => [...i.vips, ...i.excludedVips]);
      this.vipCache = { cfg, set: new Set(all.map((v) => v.address)) };
    }
    return this.vipCache.set;
  }

  /** At the instance's start; undefined: none yet (call lacking() once the instance exists). */
  initial(ic: VrrpInstanceConfig & { interface: string }, cfg: VrrpConfig): string | undefined {
    return chooseSource(ic, interfaceAddresses(ic.interface, ic.family), this.vips(cfg), undefined);
  }

  lacking(inst: T): void {
    this.hooks.log.warn(`(${inst.cfg.name}) ${missingSource(inst.cfg)}: FAULT until it has`);
    this.missing.add(inst);
  }

  /** Why the instance is in FAULT for want of a source, if it is. */
  fault(inst: T): string | undefined {
    return this.missing.has(inst) ? missingSource(inst.cfg) : undefined;
  }

  get anyMissing(): boolean {
    return this.missing.size > 0;
  }

  forget(inst: T): void {
    this.missing.delete(inst);
  }

  /**
   * An address came or went: each instance keeps its source while the
   * interface holds it, else takes another or, with none left, waits in
   * FAULT (keepalived_netlink.c); track_src_ip does the same for a
   * configured source. True when some instance's FAULT changed.
   */
  refresh(instances: readonly T[], cfg: VrrpConfig): boolean {
    const ours = this.vips(cfg);
    let changed = false;
    let fresh = true;
    for (const inst of instances) {
      const ic = inst.cfg;
      if (!ic.interface || (ic.unicastSrc !== undefined && !ic.trackSrcIp)) continue;
      const held = interfaceAddresses(ic.interface, ic.family, fresh);
      fresh = false;
      const before = this.missing.has(inst) ? undefined : inst.source;
      const now = chooseSource(ic, held, ours, before);
      if (now === before) continue;
      if (now === undefined) {
        changed = true;
        this.missing.add(inst);
        this.hooks.log.warn(`(${ic.name}) ${missingSource(ic)}`);
        continue;
      }
      if (this.missing.delete(inst)) changed = true;
      if (ic.unicastSrc !== undefined) {
        this.hooks.returned(inst, now);
        continue;
      }
      if (now !== inst.source) this.hooks.log.info(`(${ic.name}) adverts now leave from ${now}`);
      inst.setSource(now);
      this.hooks.moved(inst, now);
    }
    return changed;
  }
}
