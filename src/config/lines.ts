/**
 * Entries of list blocks (`virtual_ipaddress { ... }`, `track_interface { ... }`
 * ...): each line is checked by the validator its LineKind names. A message
 * names the option that is wrong and, for a typo, the option meant.
 */
import { withoutTrackGroup } from './track-group';
import * as net from 'node:net';
import type { LineKind } from './schema/types';
import { closest } from './suggest';

export interface LineProblem {
  /** Index of the word at fault (0 = the first word of the line). */
  readonly word: number;
  readonly message: string;
}

function ipWithPrefix(w: string): 0 | 4 | 6 {
  const [addr, prefix, extra] = w.split('/');
  if (extra !== undefined || addr === undefined) return 0;
  const fam = net.isIP(addr);
  if (fam === 0) return 0;
  if (prefix !== undefined) {
    if (!/^\d+$/.test(prefix)) return 0;
    if (Number(prefix) > (fam === 4 ? 32 : 128)) return 0;
  }
  return fam as 4 | 6;
}

function intIn(w: string | undefined, min: number, max: number): boolean {
  return w !== undefined && /^[+-]?\d+$/.test(w) && Number(w) >= min && Number(w) <= max;
}

/** Options with a value, and flags, that may follow the first word. */
function options(
  words: readonly string[],
  from: number,
  withValue: Readonly<Record<string, (v: string) => string | undefined>>,
  flags: readonly string[],
): LineProblem | undefined {
  for (let i = from; i < words.length; i++) {
    const w = words[i] as string;
    if (flags.includes(w)) continue;
    const check = withValue[w];
    if (check) {
      const v = words[i + 1];
      if (v === undefined) return { word: i, message: `'${w}' needs a value` };
      const bad = check(v);
      if (bad) return { word: i + 1, message: bad };
      i++;
      continue;
    }
    const guess = closest(w, [...Object.keys(withValue), ...flags]);
    return {
      word: i,
      message: `unknown option '${w}'${guess ? `; did you mean '${guess}'?` : ''}`,
    };
  }
  return undefined;
}

const weight = (min: number, max: number) => (v: string) =>
  intIn(v, min, max) ? undefined : `weight ${v} is outside [${min}, ${max}]`;
const ip = (v: string): string | undefined =>
  ipWithPrefix(v) ? undefined : `'${v}' is not an IP address`;
const any = (): undefined => undefined;
const ttl = (v: string): string | undefined =>
  intIn(v, 0, 255) ? undefined : `TTL ${v} is outside [0, 255]`;

const VIP_OPTIONS = {
  brd: ip,
  broadcast: ip,
  dev: any,
  scope: any,
  label: any,
  peer: ip,
  preferred_lft: (v: string) =>
    v === 'forever' || v === 'infinite' || intIn(v, 0, 0xffffffff)
      ? undefined
      : `preferred_lft '${v}' is not a number of seconds or 'forever'`,
  metric: any,
};
const VIP_FLAGS = [
  'no_track',
  'home',
  'nodad',
  '-nodad',
  'mngtmpaddr',
  'noprefixroute',
  'autojoin',
];

/** A static line: its track_group option checked and taken off, the rest checked as `base`. */
function checkStatic(base: LineKind, words: readonly string[]): LineProblem | undefined {
  const split = withoutTrackGroup(words);
  if (split.group === '') return { word: split.at, message: 'track_group needs a group name' };
  const problem = checkLine(base, split.words);
  // Word positions after the option move back by its two words.
  if (problem && split.at >= 0 && problem.word >= split.at)
    return { ...problem, word: problem.word + 2 };
  return problem;
}

export function checkLine(kind: LineKind, words: readonly string[]): LineProblem | undefined {
  const first = words[0] as string;
  switch (kind) {
    case 'static_vip':
      return checkStatic('vip', words);
    case 'static_vroute':
      return checkStatic('vroute', words);
    case 'static_vrule':
      return checkStatic('vrule', words);
    case 'vip':
      if (!ipWithPrefix(first))
        return { word: 0, message: `'${first}' is not an IP address or IP/prefix` };
      return options(words, 1, VIP_OPTIONS, VIP_FLAGS);
    case 'vroute':
      return checkRoute(words);
    case 'vrule':
      return checkRule(words);
    case 'names':
      return undefined;
    case 'track_interface':
      return options(words, 1, { weight: weight(-253, 253) }, ['reverse']);
    case 'track_script':
      return options(words, 1, { weight: weight(-253, 253) }, ['reverse', 'no_reverse']);
    case 'track_file':
      return options(words, 1, { weight: weight(-254, 254) }, ['reverse', 'noreverse']);
    case 'track_process':
      return options(words, 1, { weight: weight(-254, 254) }, ['reverse']);
    case 'track_bfd':
      return options(words, 1, { weight: weight(-253, 253) }, ['reverse', 'noreverse']);
    case 'unicast_peer':
      if (!net.isIP(first)) return { word: 0, message: `'${first}' is not an IP address` };
      return options(words, 1, { min_ttl: ttl, max_ttl: ttl }, []);
    case 'email':
      // keepalived takes any word (a local user name such as 'acassen' included).
      return undefined;
    case 'vsg_entry': {
      if (first === 'fwmark') {
        if (!intIn(words[1], 1, 0xffffffff))
          return { word: 1, message: 'fwmark needs a mark in [1, 4294967295]' };
        return options(words, 2, {}, ['inet', 'inet6']);
      }
      const range = /^([^-/]+)-([0-9a-fA-F]+)$/.exec(first);
      if (!(range ? net.isIP(range[1] as string) : ipWithPrefix(first))) {
        return {
          word: 0,
          message: `'${first}' is not an IP, an IP range (a.b.c.d-e) or IP/prefix`,
        };
      }
      if (words[1] !== undefined && !intIn(words[1], 0, 65535))
        return { word: 1, message: `port ${words[1]} is outside [0, 65535]` };
      return words.length > 2 ? { word: 2, message: `unexpected '${words[2]}'` } : undefined;
    }
    case 'interface_delay':
      if (!/^\d+(\.\d+)?$/.test(words[1] ?? ''))
        return { word: 1, message: 'needs a down delay in seconds' };
      return words[2] !== undefined && !/^\d+(\.\d+)?$/.test(words[2])
        ? { word: 2, message: 'the up delay must be seconds' }
        : undefined;
    case 'linkbeat_interface':
      return options(words, 1, {}, ['MII', 'ETHTOOL', 'IOCTL']);
  }
}

const ROUTE_TYPES = [
  'unicast',
  'blackhole',
  'unreachable',
  'prohibit',
  'throw',
  'local',
  'broadcast',
  'anycast',
  'multicast',
  'nat',
];
/** Words of `ip route` / `ip rule` whose value is an address. */
const ROUTE_ADDRESS_OPTIONS = new Set(['src', 'via', 'gw', 'or', 'from', 'to']);

function addressArgs(words: readonly string[], from: number): LineProblem | undefined {
  for (let i = from; i < words.length - 1; i++) {
    const w = words[i] as string;
    if (!ROUTE_ADDRESS_OPTIONS.has(w)) continue;
    let v = words[i + 1] as string;
    if (v === 'inet' || v === 'inet6') v = words[i + 2] ?? '';
    if (v !== 'all' && v !== 'default' && !ipWithPrefix(v))
      return { word: i + 1, message: `'${w}' needs an address, not '${v}'` };
  }
  return undefined;
}

function checkRoute(words: readonly string[]): LineProblem | undefined {
  let i = 0;
  if (ROUTE_TYPES.includes(words[0] as string)) i = 1;
  const dest = words[i];
  if (
    dest !== undefined &&
    !ROUTE_ADDRESS_OPTIONS.has(dest) &&
    dest !== 'default' &&
    !ipWithPrefix(dest)
  ) {
    return {
      word: i,
      message: `route destination '${dest}' is not an address, prefix or 'default'`,
    };
  }
  return addressArgs(words, i + 1);
}

function checkRule(words: readonly string[]): LineProblem | undefined {
  return addressArgs(words, 0);
}
