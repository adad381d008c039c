/**
 * keepalived's `track_group NAME` option on static_ipaddress / static_routes /
 * static_rules lines: the instances of that top-level `track_group` block
 * track the entry's interface (weight 0: FAULT while it is down). The option
 * is taken off the line before the line is read as a VIP, route or rule.
 */
export interface TrackGroupSplit {
  readonly words: string[];
  /** The group named, or '' when the option lacks its name. */
  readonly group: string | undefined;
  /** Where the option was, for messages. */
  readonly at: number;
}

export function withoutTrackGroup(line: readonly string[]): TrackGroupSplit {
  const at = line.indexOf('track_group');
  if (at < 0) return { words: [...line], group: undefined, at: -1 };
  return {
    words: [...line.slice(0, at), ...line.slice(at + 2)],
    group: line[at + 1] ?? '',
    at,
  };
}
