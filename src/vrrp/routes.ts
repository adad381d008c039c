/**
 * virtual_routes / virtual_rules lines (`ip route` / `ip rule` syntax, as
 * keepalived takes them) parsed into what rtnetlink needs. Pure. Supported:
 * route [TYPE] DEST|default [src A] [via|gw A] [dev IF] [table N] [metric N]
 * [scope S] [proto N] [onlink] [no_track]; rule [from P] [to P] [table|lookup
 * N] [priority|preference|pref N] [fwmark M[/MASK]] [iif IF] [oif IF]
 * [blackhole|unreachable|prohibit] [no_track]. Anything else is an error
 * naming the word.
 */
import * as net from 'node:net';

export type RouteType = 'unicast' | 'blackhole' | 'unreachable' | 'prohibit' | 'throw' | 'local';

export interface RouteSpec {
  readonly family: 4 | 6;
  readonly type: RouteType;
  readonly dst: string;
  readonly dstLen: number;
  readonly src?: string;
  readonly via?: string;
  readonly dev?: string;
  readonly table?: number;
  readonly metric?: number;
  readonly scope?: number;
  readonly protocol?: number;
  readonly onlink: boolean;
  /** no_track: its device going down does not put the instance in FAULT. */
  readonly noTrack?: true;
  /** The line as written, for messages. */
  readonly text: string;
}

export interface RuleSpec {
  readonly family: 4 | 6;
  readonly from?: { readonly address: string; readonly len: number };
  readonly to?: { readonly address: string; readonly len: number };
  readonly table?: number;
  readonly priority?: number;
  readonly fwmark?: number;
  readonly fwmask?: number;
  readonly iif?: string;
  readonly oif?: string;
  readonly action: 'lookup' | 'blackhole' | 'unreachable' | 'prohibit';
  /** no_track: its interfaces going down do not put the instance in FAULT. */
  readonly noTrack?: true;
  readonly text: string;
}

const ROUTE_TYPES: readonly RouteType[] = [
  'unicast',
  'blackhole',
  'unreachable',
  'prohibit',
  'throw',
  'local',
];
const SCOPES: Record<string, number> = { global: 0, universe: 0, site: 200, link: 253, host: 254 };
const TABLES: Record<string, number> = { default: 253, main: 254, local: 255 };

function prefix(text: string): { address: string; len: number; family: 4 | 6 } {
  const [a, l] = text.split('/');
  const family = net.isIP(a ?? '');
  if (family === 0) throw new Error(`'${text}' is not an address or prefix`);
  const max = family === 4 ? 32 : 128;
  const len = l === undefined ? max : Number(l);
  if (!Number.isInteger(len) || len < 0 || len > max)
    throw new Error(`'${text}': prefix length must be 0..${max}`);
  return { address: a as string, len, family: family as 4 | 6 };
}

function int(word: string | undefined, what: string, max = 0xffffffff): number {
  const n = word !== undefined && /^(0x[0-9a-f]+|\d+)$/i.test(word) ? Number(word) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > max)
    throw new Error(`${what} needs a number, not '${word ?? ''}'`);
  return n;
}

function table(word: string | undefined): number {
  return word !== undefined && word in TABLES ? (TABLES[word] as number) : int(word, 'table');
}

/** Walks `ip`-style words; value() takes the word after the current one as its argument. */
function* walk(
  words: readonly string[],
): Generator<{ word: string; first: boolean; value: () => string }> {
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    yield {
      word,
      first: i === 0,
      value: () => {
        const v = words[++i];
        if (v === undefined) throw new Error(`'${word}' needs a value`);
        return v;
      },
    };
  }
}

export function parseRoute(words: readonly string[]): RouteSpec {
  const text = words.join(' ');
  let type: RouteType = 'unicast';
  let dst: { address: string; len: number; family: 4 | 6 } | undefined;
  const o: {
    src?: string;
    via?: string;
    dev?: string;
    table?: number;
    metric?: number;
    scope?: number;
    protocol?: number;
  } = {};
  let onlink = false;
  let family: 4 | 6 | undefined;
  let noTrack: true | undefined;
  for (const { word: w, first, value: next } of walk(words)) {
    if (first && (ROUTE_TYPES as readonly string[]).includes(w)) type = w as RouteType;
    else if (w === 'src') o.src = prefix(next()).address;
    else if (w === 'via' || w === 'gw') {
      let v = next();
      if (v === 'inet' || v === 'inet6') v = next();
      o.via = prefix(v).address;
    } else if (w === 'dev' || w === 'oif') o.dev = next();
    else if (w === 'table') o.table = table(next());
    else if (w === 'metric' || w === 'priority' || w === 'preference') o.metric = int(next(), w);
    else if (w === 'scope') {
      const s = next();
      o.scope = SCOPES[s] ?? int(s, 'scope', 255);
    } else if (w === 'proto' || w === 'protocol') o.protocol = int(next(), w, 255);
    else if (w === 'onlink') onlink = true;
    else if (w === 'no_track') noTrack = true;
    else if (w === 'inet') family = 4;
    else if (w === 'inet6') family = 6;
    else if (w === 'or' || w === 'nexthop')
      throw new Error(`'${w}' (multipath routes) is not supported by halb yet`);
    else if (dst === undefined && w === 'default') dst = { address: '', len: 0, family: 4 };
    else if (dst === undefined && w.includes('.') !== w.includes(':')) dst = prefix(w);
    else throw new Error(`unexpected '${w}'`);
  }
  if (!dst) throw new Error('no destination');
  const fam: 4 | 6 = family ?? (dst.address ? dst.family : o.via ? (net.isIP(o.via) as 4 | 6) : 4);
  const address = dst.address || (fam === 4 ? '0.0.0.0' : '::');
  for (const a of [o.src, o.via])
    if (a && net.isIP(a) !== fam) throw new Error(`'${a}' is not IPv${fam} like the destination`);
  return {
    family: fam,
    type,
    dst: address,
    dstLen: dst.len,
    ...o,
    onlink,
    ...(noTrack ? { noTrack } : {}),
    text,
  };
}

export function parseRule(words: readonly string[]): RuleSpec {
  const text = words.join(' ');
  const o: {
    from?: { address: string; len: number };
    to?: { address: string; len: number };
    table?: number;
    priority?: number;
    fwmark?: number;
    fwmask?: number;
    iif?: string;
    oif?: string;
  } = {};
  let action: RuleSpec['action'] = 'lookup';
  let family: 4 | 6 | undefined;
  let noTrack: true | undefined;
  for (const { word: w, value: next } of walk(words)) {
    if (w === 'from' || w === 'to') {
      const v = next();
      if (v === 'all') continue;
      const p = prefix(v);
      if (family !== undefined && family !== p.family)
        throw new Error(`'${v}' mixes IPv4 and IPv6 in one rule`);
      family = p.family;
      o[w] = { address: p.address, len: p.len };
    } else if (w === 'table' || w === 'lookup') o.table = table(next());
    else if (w === 'priority' || w === 'preference' || w === 'pref') o.priority = int(next(), w);
    else if (w === 'fwmark') {
      const [m, mask] = next().split('/');
      o.fwmark = int(m, 'fwmark');
      if (mask !== undefined) o.fwmask = int(mask, 'fwmark mask');
    } else if (w === 'iif' || w === 'dev') o.iif = next();
    else if (w === 'oif') o.oif = next();
    else if (w === 'blackhole' || w === 'unreachable' || w === 'prohibit') action = w;
    else if (w === 'inet') family = 4;
    else if (w === 'inet6') family = 6;
    else if (w === 'no_track') noTrack = true;
    else throw new Error(`unexpected '${w}'`);
  }
  if (action === 'lookup' && o.table === undefined) throw new Error('a rule needs a table');
  return { family: family ?? 4, ...o, action, ...(noTrack ? { noTrack } : {}), text };
}
