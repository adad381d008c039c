/**
 * The box's own interface addresses (not VIPs: those are VRRP's), kept in
 * the data partition's interfaces.conf as { "eth0": "192.0.2.11/24 2001:db8::11/64" }.
 * Pure: parsing and checking an address list, and what to add and remove.
 */
import * as net from 'node:net';
import { virtualIp } from '../console/answers';

export interface IfAddress {
  readonly address: string;
  readonly prefix: number;
  readonly family: 4 | 6;
}

export type Parsed = { ok: true; value: IfAddress[] } | { ok: false; why: string };

export const formatAddress = (a: IfAddress): string => `${a.address}/${a.prefix}`;

/** 'ADDRESS/PREFIX ...' (commas or spaces); '-' or '' is none. The prefix is required. */
export function parseAddressList(text: string): Parsed {
  if (text.trim() === '-' || text.trim() === '') return { ok: true, value: [] };
  const out: IfAddress[] = [];
  for (const w of text.split(/[\s,]+/).filter(Boolean)) {
    if (!w.includes('/')) return { ok: false, why: `${w} needs its prefix length, e.g. ${w}/24` };
    const v = virtualIp(w);
    if (!v.ok) return { ok: false, why: v.why.replace('virtual IP', 'interface address') };
    const a = {
      address: v.value.address,
      prefix: v.value.prefix as number,
      family: v.value.family,
    };
    if (out.some((o) => o.address === a.address)) return { ok: false, why: `${w} is given twice` };
    out.push(a);
  }
  return { ok: true, value: out };
}

/** The stored settings: interface name to address list; a bad entry is skipped and named. */
export function parseSettings(all: Record<string, string>): {
  interfaces: Map<string, IfAddress[]>;
  problems: string[];
} {
  const interfaces = new Map<string, IfAddress[]>();
  const problems: string[] = [];
  for (const [name, text] of Object.entries(all)) {
    const p = parseAddressList(text);
    if (p.ok) interfaces.set(name, p.value);
    else problems.push(`${name}: ${p.why}`);
  }
  return { interfaces, problems };
}

const same = (a: IfAddress, b: IfAddress): boolean =>
  a.prefix === b.prefix && net.isIP(a.address) === net.isIP(b.address) && a.address === b.address;

/** What changes when an interface goes from `before` to `after`. */
export function addressDiff(
  before: readonly IfAddress[],
  after: readonly IfAddress[],
): { add: IfAddress[]; remove: IfAddress[] } {
  return {
    add: after.filter((a) => !before.some((b) => same(a, b))),
    remove: before.filter((b) => !after.some((a) => same(a, b))),
  };
}
