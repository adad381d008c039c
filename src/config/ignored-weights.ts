/**
 * The tracking weights keepalived 2.2.7 will not use (vrrp.c,
 * vrrp_complete_instance and sync_group_tracking_init):
 *
 * - a member of a vrrp_sync_group without `sync_group_tracking_weight`, and an
 *   address owner (priority 255), ignore the weights of their own tracking:
 *   a weighted track_interface becomes unweighted (down means FAULT) in a
 *   sync group and is not tracked at all by an address owner; a weighted
 *   track_script or track_bfd is dropped; a track_file with the default
 *   weight 1 becomes unweighted and one with another weight is dropped;
 *   track_process is left alone;
 * - a sync group's own tracking keeps its weights unless a member is an
 *   address owner, which makes them 0.
 *
 * Pure: the model in, the rulings out; vrrp-config applies them and
 * semantics reports them at the line.
 */
import { lines, option, weighted } from './access';
import type { ModelBlock } from './validate';

type Blocks = Record<string, ModelBlock>;

export type TrackKind = 'track_interface' | 'track_script' | 'track_file' | 'track_bfd';

export interface WeightRuling {
  readonly kind: TrackKind;
  readonly name: string;
  /** unweight: tracked with weight 0 (FAULT while failed); drop: not tracked. */
  readonly action: 'unweight' | 'drop';
  readonly message: string;
  /** The tracking line, for its position. */
  readonly line: readonly string[];
}

const OWNER = 255;

function groupOf(root: ModelBlock, instance: string): [string, ModelBlock] | undefined {
  for (const [gname, sg] of Object.entries((root.vrrp_sync_group ?? {}) as Blocks))
    if (lines(sg, 'group').flat().includes(instance)) return [gname, sg];
  return undefined;
}

/** The weight a tracking line gives: its own `weight`, else the tracked object's, else the default. */
function lineWeight(line: readonly string[], own: unknown, dflt: number): number {
  const w = option(line, 'weight');
  if (w !== undefined) return Number(w);
  return weighted(own)?.weight ?? dflt;
}

function blockOf(root: ModelBlock, keys: readonly string[], name: string): ModelBlock | undefined {
  for (const k of keys) {
    const b = ((root[k] ?? {}) as Blocks)[name];
    if (b) return b;
  }
  return undefined;
}

/** Each tracking line of a block with the weight it gives. */
function weightsOf(
  root: ModelBlock,
  b: ModelBlock,
  kind: TrackKind,
): Array<[string, number, readonly string[]]> {
  return lines(b, kind).map((line) => {
    const name = line[0] as string;
    const weight =
      kind === 'track_interface'
        ? lineWeight(line, undefined, 0)
        : kind === 'track_script'
          ? lineWeight(line, blockOf(root, ['vrrp_script'], name)?.weight, 0)
          : kind === 'track_file'
            ? lineWeight(line, blockOf(root, ['track_file', 'vrrp_track_file'], name)?.weight, 1)
            : lineWeight(line, blockOf(root, ['bfd_instance'], name)?.weight, 0);
    return [name, weight, line];
  });
}

const KINDS: readonly TrackKind[] = ['track_interface', 'track_script', 'track_file', 'track_bfd'];

/** The instance's own tracking lines whose weights keepalived ignores. */
export function instanceWeightRulings(
  root: ModelBlock,
  name: string,
  vi: ModelBlock,
): WeightRuling[] {
  const group = groupOf(root, name);
  const owner = vi.priority === OWNER;
  const syncRule = group !== undefined && !group[1].sync_group_tracking_weight;
  if (!syncRule && !owner) return [];
  const why = syncRule
    ? 'it is in vrrp_sync_group ' + group[0]
    : 'it is the address owner (priority 255)';
  const fix = syncRule
    ? `; add 'sync_group_tracking_weight' to vrrp_sync_group ${group[0]} to use the weights`
    : '; weights cannot lower priority 255';
  const out: WeightRuling[] = [];
  for (const kind of KINDS)
    for (const [tname, weight, line] of weightsOf(root, vi, kind)) {
      if (weight === 0) continue;
      const action: WeightRuling['action'] =
        kind === 'track_interface'
          ? syncRule
            ? 'unweight'
            : 'drop'
          : kind === 'track_file' && weight === 1
            ? 'unweight'
            : 'drop';
      const effect =
        action === 'drop'
          ? `${kind} ${tname} (weight ${weight}) is ignored`
          : kind === 'track_file'
            ? `the weight of ${kind} ${tname} is ignored (a non-zero value means FAULT; write 'weight 0' to say so)`
            : `the weight of ${kind} ${tname} is ignored (down means FAULT)`;
      out.push({
        kind,
        name: tname,
        action,
        line,
        message: `vrrp_instance ${name}: ${effect}, as keepalived does, because ${why}${fix}`,
      });
    }
  return out;
}

/** A sync group's own weighted tracking, made unweighted when a member is an address owner. */
export function groupWeightRulings(
  root: ModelBlock,
  gname: string,
  sg: ModelBlock,
): WeightRuling[] {
  const instances = (root.vrrp_instance ?? {}) as Blocks;
  const owner = lines(sg, 'group')
    .flat()
    .find((m) => instances[m]?.priority === OWNER);
  if (owner === undefined) return [];
  const out: WeightRuling[] = [];
  for (const kind of KINDS)
    for (const [tname, weight, line] of weightsOf(root, sg, kind))
      if (weight !== 0)
        out.push({
          kind,
          name: tname,
          action: 'unweight',
          line,
          message: `vrrp_sync_group ${gname}: the weight of ${kind} ${tname} is ignored, as keepalived does, because member ${owner} is the address owner (priority 255); a failure means FAULT`,
        });
  return out;
}
