/**
 * `bfd_instance NAME { ... }` (keepalived/bfd/bfd_parser.c), RFC 5880/5883.
 */
import { FLAG, IP, WORD, int, kw, num, sub } from './dsl';
import type { BlockSpec, KeywordSpec } from './types';

/** Milliseconds with up to 3 decimals, stored in microseconds in 32 bits. */
const MS_MAX = 4294967;
const NEIGHBOR = kw('neighbor_ip', IP, { note: 'required' });

export const BFD_INSTANCE: BlockSpec = {
  name: 'bfd_instance',
  keywords: [
    NEIGHBOR,
    { ...NEIGHBOR, name: 'neighbour_ip', note: 'same as neighbor_ip' },
    kw('source_ip', IP),
    kw('min_rx', num(1, MS_MAX), { unit: 'ms', default: 10 }),
    kw('min_tx', num(1, MS_MAX), { unit: 'ms', default: 10 }),
    kw('idle_tx', num(1000, MS_MAX), { unit: 'ms', default: 1000 }),
    kw('multiplier', int(1, 255), { default: 5 }),
    kw('passive', FLAG),
    kw('ttl', int(1, 255), { default: 255, note: 'IPv4' }),
    kw('hoplimit', int(1, 255), { default: 64, note: 'IPv6; same setting as ttl' }),
    kw('max_hops', int(-1, 255), { default: 0, note: 'at most ttl/hoplimit' }),
    kw('weight', int(-253, 253, { suffix: ['reverse'] }), { default: 0, note: 'for VRRP' }),
    kw('vrrp', FLAG, { note: 'send events to the VRRP process (all when neither is given)' }),
    kw('checker', FLAG, { note: 'send events to the checker process' }),
  ],
};

export const BFD_ROOT_KEYWORDS: readonly KeywordSpec[] = [
  sub('bfd_instance', WORD, BFD_INSTANCE, { repeatable: true }),
];
