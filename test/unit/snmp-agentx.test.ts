/** AgentX PDUs (RFC 2741) and the MIB view's answers (snmp/), on hand-made bytes. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  compareOid,
  decodePdu,
  openPdu,
  registerPdu,
  responsePdu,
} from '../../src/snmp/agentx-pdu';
import { MibView } from '../../src/snmp/mib-view';
import { connectOptions } from '../../src/snmp/agentx-agent';
import { vrrpv3Bindings, type SnmpVrrpRow } from '../../src/snmp/vrrpv3-mib';
import { vrrpBindings } from '../../src/snmp/vrrp-mib';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const ids = { sessionId: 7, transactionId: 0, packetId: 1 };

describe('AgentX PDUs', () => {
  it('Open: network byte order, the id OID compressed under 1.3.6.1.4, the description padded', () => {
    assert.deepEqual(
      openPdu(ids, 0, [1, 3, 6, 1, 4, 1, 9586, 100], 'halb'),
      hex(`01 01 10 00  00000007 00000000 00000001 0000001c
           00 000000
           03 04 00 00  00000001 00002572 00000064
           00000004 68616c62`),
    );
  });

  it('Register and Response', () => {
    assert.deepEqual(
      registerPdu(ids, [1, 3, 6, 1, 2, 1, 207]),
      hex(`01 03 10 00  00000007 00000000 00000001 00000010
           00 7f 00 00  02 02 00 00 00000001 000000cf`),
    );
    assert.deepEqual(
      responsePdu(ids, 100, 0, 0, [
        { oid: [1, 3, 6, 1, 2, 1, 207, 1, 2, 1, 0], value: { type: 'counter64', value: 5n } },
      ]),
      hex(`01 12 10 00  00000007 00000000 00000001 00000030
           00000064 0000 0000
           0046 0000  06 02 00 00 00000001 000000cf 00000001 00000002 00000001 00000000
           0000000000000005`),
    );
  });

  it('decodes a little-endian GetNext with a compressed start and an end', () => {
    const pdu = hex(`01 06 00 00  07000000 09000000 03000000 20000000
                     02 02 01 00  cf000000 01000000
                     02 02 00 00  cf000000 02000000`);
    const d = decodePdu(pdu);
    assert.equal(d.kind, 'getNext');
    if (d.kind !== 'getNext') return;
    assert.deepEqual(d.header, { type: 6, flags: 0, sessionId: 7, transactionId: 9, packetId: 3 });
    assert.deepEqual(d.ranges, [
      { start: [1, 3, 6, 1, 2, 207, 1], include: true, end: [1, 3, 6, 1, 2, 207, 2] },
    ]);
  });

  it('a truncated PDU is an error, not a crash', () => {
    assert.throws(
      () => decodePdu(hex('01 06 10 00 00000007 00000000 00000001 00000010 02 02')),
      /too short/,
    );
  });

  it('OIDs order sub-identifier by sub-identifier, a prefix first', () => {
    assert.equal(compareOid([1, 3, 6], [1, 3, 6, 1]), -1);
    assert.equal(compareOid([1, 3, 10], [1, 3, 9, 9]), 1);
    assert.equal(compareOid([1, 2], [1, 2]), 0);
  });

  it("net-snmp's socket spellings", () => {
    assert.deepEqual(connectOptions('unix:/var/agentx/master'), { path: '/var/agentx/master' });
    assert.deepEqual(connectOptions('/tmp/x'), { path: '/tmp/x' });
    assert.deepEqual(connectOptions('tcp:localhost:705'), { host: 'localhost', port: 705 });
    assert.deepEqual(connectOptions('tcp:[::1]:705'), { host: '::1', port: 705 });
  });
});

describe('MIB view', () => {
  const int = (value: number) => ({ type: 'integer' as const, value });
  const view = new MibView([
    { oid: [1, 3, 2, 1], value: int(21) },
    { oid: [1, 3, 1, 1], value: int(11) },
    { oid: [1, 3, 1, 2], value: int(12) },
  ]);

  it('Get: the value, noSuchInstance under an object, noSuchObject elsewhere', () => {
    assert.deepEqual(view.get([1, 3, 1, 2]).value, int(12));
    assert.equal(view.get([1, 3, 1, 9]).value.type, 'noSuchInstance');
    assert.equal(view.get([1, 4, 1]).value.type, 'noSuchObject');
  });

  it('GetNext: after the start (at it when included), before the end', () => {
    assert.deepEqual(view.next({ start: [1, 3], include: false, end: [] }).oid, [1, 3, 1, 1]);
    assert.deepEqual(view.next({ start: [1, 3, 1, 1], include: false, end: [] }).oid, [1, 3, 1, 2]);
    assert.deepEqual(view.next({ start: [1, 3, 1, 1], include: true, end: [] }).oid, [1, 3, 1, 1]);
    assert.equal(
      view.next({ start: [1, 3, 1, 2], include: false, end: [1, 3, 2] }).value.type,
      'endOfMibView',
    );
    assert.equal(
      view.next({ start: [1, 3, 2, 1], include: false, end: [] }).value.type,
      'endOfMibView',
    );
  });

  it('GetBulk: non-repeaters once, then rounds until the view ends', () => {
    const r = view.bulk(
      [
        { start: [1, 3, 2], include: false, end: [] },
        { start: [1, 3], include: false, end: [] },
      ],
      1,
      5,
    );
    assert.deepEqual(
      r.map((vb) => (vb.value.type === 'integer' ? vb.value.value : vb.value.type)),
      [21, 11, 12, 21, 'endOfMibView'],
    );
  });
});

describe('VRRPv3-MIB rows', () => {
  const row: SnmpVrrpRow = {
    ifIndex: 2,
    vrid: 51,
    family: 4,
    state: 'backup',
    masterAddress: '192.0.2.12',
    version: 3,
    authType: 'none',
    primaryAddress: '192.0.2.11',
    mac: hex('020000000001'),
    priority: 100,
    vips: ['192.0.2.100'],
    advertIntervalCs: 100,
    preempt: false,
    accept: true,
    startedAtMs: 1000,
    stats: {
      becameMaster: 0,
      masterReason: 0,
      advertsReceived: 42,
      intervalErrors: 0,
      ttlErrors: 1,
      protoErrReason: 1,
      priorityZeroReceived: 0,
      priorityZeroSent: 0,
      invalidType: 0,
      addressListErrors: 0,
      lengthErrors: 0,
      checksumErrors: 2,
      versionErrors: 0,
      vridErrors: 0,
      authFailures: 0,
      invalidAuthType: 0,
      authTypeMismatch: 0,
    },
  };
  const v = new MibView(vrrpv3Bindings([row, { ...row, vrid: 52, vips: [] }], 3550));
  const at = (...tail: number[]) => v.get([1, 3, 6, 1, 2, 1, 207, ...tail]).value;

  it("a backup shows the master's address, its state, up time, preempt and accept as TruthValues", () => {
    assert.deepEqual(at(1, 1, 1, 1, 3, 2, 51, 1), { type: 'octets', value: hex('c000020c') });
    assert.deepEqual(at(1, 1, 1, 1, 6, 2, 51, 1), { type: 'integer', value: 2 });
    assert.deepEqual(at(1, 1, 1, 1, 10, 2, 51, 1), { type: 'integer', value: 2 });
    assert.deepEqual(at(1, 1, 1, 1, 11, 2, 51, 1), { type: 'integer', value: 1 });
    assert.deepEqual(at(1, 1, 1, 1, 12, 2, 51, 1), { type: 'timeticks', value: 255 });
    assert.deepEqual(at(1, 2, 5, 1, 3, 2, 51, 1), { type: 'counter64', value: 42n });
    assert.deepEqual(at(1, 2, 1, 0), { type: 'counter64', value: 2n });
  });

  it('an instance without a VIP has no row', () => {
    assert.match(at(1, 1, 1, 1, 6, 2, 52, 1).type, /^noSuch/);
  });

  it('VRRP-MIB lists every VRRPv2 IPv4 instance (keepalived shows only the first in a walk), not the VRRPv3 ones', () => {
    const v2 = { ...row, version: 2 as const, authType: 'pass' as const };
    const m = new MibView(
      vrrpBindings([v2, { ...v2, vrid: 60 }, { ...row, vrid: 70 }], {
        traps: false,
        agentStartedMs: 0,
      }),
    );
    const states = [];
    for (
      let vb = m.next({
        start: [1, 3, 6, 1, 2, 1, 68, 1, 3, 1, 3],
        include: false,
        end: [1, 3, 6, 1, 2, 1, 68, 1, 3, 1, 4],
      });
      vb.value.type !== 'endOfMibView';
      vb = m.next({ start: vb.oid, include: false, end: [1, 3, 6, 1, 2, 1, 68, 1, 3, 1, 4] })
    )
      states.push(vb.oid.slice(-2).join('.'));
    assert.deepEqual(states, ['2.51', '2.60']);
    assert.deepEqual(m.get([1, 3, 6, 1, 2, 1, 68, 1, 3, 1, 9, 2, 51]).value, {
      type: 'integer',
      value: 2,
    });
    assert.deepEqual(m.get([1, 3, 6, 1, 2, 1, 68, 1, 3, 1, 7, 2, 51]).value, {
      type: 'ipAddress',
      value: hex('c000020c'),
    });
  });
});
