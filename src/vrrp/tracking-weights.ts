/**
 * What tracked objects (interfaces, scripts, processes) do to an instance,
 * as keepalived 2.2.7's vrrp_track.c computes it. Weight 0: FAULT while the
 * object is down (with reverse: while it is up). Otherwise the weight applies
 * when the object is in the state its sign names (a positive weight while
 * up, a negative one while down) and `reverse` flips the direction of the
 * change, not the state that triggers it: `weight 10 reverse` takes 10 off
 * while up. Pure.
 */
export interface TrackedState {
  /** For the FAULT reason: "tracked interface eth1", "script chk", ... */
  readonly what: string;
  readonly up: boolean;
  readonly weight: number;
  readonly reverse: boolean;
  /** How the reason says the two states ("up" / "down" unless given). */
  readonly words?: readonly [up: string, down: string];
}

export function weigh(
  base: number,
  tracked: readonly TrackedState[],
): { priority: number; faults: string[] } {
  let priority = base;
  const faults: string[] = [];
  for (const t of tracked) {
    if (t.weight === 0) {
      const [up, down] = t.words ?? ['up', 'down'];
      if (t.up === t.reverse) faults.push(`${t.what} ${t.up ? up : down}`);
    } else if ((t.weight > 0 && t.up) || (t.weight < 0 && !t.up)) {
      priority += t.reverse ? -t.weight : t.weight;
    }
  }
  return { priority, faults };
}

/** What implicitDevices reads of an instance's config. */
export interface DeviceUser {
  readonly interface: string | undefined;
  readonly useVmac?: { readonly name: string } | undefined;
  readonly vips: readonly { readonly dev: string | undefined; readonly noTrack: boolean }[];
  readonly excludedVips: readonly { readonly dev: string | undefined; readonly noTrack: boolean }[];
  readonly virtualRoutes: readonly { readonly dev?: string; readonly noTrack?: true }[];
  readonly virtualRules: readonly {
    readonly iif?: string;
    readonly oif?: string;
    readonly noTrack?: true;
  }[];
}

/**
 * The other interfaces an instance depends on and tracks without a
 * track_interface line, as keepalived's vrrp.c adds them (weight 0: FAULT
 * while one is down): the `dev` of each VIP and excluded VIP, of each
 * virtual route and the `iif` / `oif` of each virtual rule, unless the line
 * says `no_track`. Its own interface (and its VMAC) is tracked apart, under
 * dont_track_primary.
 */
export function implicitDevices(ic: DeviceUser): string[] {
  const own = new Set([ic.interface, ic.useVmac?.name]);
  const out = new Set<string>();
  const add = (dev: string | undefined, noTrack: boolean | undefined): void => {
    if (dev && !noTrack && !own.has(dev)) out.add(dev);
  };
  for (const v of [...ic.vips, ...ic.excludedVips]) add(v.dev, v.noTrack);
  for (const r of ic.virtualRoutes) add(r.dev, r.noTrack);
  for (const r of ic.virtualRules) {
    add(r.iif, r.noTrack);
    add(r.oif, r.noTrack);
  }
  return [...out];
}
