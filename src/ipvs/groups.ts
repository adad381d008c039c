/**
 * virtual_server_group entries as the services they stand for: "IP [PORT]",
 * "IP-END [PORT]" (END replaces the last IPv4 octet or the last IPv6 group,
 * hex), "IP/PREFIX [PORT]" (every address of the prefix) and "fwmark N
 * [inet|inet6]". Pure.
 */
import * as net from 'node:net';
import { ipBytes, ipString } from '../vrrp/checksum';
import type { Family } from './types';

export type GroupMember =
  | {
      readonly kind: 'address';
      readonly family: Family;
      readonly address: string;
      readonly port: number;
    }
  | { readonly kind: 'fwmark'; readonly family: Family | undefined; readonly mark: number };

/** The most addresses one entry may stand for (each is a kernel service). */
export const MAX_RANGE = 65536;

function withLast(address: string, family: Family, last: number): string {
  const b = ipBytes(address);
  if (family === 4) b[3] = last;
  else b.writeUInt16BE(last, 14);
  return ipString(b, family);
}

function rangeOf(spec: string): { family: Family; addresses: string[] } | string {
  const slash = spec.indexOf('/');
  const dash = spec.lastIndexOf('-');
  const base = slash >= 0 ? spec.slice(0, slash) : dash > 0 ? spec.slice(0, dash) : spec;
  const fam = net.isIP(base);
  if (fam !== 4 && fam !== 6) return `'${spec}' is not an address`;
  const family = fam as Family;
  if (slash >= 0) {
    const bits = Number(spec.slice(slash + 1));
    const max = family === 4 ? 32 : 128;
    if (!Number.isInteger(bits) || bits < 0 || bits > max) return `'${spec}': bad prefix length`;
    const hostBits = max - bits;
    if (hostBits > 16) return `'${spec}': more than ${MAX_RANGE} addresses`;
    const b = ipBytes(base);
    // Only the last 16 bits vary; clear the host part and walk it.
    const last = b.readUInt16BE(b.length - 2);
    const start = last & ~((1 << hostBits) - 1) & 0xffff;
    const out: string[] = [];
    for (let i = 0; i < 1 << hostBits; i++) {
      const c = Buffer.from(b);
      c.writeUInt16BE(start + i, c.length - 2);
      out.push(ipString(c, family));
    }
    return { family, addresses: out };
  }
  if (dash > 0) {
    const endText = spec.slice(dash + 1);
    const end = family === 4 ? Number(endText) : parseInt(endText, 16);
    const b = ipBytes(base);
    const first = family === 4 ? (b[3] as number) : b.readUInt16BE(14);
    const limit = family === 4 ? 255 : 0xffff;
    if (!Number.isInteger(end) || end < first || end > limit)
      return `'${spec}': range end ${endText} is not after ${first}`;
    const out: string[] = [];
    for (let v = first; v <= end; v++) out.push(withLast(base, family, v));
    return { family, addresses: out };
  }
  return { family, addresses: [ipString(ipBytes(base), family)] };
}

export function expandGroup(entries: readonly (readonly string[])[]): {
  members: GroupMember[];
  problems: string[];
} {
  const members: GroupMember[] = [];
  const problems: string[] = [];
  for (const e of entries) {
    if (e[0] === 'fwmark') {
      const mark = Number(e[1]);
      if (!Number.isInteger(mark) || mark <= 0) {
        problems.push(`fwmark '${e[1] ?? ''}' is not a mark`);
        continue;
      }
      const fam = e[2] === 'inet6' ? 6 : e[2] === 'inet' ? 4 : undefined;
      members.push({ kind: 'fwmark', family: fam, mark });
      continue;
    }
    const r = rangeOf(e[0] ?? '');
    if (typeof r === 'string') {
      problems.push(r);
      continue;
    }
    const port = e[1] === undefined ? 0 : Number(e[1]);
    for (const address of r.addresses)
      members.push({ kind: 'address', family: r.family, address, port });
  }
  return { members, problems };
}
