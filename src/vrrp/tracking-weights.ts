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
