/**
 * Load-time checks of bfd_instance blocks and the track_bfd lines that name
 * them. keepalived 2.2.7 (bfd_parser.c, vrrp_track.c) reports each and
 * disables the instance or ignores the line; halb refuses the config, as it
 * does for a track_script naming nothing, except where keepalived corrects
 * the value (max_hops above the TTL), which is a warning.
 */
import * as net from 'node:net';
import { canonicalIp } from '../vrrp/checksum';
import type { BlockReport, ModelBlock } from './validate';

type Blocks = Record<string, ModelBlock>;

export function checkBfd(root: ModelBlock, report: BlockReport): void {
  const blocks = (root.bfd_instance ?? {}) as Blocks;
  const seen: Array<{ name: string; nbr: string; src: string | undefined }> = [];
  for (const [name, b] of Object.entries(blocks)) {
    const where = `bfd_instance ${name}`;
    if (name.length >= 32)
      report(b, undefined, 'error', `${where}: the name is longer than 31 characters; shorten it`);
    const nbr = (b.neighbor_ip ?? b.neighbour_ip) as string | undefined;
    if (nbr === undefined) {
      report(b, undefined, 'error', `${where} has no neighbor_ip; add 'neighbor_ip ADDRESS'`);
      continue;
    }
    const src = b.source_ip as string | undefined;
    if (src !== undefined && net.isIP(src) !== net.isIP(nbr))
      report(
        b,
        'source_ip',
        'error',
        `${where}: source_ip ${src} and neighbor_ip ${nbr} are of different address families`,
      );
    // keepalived's find_bfd_by_addr: the same neighbour, and a source on neither or the same one.
    const fam = net.isIPv6(nbr) ? 6 : 4;
    const me = {
      nbr: canonicalIp(nbr, fam),
      src: src === undefined ? undefined : canonicalIp(src, fam),
    };
    const other = seen.find(
      (o) => o.nbr === me.nbr && (o.src === undefined || me.src === undefined || o.src === me.src),
    );
    if (other)
      report(
        b,
        'neighbor_ip',
        'error',
        `${where}: bfd_instance ${other.name} already has neighbor ${nbr}${src ? ` from ${src}` : ''}; one session per neighbor and source`,
      );
    else seen.push({ name, ...me });
    const ttl =
      (b.ttl as number | undefined) ??
      (b.hoplimit as number | undefined) ??
      (net.isIPv6(nbr) ? 64 : 255);
    const hops = b.max_hops as number | undefined;
    if (hops !== undefined && hops > ttl)
      report(
        b,
        'max_hops',
        'warning',
        `${where}: max_hops ${hops} exceeds ttl/hoplimit ${ttl} - setting to ${ttl}`,
      );
  }
  const forVrrp = new Set(
    Object.entries(blocks)
      .filter(([, b]) => b.vrrp === true || b.checker !== true)
      .map(([n]) => n),
  );
  const users: Array<[string, ModelBlock]> = [
    ...Object.entries((root.vrrp_instance ?? {}) as Blocks).map(
      ([n, b]) => [`vrrp_instance ${n}`, b] as [string, ModelBlock],
    ),
    ...Object.entries((root.vrrp_sync_group ?? {}) as Blocks).map(
      ([n, b]) => [`vrrp_sync_group ${n}`, b] as [string, ModelBlock],
    ),
  ];
  for (const [where, b] of users) {
    const named = new Set<string>();
    for (const line of (b.track_bfd ?? []) as string[][]) {
      const name = line[0] as string;
      if (named.has(name))
        report(b, 'track_bfd', 'warning', `${where}: duplicate track_bfd ${name} - ignoring`);
      named.add(name);
      if (forVrrp.has(name)) continue;
      const known = Object.keys(blocks);
      report(
        b,
        'track_bfd',
        'error',
        name in blocks
          ? `track_bfd '${name}' in ${where}: bfd_instance ${name} sends its events to the checker only; add 'vrrp' to it`
          : `track_bfd '${name}' in ${where} names no bfd_instance${known.length ? ` (defined: ${known.join(', ')})` : ''}`,
      );
    }
  }
  checkBfdChecks(root, blocks, report);
}

/** BFD_CHECK blocks (keepalived's check_bfd.c skips the checker; halb refuses). */
function checkBfdChecks(root: ModelBlock, blocks: Blocks, report: BlockReport): void {
  const forChecker = (b: ModelBlock): boolean => b.checker === true || b.vrrp !== true;
  for (const vs of (root.virtual_server ?? []) as ModelBlock[]) {
    const vsName = ((vs.$args ?? []) as string[]).join(' ');
    for (const rs of (vs.real_server ?? []) as ModelBlock[]) {
      const where = `real_server ${((rs.$args ?? []) as string[]).join(' ')} of virtual_server ${vsName}`;
      const named = new Set<string>();
      for (const c of (rs.BFD_CHECK ?? []) as ModelBlock[]) {
        const name = c.name as string | undefined;
        if (name === undefined) {
          report(
            c,
            undefined,
            'error',
            `BFD_CHECK of ${where} has no name; add 'name BFD_INSTANCE'`,
          );
          continue;
        }
        const b = blocks[name];
        if (!b) {
          const known = Object.keys(blocks);
          report(
            c,
            'name',
            'error',
            `BFD_CHECK of ${where}: BFD ${name} not configured${known.length ? ` (defined: ${known.join(', ')})` : '; add a bfd_instance block'}`,
          );
        } else if (!forChecker(b))
          report(
            c,
            'name',
            'error',
            `BFD_CHECK of ${where}: bfd_instance ${name} sends its events to VRRP only; add 'checker' to it`,
          );
        else if (named.has(name))
          report(
            c,
            'name',
            'warning',
            `BFD_CHECK of ${where}: RS already monitoring ${name} - ignoring`,
          );
        named.add(name);
      }
    }
  }
}
