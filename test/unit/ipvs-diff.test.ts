/**
 * The minimal change list between the desired and the kernel's IPVS table:
 * nothing for an unchanged table, one edit for one changed weight, edits
 * (never delete + add) for entries a previous run left with other settings.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { diffTable } from '../../src/ipvs/diff';
import { describeOp } from '../../src/ipvs/ops';
import type { DestStatus, IpvsDest, IpvsService, TableEntry } from '../../src/ipvs/types';

const dest = (address: string, weight = 1, more: Partial<IpvsDest> = {}): IpvsDest => ({
  family: 4,
  address,
  port: 80,
  forwarding: 'NAT',
  weight,
  upperThreshold: 0,
  lowerThreshold: 0,
  ...more,
});
const web: IpvsService = {
  family: 4,
  protocol: 'TCP',
  address: '192.0.2.10',
  port: 80,
  scheduler: 'wlc',
  flags: {},
};
const dns: IpvsService = { family: 6, fwmark: 53, scheduler: 'rr', flags: {} };
const desired: TableEntry[] = [
  { service: web, dests: [dest('198.51.100.1', 2), dest('198.51.100.2', 3)] },
  { service: dns, dests: [dest('198.51.100.3')] },
];
/** What the kernel lists: the same entries with counters on. */
const listed = (t: TableEntry[]): TableEntry[] =>
  t.map((e) => ({
    service: { ...e.service, stats: { conns: 5 } } as unknown as IpvsService,
    dests: e.dests.map((d): DestStatus => ({
      ...d,
      activeConns: 3,
      inactiveConns: 1,
      persistentConns: 0,
    })),
  }));
const names = (t: TableEntry[], k: TableEntry[], owns?: () => boolean) =>
  diffTable(t, k, owns ? { owns } : {}).map(describeOp);

describe('ipvs diff', () => {
  it('from an empty kernel: every service, then its destinations', () => {
    assert.deepEqual(names(desired, []), [
      'add-service 192.0.2.10:80 (TCP)',
      'add-dest 192.0.2.10:80 (TCP) real server 198.51.100.1:80 weight 2',
      'add-dest 192.0.2.10:80 (TCP) real server 198.51.100.2:80 weight 3',
      'add-service fwmark 53 (IPv6)',
      'add-dest fwmark 53 (IPv6) real server 198.51.100.3:80 weight 1',
    ]);
  });

  it('an unchanged table (counters aside) needs nothing', () => {
    assert.deepEqual(diffTable(desired, listed(desired)), []);
  });

  it('one weight changed: one edit, and the destination sent carries no counters', () => {
    const want = structuredClone(desired);
    (want[0]!.dests as IpvsDest[])[1] = dest('198.51.100.2', 5);
    const ops = diffTable(want, listed(desired));
    assert.deepEqual(ops.map(describeOp), [
      'edit-dest 192.0.2.10:80 (TCP) real server 198.51.100.2:80 weight 5',
    ]);
    const op = ops[0]!;
    assert.ok(op.op === 'edit-dest');
    assert.deepEqual(Object.keys(op.dest).sort(), [
      'address',
      'family',
      'forwarding',
      'lowerThreshold',
      'port',
      'upperThreshold',
      'weight',
    ]);
  });

  it('adopts what a previous run left: other scheduler, forwarding, tunnel are edits', () => {
    const left: TableEntry[] = [
      {
        service: { ...web, scheduler: 'rr', persistence: { timeoutS: 60, netmaskBits: 32 } },
        dests: [dest('198.51.100.1', 2, { forwarding: 'DR' }), dest('198.51.100.2', 3)],
      },
      {
        service: dns,
        dests: [dest('198.51.100.3', 1, { forwarding: 'TUN', tunnel: { type: 'gue', port: 1 } })],
      },
    ];
    const want = structuredClone(desired);
    (want[1]!.dests as IpvsDest[])[0] = dest('198.51.100.3', 1, {
      forwarding: 'TUN',
      tunnel: { type: 'gue', port: 2 },
    });
    assert.deepEqual(names(want, left), [
      'edit-service 192.0.2.10:80 (TCP)',
      'edit-dest 192.0.2.10:80 (TCP) real server 198.51.100.1:80 weight 2',
      'edit-dest fwmark 53 (IPv6) real server 198.51.100.3:80 weight 1',
    ]);
  });

  it('removes what is no longer wanted, services first; or leaves others alone', () => {
    const extra: TableEntry[] = [
      ...desired.map((e, i) => (i === 0 ? { ...e, dests: [...e.dests, dest('198.51.100.9')] } : e)),
      { service: { ...web, port: 8080 }, dests: [dest('198.51.100.1')] },
    ];
    assert.deepEqual(names(desired, extra), [
      'delete-service 192.0.2.10:8080 (TCP)',
      'delete-dest 192.0.2.10:80 (TCP) real server 198.51.100.9:80',
    ]);
    assert.deepEqual(
      names(desired, extra, () => false),
      ['delete-dest 192.0.2.10:80 (TCP) real server 198.51.100.9:80'],
    );
  });

  it('same address and port, other protocol or family: another service', () => {
    const udp: TableEntry = { service: { ...web, protocol: 'UDP' }, dests: [] };
    assert.deepEqual(names([...desired, udp], listed(desired)), [
      'add-service 192.0.2.10:80 (UDP)',
    ]);
    const v4mark: TableEntry = { service: { ...dns, family: 4 }, dests: [] };
    assert.deepEqual(names([...desired, v4mark], listed(desired)), ['add-service fwmark 53']);
  });

  it('persistence engine and flags count; a missing optional equals its default', () => {
    const sip = { ...web, persistence: { timeoutS: 60, netmaskBits: 32, engine: 'sip' } };
    const plain = { ...web, persistence: { timeoutS: 60, netmaskBits: 32 } };
    assert.deepEqual(names([{ service: sip, dests: [] }], [{ service: plain, dests: [] }]), [
      'edit-service 192.0.2.10:80 (TCP)',
    ]);
    const flagged = { ...web, flags: { onePacket: false } };
    assert.deepEqual(names([{ service: flagged, dests: [] }], [{ service: web, dests: [] }]), []);
  });
});
