/**
 * linkbeat_use_polling and linkbeat_interfaces: keepalived's linkbeat
 * (vrrp_if.c, if_linkbeat_refresh_thread) for NICs whose driver does not
 * report carrier changes over netlink. Each such interface is probed every
 * second, with the probe its driver supports: the PHY's MII status register,
 * else ethtool's link, else the interface flags (up and running), or the
 * one the config names (falling back as keepalived does); the netlink link
 * events of these interfaces are not used.
 */
import type { HalbSys } from '../../platform/halb-sys';

export type LinkbeatKind = 'mii' | 'ethtool' | 'ioctl';

/** Once a second, as keepalived's POLLING_DELAY. */
export const POLL_MS = 1000;

interface Polled {
  /** The configured probe (undefined: the first that works). */
  readonly wanted: LinkbeatKind | undefined;
  kind: LinkbeatKind | undefined;
  up: boolean | undefined;
  timer: NodeJS.Timeout | undefined;
}

export class Linkbeat {
  private readonly polled = new Map<string, Polled>();

  constructor(
    private readonly sys: Pick<HalbSys, 'linkProbe'>,
    /** A polled interface's link state changed (and its first state). */
    private readonly report: (ifname: string, up: boolean) => void,
    private readonly log: (message: string) => void,
  ) {}

  /** The interfaces polled from now on, with their configured probe. */
  configure(wanted: ReadonlyMap<string, LinkbeatKind | undefined>): void {
    for (const [name, p] of [...this.polled]) {
      if (wanted.has(name) && wanted.get(name) === p.wanted) continue;
      if (p.timer) clearTimeout(p.timer);
      this.polled.delete(name);
    }
    for (const [name, kind] of wanted) {
      if (this.polled.has(name)) continue;
      const p: Polled = { wanted: kind, kind: undefined, up: undefined, timer: undefined };
      this.polled.set(name, p);
      this.poll(name, p);
    }
  }

  polls(ifname: string): boolean {
    return this.polled.has(ifname);
  }

  private poll(name: string, p: Polled): void {
    if (this.polled.get(name) !== p) return;
    let up: boolean;
    try {
      up = this.probe(name, p);
    } catch {
      up = false;
    }
    if (up !== p.up) {
      p.up = up;
      this.report(name, up);
    }
    p.timer = setTimeout(() => this.poll(name, p), POLL_MS);
  }

  /** keepalived's init_linkbeat_status, then the chosen probe and the flags. */
  private probe(name: string, p: Polled): boolean {
    const flags = (): boolean => this.sys.linkProbe(name, 'ioctl') === 1;
    if (p.kind === undefined) {
      const mii =
        p.wanted === undefined || p.wanted === 'mii' ? this.sys.linkProbe(name, 'mii') : -1;
      let link = mii;
      if (mii >= 0) p.kind = 'mii';
      else if (p.wanted !== 'ioctl') {
        // MII failed (or ETHTOOL was asked for): ethtool, and for ETHTOOL then MII.
        const e = this.sys.linkProbe(name, 'ethtool');
        if (e >= 0) [p.kind, link] = ['ethtool', e];
        else if (p.wanted === 'ethtool') {
          const m = this.sys.linkProbe(name, 'mii');
          if (m >= 0) [p.kind, link] = ['mii', m];
        }
      }
      if (p.kind === undefined) [p.kind, link] = ['ioctl', 1];
      if (p.wanted !== undefined && p.wanted !== p.kind)
        this.log(
          `(${name}): Configured linkbeat type ${p.wanted.toUpperCase()} not supported, using ${p.kind.toUpperCase()}`,
        );
      return link !== 0 && flags();
    }
    if (p.kind === 'ioctl') return flags();
    // A probe that fails now (the interface is gone) leaves it to the flags, as keepalived.
    return this.sys.linkProbe(name, p.kind) !== 0 && flags();
  }

  dispose(): void {
    for (const p of this.polled.values()) if (p.timer) clearTimeout(p.timer);
    this.polled.clear();
  }
}

/**
 * The interfaces to poll: every linkbeat_interfaces line, and with
 * linkbeat_use_polling (top level, or an instance's own) every interface
 * an instance tracks; never a VMAC, whose netlink events work.
 */
export function linkbeatInterfaces(
  lines: readonly (readonly string[])[],
  everywhere: boolean,
  used: readonly { readonly names: readonly string[]; readonly polling: boolean }[],
  vmacs: ReadonlySet<string>,
): Map<string, LinkbeatKind | undefined> {
  const out = new Map<string, LinkbeatKind | undefined>();
  for (const u of used)
    if (everywhere || u.polling)
      for (const n of u.names) if (!vmacs.has(n) && !out.has(n)) out.set(n, undefined);
  for (const [name, kind] of lines)
    if (name && !vmacs.has(name))
      out.set(name, kind ? (kind.toLowerCase() as LinkbeatKind) : undefined);
  return out;
}
