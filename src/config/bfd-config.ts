/**
 * The `bfd_instance` blocks of a loaded config as the BFD sessions use them:
 * keepalived 2.2.7's defaults filled in (bfd_parser.c), intervals in
 * microseconds. Pure: model in, config out.
 */
import * as net from 'node:net';
import { canonicalIp } from '../vrrp/checksum';
import { flag, num, str, weighted } from './access';
import type { ModelBlock } from './validate';

export interface BfdInstanceConfig {
  readonly name: string;
  readonly neighbor: string;
  readonly source: string | undefined;
  readonly family: 4 | 6;
  readonly minRxUs: number;
  readonly minTxUs: number;
  readonly idleTxUs: number;
  readonly multiplier: number;
  readonly passive: boolean;
  /** TTL (IPv4) or hop limit (IPv6) of what we send, and what a packet must arrive with less max_hops. */
  readonly ttl: number;
  /** 255 (max_hops -1): no TTL check at all. */
  readonly maxHops: number;
  /** The default weight of a track_bfd naming this instance. */
  readonly weight: number;
  readonly reverse: boolean;
  /** Whose events (keepalived: both when neither is given). */
  readonly vrrp: boolean;
  readonly checker: boolean;
}

type Blocks = Record<string, ModelBlock>;

const us = (ms: number | undefined, fallbackMs: number): number =>
  Math.round((ms ?? fallbackMs) * 1000);

export function bfdConfig(root: ModelBlock): BfdInstanceConfig[] {
  const out: BfdInstanceConfig[] = [];
  for (const [name, b] of Object.entries((root.bfd_instance ?? {}) as Blocks)) {
    const neighbor = str(b, 'neighbor_ip') ?? str(b, 'neighbour_ip');
    // semantics.ts refuses an instance without a neighbour; keepalived disables it.
    if (!neighbor) continue;
    const family = net.isIPv6(neighbor) ? 6 : 4;
    // The form received addresses are written in, for the session lookup.
    const canonical = (a: string): string => canonicalIp(a, family);
    const source = str(b, 'source_ip');
    // keepalived: the ttl / hoplimit line, else 255 for IPv4 and 64 for IPv6.
    const ttl = num(b, 'ttl') ?? num(b, 'hoplimit') ?? (family === 4 ? 255 : 64);
    const hops = num(b, 'max_hops') ?? 0;
    const w = weighted(b.weight) ?? { weight: 0, reverse: false };
    const vrrp = flag(b, 'vrrp');
    const checker = flag(b, 'checker');
    out.push({
      name,
      neighbor: canonical(neighbor),
      source: source && net.isIP(source) === family ? canonical(source) : undefined,
      family,
      minRxUs: us(num(b, 'min_rx'), 10),
      minTxUs: us(num(b, 'min_tx'), 10),
      idleTxUs: us(num(b, 'idle_tx'), 1000),
      multiplier: num(b, 'multiplier') ?? 5,
      passive: flag(b, 'passive'),
      ttl,
      maxHops: hops === -1 ? 255 : Math.min(hops, ttl),
      weight: w.weight,
      reverse: w.reverse,
      vrrp: vrrp || !checker,
      checker: checker || !vrrp,
    });
  }
  return out;
}
