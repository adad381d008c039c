/** The accept-mode firewall's plan (tables on first use, counted addresses, undo) and its batch framing. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { FirewallPlan } from '../../src/vrrp/firewall-plan';
import { frameBatch, type BlockedAddress, type NftMessage } from '../../src/vrrp/nft-rules';
import { ipBytes } from '../../src/vrrp/checksum';

const NAMES = { table: 'keepalived', priority: -1 };
const a4 = (s: string): BlockedAddress => ({ family: 4, bytes: ipBytes(s), ifindex: 2 });
const a6 = (s: string, ifindex = 2): BlockedAddress => ({ family: 6, bytes: ipBytes(s), ifindex });

/** Each message as "family:type" with nft's message numbers named. */
function kinds(ms: readonly NftMessage[]): string[] {
  const names: Record<number, string> = {
    0: 'newtable',
    2: 'deltable',
    3: 'newchain',
    6: 'newrule',
    9: 'newset',
    12: 'newelem',
    14: 'delelem',
  };
  return ms.map((m) => `${m.family}:${names[m.msg] ?? m.msg}`);
}

/** The set an element message names (NFTA_SET_ELEM_LIST_SET, the second attribute). */
function setOf(m: NftMessage): string {
  const b = frameBatch([m], 1);
  // BEGIN (20 bytes), then this message: nlmsghdr 16 + nfgenmsg 4, then TABLE, then SET.
  let at = 20 + 20;
  at += (b.readUInt16LE(at) + 3) & ~3;
  const len = b.readUInt16LE(at);
  return b.toString('utf8', at + 4, at + len - 1);
}

describe('firewall plan', () => {
  it('creates a family table with its first address, and only then', () => {
    const plan = new FirewallPlan(NAMES);
    const first = plan.block([a4('192.0.2.1')]).messages;
    assert.deepEqual(kinds(first).slice(0, 3), ['4:newtable', '4:deltable', '4:newtable']);
    assert.equal(kinds(first).at(-1), '4:newelem');
    assert.ok(!kinds(first).some((k) => k.startsWith('6:')), 'no IPv6 table without IPv6 VIPs');
    assert.deepEqual(kinds(plan.block([a4('192.0.2.2')]).messages), ['4:newelem']);
    const v6 = kinds(plan.block([a6('2001:db8::1')]).messages);
    assert.equal(v6.filter((k) => k === '6:newtable').length, 2);
    assert.equal(
      v6.filter((k) => k === '6:newrule').length,
      6,
      'no link-local VIP: no link-local rules',
    );
  });

  it('counts addresses named twice: added once, removed with the last unblock', () => {
    const plan = new FirewallPlan(NAMES);
    plan.block([a4('192.0.2.1')]);
    assert.deepEqual(plan.block([a4('192.0.2.1')]).messages, []);
    assert.deepEqual(plan.unblock([a4('192.0.2.1')]).messages, []);
    assert.deepEqual(kinds(plan.unblock([a4('192.0.2.1')]).messages), ['4:delelem']);
    assert.deepEqual(plan.unblock([a4('192.0.2.1')]).messages, [], 'not blocked: nothing to send');
    assert.equal(plan.blocking, 0);
  });

  it('puts link-local IPv6 addresses in the per-interface set', () => {
    const plan = new FirewallPlan(NAMES);
    const ms = plan.block([a6('2001:db8::1'), a6('fe80::100', 3)]).messages;
    const elems = ms.filter((m) => m.msg === 12);
    assert.deepEqual(elems.map(setOf).sort(), ['neighbor-discovery', 'vips', 'vips_link_local']);
    // The same address on two interfaces is two entries.
    assert.equal(plan.block([a6('fe80::100', 4)]).messages.length, 1);
  });

  it('an undone block is forgotten: the next one creates the table again', () => {
    const plan = new FirewallPlan(NAMES);
    plan.block([a4('192.0.2.1')]).undo();
    assert.equal(plan.blocking, 0);
    assert.equal(kinds(plan.block([a4('192.0.2.1')]).messages)[0], '4:newtable');
  });

  it('an undone unblock keeps the address blocked', () => {
    const plan = new FirewallPlan(NAMES);
    plan.block([a4('192.0.2.1')]);
    plan.unblock([a4('192.0.2.1')]).undo();
    assert.equal(plan.blocking, 1);
    assert.deepEqual(kinds(plan.unblock([a4('192.0.2.1')]).messages), ['4:delelem']);
  });

  it('teardown deletes the tables it made, once', () => {
    const plan = new FirewallPlan(NAMES);
    plan.block([a4('192.0.2.1'), a6('2001:db8::1')]);
    assert.deepEqual(kinds(plan.teardown()), ['4:deltable', '6:deltable']);
    assert.deepEqual(plan.teardown(), []);
  });

  it('use_vmac and accept mode share the table and its out chain', () => {
    const plan = new FirewallPlan(NAMES);
    const vmac = kinds(plan.addVmac({ family: 6, vmac: 5, parent: 3 }).messages);
    assert.deepEqual(vmac.slice(0, 3), ['6:newtable', '6:deltable', '6:newtable']);
    assert.equal(vmac.filter((k) => k === '6:newchain').length, 1, 'out');
    assert.equal(vmac.filter((k) => k === '6:newelem').length, 2, 'map and set');
    const accept = kinds(plan.block([a6('2001:db8::1')]).messages);
    assert.ok(!accept.includes('6:newtable'), 'the table is there');
    assert.equal(
      accept.filter((k) => k === '6:newchain').length,
      3,
      'in and the two link-local chains',
    );
    assert.deepEqual(kinds(plan.addVmac({ family: 6, vmac: 6, parent: 3 }).messages), [
      '6:newelem',
      '6:newelem',
    ]);
    assert.deepEqual(kinds(plan.removeVmac({ family: 6, vmac: 6, parent: 3 }).messages), [
      '6:delelem',
      '6:delelem',
    ]);
    assert.deepEqual(kinds(plan.teardown()), ['6:deltable']);
  });
});

describe('nfnetlink batch framing', () => {
  it('BEGIN, the messages with acks and consecutive sequence numbers, END', () => {
    const plan = new FirewallPlan(NAMES);
    const ms = plan.block([a4('192.0.2.1')]).messages;
    const b = frameBatch(ms, 100);
    const headers: Array<{ type: number; flags: number; seq: number; res: number }> = [];
    for (let at = 0; at < b.length;) {
      const len = b.readUInt32LE(at);
      headers.push({
        type: b.readUInt16LE(at + 4),
        flags: b.readUInt16LE(at + 6),
        seq: b.readUInt32LE(at + 8),
        res: b.readUInt16BE(at + 18),
      });
      at += (len + 3) & ~3;
    }
    assert.equal(headers.length, ms.length + 2);
    assert.deepEqual(headers[0], { type: 0x10, flags: 1, seq: 100, res: 10 });
    assert.deepEqual(headers.at(-1), { type: 0x11, flags: 1, seq: 101 + ms.length, res: 10 });
    headers.slice(1, -1).forEach((h, i) => {
      assert.equal(h.type >> 8, 10, 'NFNL_SUBSYS_NFTABLES');
      assert.equal(h.flags & 5, 5, 'NLM_F_REQUEST | NLM_F_ACK');
      assert.equal(h.seq, 101 + i);
    });
  });
});
