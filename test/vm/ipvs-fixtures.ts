/**
 * Tables the IPVS VM tests program, covering every feature the client encodes
 * and every scheduler Debian 12's kernel (6.1) ships (twos came with 6.2).
 */
import type { IpvsDest, IpvsService, TableEntry } from '../../src/ipvs/types';

const d = (address: string, port: number, more: Partial<IpvsDest> = {}): IpvsDest => ({
  family: address.includes(':') ? 6 : 4,
  address,
  port,
  forwarding: 'NAT',
  weight: 1,
  upperThreshold: 0,
  lowerThreshold: 0,
  ...more,
});

const svc = (s: IpvsService, ...dests: IpvsDest[]): TableEntry => ({ service: s, dests });

export const FULL_TABLE: TableEntry[] = [
  svc(
    { family: 4, protocol: 'TCP', address: '192.0.2.10', port: 80, scheduler: 'wlc', flags: {} },
    d('198.51.100.1', 8080, { weight: 3 }),
    d('198.51.100.2', 8080, { weight: 0, upperThreshold: 100, lowerThreshold: 10 }),
  ),
  svc(
    {
      family: 4,
      protocol: 'UDP',
      address: '192.0.2.10',
      port: 53,
      scheduler: 'rr',
      flags: { onePacket: true },
    },
    d('198.51.100.1', 53, { forwarding: 'DR' }),
  ),
  svc(
    { family: 4, protocol: 'SCTP', address: '192.0.2.11', port: 3868, scheduler: 'lc', flags: {} },
    d('198.51.100.3', 3868, { forwarding: 'TUN', tunnel: { type: 'ipip' } }),
    d('198.51.100.4', 3868, {
      forwarding: 'TUN',
      tunnel: { type: 'gue', port: 6080, checksum: 'csum' },
    }),
    d('198.51.100.5', 3868, { forwarding: 'TUN', tunnel: { type: 'gre', checksum: 'remcsum' } }),
  ),
  svc(
    {
      family: 4,
      protocol: 'TCP',
      address: '192.0.2.12',
      port: 443,
      scheduler: 'sh',
      flags: { fallback: true, port: true },
      persistence: { timeoutS: 300, netmaskBits: 24 },
    },
    d('198.51.100.6', 443, { forwarding: 'DR', weight: 2 }),
  ),
  svc(
    {
      family: 4,
      protocol: 'UDP',
      address: '192.0.2.13',
      port: 5060,
      scheduler: 'rr',
      flags: {},
      persistence: { timeoutS: 60, netmaskBits: 32, engine: 'sip' },
    },
    d('198.51.100.7', 5060),
  ),
  svc(
    {
      family: 6,
      protocol: 'TCP',
      address: '2001:db8::10',
      port: 80,
      scheduler: 'mh',
      flags: { fallback: true },
    },
    d('2001:db8:1::1', 80, { weight: 5 }),
    d('2001:db8:1::2', 80, { forwarding: 'DR' }),
  ),
  svc(
    {
      family: 6,
      protocol: 'UDP',
      address: '2001:db8::11',
      port: 53,
      scheduler: 'wrr',
      flags: {},
      persistence: { timeoutS: 3600, netmaskBits: 64 },
    },
    d('2001:db8:1::3', 53),
  ),
  svc(
    { family: 4, fwmark: 5, scheduler: 'fo', flags: {} },
    d('198.51.100.8', 0, { forwarding: 'DR' }),
  ),
  svc(
    { family: 6, fwmark: 6, scheduler: 'ovf', flags: {} },
    d('2001:db8:1::4', 0, { forwarding: 'DR' }),
  ),
  ...(['lblc', 'lblcr', 'dh', 'sed', 'nq', 'rr', 'wrr'] as const).map((s, i) =>
    svc(
      {
        family: 4,
        protocol: 'TCP',
        address: '192.0.2.20',
        port: 1000 + i,
        scheduler: s,
        flags: {},
      },
      d('198.51.100.9', 1000 + i),
    ),
  ),
];
