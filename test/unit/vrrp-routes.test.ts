/** virtual_routes / virtual_rules lines as keepalived writes them, parsed for rtnetlink. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRoute, parseRule } from '../../src/vrrp/routes';

const words = (s: string): string[] => s.split(/\s+/);

describe('virtual_routes', () => {
  it('reads the forms in keepalived.conf.vrrp.routes', () => {
    assert.deepEqual(parseRoute(words('src 192.0.2.1 198.51.100.0/24 via 192.0.2.254 dev eth1')), {
      family: 4,
      type: 'unicast',
      dst: '198.51.100.0',
      dstLen: 24,
      src: '192.0.2.1',
      via: '192.0.2.254',
      dev: 'eth1',
      onlink: false,
      text: 'src 192.0.2.1 198.51.100.0/24 via 192.0.2.254 dev eth1',
    });
    const bh = parseRoute(words('blackhole 203.0.113.1/32'));
    assert.equal(bh.type, 'blackhole');
    assert.equal(bh.dstLen, 32);
    const dflt = parseRoute(words('0.0.0.0/0 gw 192.0.2.1 table 100'));
    assert.deepEqual(
      [dflt.dst, dflt.dstLen, dflt.via, dflt.table],
      ['0.0.0.0', 0, '192.0.2.1', 100],
    );
    const d = parseRoute(words('default via 2001:db8::1 dev eth0 metric 5 table main'));
    assert.deepEqual([d.family, d.dst, d.dstLen, d.metric, d.table], [6, '::', 0, 5, 254]);
    assert.equal(parseRoute(words('198.51.100.0/24 dev eth3 scope link')).scope, 253);
    assert.equal(parseRoute(words('198.51.100.0/24 dev eth3 scope site')).scope, 200);
  });

  it('names what it cannot do or does not understand', () => {
    assert.throws(
      () => parseRoute(words('198.51.100.0/24 via 192.0.2.252 or 192.0.2.253')),
      /'or'.*multipath/,
    );
    assert.throws(() => parseRoute(words('198.51.100.0/24 bogus 1')), /unexpected 'bogus'/);
    assert.throws(() => parseRoute(words('198.51.100.0/33 dev eth0')), /prefix length/);
    assert.throws(() => parseRoute(words('198.51.100.0/24 via 2001:db8::1')), /not IPv4/);
    assert.throws(() => parseRoute(words('via 192.0.2.1')), /no destination/);
  });
});

describe('virtual_rules', () => {
  it('reads from/to/table/priority/fwmark/iif/oif and actions', () => {
    assert.deepEqual(parseRule(words('from 192.0.2.0/24 table 1234 priority 100')), {
      family: 4,
      from: { address: '192.0.2.0', len: 24 },
      table: 1234,
      priority: 100,
      action: 'lookup',
      text: 'from 192.0.2.0/24 table 1234 priority 100',
    });
    const r = parseRule(words('from all fwmark 3/0xff lookup 100 pref 3 iif eth0'));
    assert.deepEqual([r.fwmark, r.fwmask, r.table, r.priority, r.iif], [3, 255, 100, 3, 'eth0']);
    assert.equal(parseRule(words('to 2001:db8::/64 table 7')).family, 6);
    assert.equal(parseRule(words('from 192.0.2.9 blackhole')).action, 'blackhole');
  });

  it('refuses a rule with nowhere to go or mixed families', () => {
    assert.throws(() => parseRule(words('from 192.0.2.0/24')), /needs a table/);
    assert.throws(() => parseRule(words('from 192.0.2.0/24 to 2001:db8::1 table 5')), /mixes/);
  });
});
