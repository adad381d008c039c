/**
 * `bfd_instance NAME { ... }` (keepalived/bfd/bfd_parser.c), RFC 5880/5883.
 */
import { FLAG, IP, WORD, impl, int, num, sub } from './dsl';
import type { BlockSpec, KeywordSpec } from './types';

/** Milliseconds with up to 3 decimals, stored in microseconds in 32 bits. */
const MS_MAX = 4294967;
const NEIGHBOR = impl('neighbor_ip', IP, { note: 'required' });

export const BFD_INSTANCE: BlockSpec = {
  name: 'bfd_instance',
  keywords: [
    NEIGHBOR,
    { ...NEIGHBOR, name: 'neighbour_ip', note: 'same as neighbor_ip' },
    impl('source_ip', IP),
    impl('min_rx', num(1, MS_MAX), { unit: 'ms', default: 10 }),
    impl('min_tx', num(1, MS_MAX), { unit: 'ms', default: 10 }),
    impl('idle_tx', num(1000, MS_MAX), { unit: 'ms', default: 1000 }),
    impl('multiplier', int(1, 255), { default: 5 }),
    impl('passive', FLAG),
    impl('ttl', int(1, 255), { default: 255, note: 'IPv4' }),
    impl('hoplimit', int(1, 255), { default: 64, note: 'IPv6; same setting as ttl' }),
    impl('max_hops', int(-1, 255), { default: 0, note: 'at most ttl/hoplimit' }),
    impl('weight', int(-253, 253, { suffix: ['reverse'] }), { default: 0, note: 'for VRRP' }),
    impl('vrrp', FLAG, { note: 'send events to the VRRP process (all when neither is given)' }),
    impl('checker', FLAG, {
      note: 'send events to the checker process (and not VRRP unless vrrp is given)',
    }),
  ],
};

export const BFD_ROOT_KEYWORDS: readonly KeywordSpec[] = [
  sub('bfd_instance', WORD, BFD_INSTANCE, { repeatable: true, implemented: true }),
];
