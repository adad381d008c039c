/**
 * Load-time checks of vrrp_track_process blocks and the track_process lines
 * that name them (keepalived 2.2.7 reports each and drops the entry; halb
 * refuses the config, as it does for track_script).
 */
import type { BlockReport, ModelBlock } from './validate';

type Blocks = Record<string, ModelBlock>;

export function checkTrackProcesses(root: ModelBlock, report: BlockReport): void {
  const blocks = (root.vrrp_track_process ?? {}) as Blocks;
  for (const [name, b] of Object.entries(blocks)) {
    if (b.process === undefined)
      report(
        b,
        undefined,
        'error',
        `vrrp_track_process ${name}: process name not specified; add 'process NAME'`,
      );
    const q = b.quorum as number | undefined;
    const qmax = b.quorum_max as number | undefined;
    if (q !== undefined && qmax !== undefined && (qmax === 0 ? q > 1 : qmax < q))
      report(
        b,
        'quorum_max',
        'error',
        `vrrp_track_process ${name}: quorum_max ${qmax} is less than quorum ${q}`,
      );
  }
  const users: Array<[string, ModelBlock]> = [
    ...Object.entries((root.vrrp_instance ?? {}) as Blocks).map(
      ([n, b]) => [`vrrp_instance ${n}`, b] as [string, ModelBlock],
    ),
    ...Object.entries((root.vrrp_sync_group ?? {}) as Blocks).map(
      ([n, b]) => [`vrrp_sync_group ${n}`, b] as [string, ModelBlock],
    ),
  ];
  for (const [where, b] of users)
    for (const line of (b.track_process ?? []) as string[][])
      if (!((line[0] as string) in blocks)) {
        const known = Object.keys(blocks);
        report(
          b,
          'track_process',
          'error',
          `track_process '${line[0]}' in ${where} names no vrrp_track_process${known.length ? ` (defined: ${known.join(', ')})` : ''}`,
        );
      }
}
