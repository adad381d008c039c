/** bfd_instance and track_bfd as loaded: keepalived's defaults, inherited weights, load-time checks. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { bfdConfig } from '../../src/config/bfd-config';
import { vrrpConfig } from '../../src/config/vrrp-config';
import { loadText } from '../rigs/config-text';

const load = (text: string): ReturnType<typeof loadText> => loadText(text);

const inst = (track: string): string =>
  `vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 1\n  track_bfd {\n${track}  }\n  virtual_ipaddress {\n    192.0.2.10\n  }\n}\n`;

describe('bfd config', () => {
  it("fills in keepalived's defaults; IPv6 hop limit 64; max_hops -1 turns the check off", () => {
    const c = load(
      'bfd_instance a {\n  neighbor_ip 192.0.2.2\n}\nbfd_instance b {\n  neighbour_ip 2001:DB8:0::2\n  source_ip 2001:db8::1\n  min_rx 2.5\n  idle_tx 2000\n  max_hops -1\n  passive\n  checker\n}\n',
    );
    assert.deepEqual(
      c.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    const [a, b] = bfdConfig(c.model);
    assert.deepEqual(a, {
      name: 'a',
      neighbor: '192.0.2.2',
      source: undefined,
      family: 4,
      minRxUs: 10000,
      minTxUs: 10000,
      idleTxUs: 1000000,
      multiplier: 5,
      passive: false,
      ttl: 255,
      maxHops: 0,
      weight: 0,
      reverse: false,
      vrrp: true,
      checker: true,
    });
    assert.equal(b?.neighbor, '2001:db8::2');
    assert.equal(b?.source, '2001:db8::1');
    assert.deepEqual(
      [b?.minRxUs, b?.idleTxUs, b?.ttl, b?.maxHops, b?.passive, b?.vrrp, b?.checker],
      [2500, 2000000, 64, 255, true, false, true],
    );
  });

  it("track_bfd takes the bfd_instance's weight and reverse unless the line says", () => {
    const c = load(
      'bfd_instance a {\n  neighbor_ip 192.0.2.2\n  weight 20 reverse\n}\nbfd_instance b {\n  neighbor_ip 192.0.2.3\n}\n' +
        inst('    a\n    b weight -10\n') +
        'vrrp_instance VI_2 {\n  interface eth0\n  virtual_router_id 2\n  track_bfd {\n    a weight 5 noreverse\n  }\n}\n' +
        'vrrp_instance VI_3 {\n  interface eth0\n  virtual_router_id 3\n}\nvrrp_sync_group G {\n  group {\n    VI_3\n  }\n  track_bfd {\n    a weight 7\n  }\n}\n',
    );
    assert.deepEqual(
      c.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    const v = vrrpConfig(c.model).instances;
    assert.deepEqual(v[0]?.trackBfds, [
      { name: 'a', weight: 20, reverse: true },
      { name: 'b', weight: -10, reverse: false },
    ]);
    assert.deepEqual(v[1]?.trackBfds, [{ name: 'a', weight: 5, reverse: false }]);
    // The group's line: its weight, the instance's reverse (keepalived's alloc_track_bfd).
    assert.deepEqual(v[2]?.trackBfds, [{ name: 'a', weight: 7, reverse: true }]);
  });

  it('refuses what keepalived disables or ignores, at the line, saying what to do', () => {
    const c = load(
      'bfd_instance nonbr {\n  min_rx 10\n}\n' +
        'bfd_instance mixed {\n  neighbor_ip 192.0.2.2\n  source_ip 2001:db8::1\n}\n' +
        'bfd_instance dup {\n  neighbor_ip 192.0.2.2\n}\n' +
        'bfd_instance chk {\n  neighbor_ip 192.0.2.9\n  checker\n  max_hops 100\n  ttl 50\n}\n' +
        inst('    nosuch\n    chk\n    dup weight 300\n'),
    );
    const msgs = c.diagnostics.map((d) => `${d.severity} ${d.pos.line}: ${d.message}`);
    const has = (re: RegExp): void =>
      assert.ok(
        msgs.some((m) => re.test(m)),
        `${re}\n${msgs.join('\n')}`,
      );
    has(/^error 1: bfd_instance nonbr has no neighbor_ip; add 'neighbor_ip ADDRESS'/);
    has(
      /^error 6: bfd_instance mixed: source_ip 2001:db8::1 and neighbor_ip 192.0.2.2 are of different address families/,
    );
    has(/^error 9: bfd_instance dup: bfd_instance mixed already has neighbor 192.0.2.2/);
    has(/^warning 14: bfd_instance chk: max_hops 100 exceeds ttl\/hoplimit 50 - setting to 50/);
    has(
      /^error \d+: track_bfd 'nosuch' in vrrp_instance VI_1 names no bfd_instance \(defined: nonbr, mixed, dup, chk\)/,
    );
    has(
      /^error \d+: track_bfd 'chk' in vrrp_instance VI_1: bfd_instance chk sends its events to the checker only; add 'vrrp' to it/,
    );
    has(/^error \d+: .*weight.*-253.*253/);
  });
});
