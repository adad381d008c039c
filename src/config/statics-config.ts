/**
 * The static_* blocks as the VRRP side runs them: entries parsed (a
 * static_ipaddress without dev goes on default_interface, eth0), and for
 * each vrrp_instance the interfaces that its track_groups make it track.
 */
import type { ModelBlock } from './validate';
import { lines, option, str } from './access';
import { withoutTrackGroup } from './track-group';
import { parseVip, type Tracked, type Vip } from './vrrp-config';
import { parseRoute, parseRule } from '../vrrp/routes';
import type { StaticsConfig } from '../vrrp/statics';

function parsedOrNone<T>(words: readonly string[], parse: (w: readonly string[]) => T): T[] {
  try {
    return [parse(words)];
  } catch {
    return []; // warned about at load
  }
}

export function staticsOf(root: ModelBlock): {
  statics: StaticsConfig;
  /** Instance name -> interfaces tracked with weight 0 because of a track_group. */
  tracking: Map<string, Tracked[]>;
} {
  const g = root.global_defs as ModelBlock | undefined;
  const defaultDev = str(g, 'default_interface') ?? 'eth0';
  const addrs = lines(root, 'static_ipaddress').map(withoutTrackGroup);
  const routes = lines(root, 'static_routes').map(withoutTrackGroup);
  const rules = lines(root, 'static_rules').map(withoutTrackGroup);
  const statics: StaticsConfig = {
    addresses: addrs
      .map((s) => parseVip(s.words, defaultDev))
      .filter((v): v is Vip => v !== undefined),
    routes: routes.flatMap((s) => parsedOrNone(s.words, parseRoute)),
    rules: rules.flatMap((s) => parsedOrNone(s.words, parseRule)),
  };
  // track_group NAME: the group's instances track the entry's interface (not with no_track).
  const byGroup = new Map<string, Set<string>>();
  const note = (group: string | undefined, dev: string | undefined, words: string[]): void => {
    if (!group || !dev || words.includes('no_track')) return;
    byGroup.set(group, (byGroup.get(group) ?? new Set()).add(dev));
  };
  for (const s of addrs) note(s.group, option(s.words, 'dev') ?? defaultDev, s.words);
  for (const s of routes) note(s.group, option(s.words, 'dev') ?? option(s.words, 'oif'), s.words);
  for (const s of rules) note(s.group, option(s.words, 'dev') ?? option(s.words, 'iif'), s.words);
  const tracking = new Map<string, Tracked[]>();
  for (const [name, tg] of Object.entries((root.track_group ?? {}) as Record<string, ModelBlock>))
    for (const inst of lines(tg, 'group').flat())
      for (const dev of byGroup.get(name) ?? []) {
        const list = tracking.get(inst) ?? [];
        if (!list.some((t) => t.name === dev)) list.push({ name: dev, weight: 0, reverse: false });
        tracking.set(inst, list);
      }
  return { statics, tracking };
}
