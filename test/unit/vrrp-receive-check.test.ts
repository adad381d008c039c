/** check_unicast_src: the unicast source and TTL checks of keepalived 2.2.7 (pure). */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { preprocessSource } from '../../src/config/preprocess';
import { ROOT } from '../../src/config/schema/root';
import { parseTree } from '../../src/config/tree';
import { resolve } from '../../src/config/validate';
import { vrrpConfig } from '../../src/config/vrrp-config';
import { encodeAdvert } from '../../src/vrrp/packet';
import { checkReceived } from '../../src/vrrp/receive-check';
import { HmacAuth } from '../../src/vrrp/auth-hmac';

/** The first instance of a config text, as the engine gets it. */
const firstInstance = (text: string) =>
  vrrpConfig(
    resolve(parseTree(preprocessSource('/t.conf', text, { configId: 'x' }).lines).statements, ROOT)
      .model,
  ).instances[0]!;

const instance = (extra: string, global = '') =>
  firstInstance(
    `${global}vrrp_instance A {\n  interface eth0\n  virtual_router_id 7\n  unicast_src_ip 192.0.2.1\n  unicast_peer {\n    192.0.2.2 min_ttl 250\n    192.0.2.3\n  }\n${extra}  virtual_ipaddress {\n    192.0.2.100\n  }\n}\n`,
  );

const advert = (src: string) =>
  encodeAdvert(
    {
      version: 2,
      vrid: 7,
      priority: 200,
      advertIntervalCs: 100,
      addresses: ['192.0.2.100'],
      authType: 'none',
      authData: Buffer.alloc(8),
    },
    { family: 4, src, dst: '192.0.2.1' },
  );

const check = (cfg: ReturnType<typeof instance>, src: string, hopLimit: number) => {
  const r = checkReceived(cfg, { payload: advert(src), src, dst: '192.0.2.1', hopLimit }, true);
  return r.ok ? 'ok' : r.reason;
};

describe('check_unicast_src', () => {
  it('without it any source and TTL pass (keepalived checks neither)', () => {
    const cfg = instance('');
    assert.equal(cfg.checkUnicastSrc, false);
    assert.equal(check(cfg, '192.0.2.9', 64), 'ok');
  });

  it('with it: a source that is no unicast_peer is dropped, a peer needs its TTL range', () => {
    const cfg = instance('  check_unicast_src\n');
    assert.equal(check(cfg, '192.0.2.9', 255), 'unicast-source');
    assert.equal(check(cfg, '192.0.2.2', 255), 'ok');
    assert.equal(check(cfg, '192.0.2.2', 249), 'ttl', 'below min_ttl 250');
    assert.equal(check(cfg, '192.0.2.3', 1), 'ok', 'no range given: 0..255');
  });

  it('the global vrrp_check_unicast_src turns it on for every instance', () => {
    const cfg = instance('', 'global_defs {\n  vrrp_check_unicast_src\n}\n');
    assert.equal(cfg.checkUnicastSrc, true);
    assert.equal(check(cfg, '192.0.2.9', 255), 'unicast-source');
  });
});

describe('skip_check_adv_addr', () => {
  it('skips the address-list check only when asked (the master last heard)', () => {
    const cfg = instance('');
    const other = encodeAdvert(
      {
        version: 2,
        vrid: 7,
        priority: 200,
        advertIntervalCs: 100,
        addresses: ['192.0.2.99'],
        authType: 'none',
        authData: Buffer.alloc(8),
      },
      { family: 4, src: '192.0.2.2', dst: '192.0.2.1' },
    );
    const pkt = { payload: other, src: '192.0.2.2', dst: '192.0.2.1', hopLimit: 255 };
    const reason = (r: ReturnType<typeof checkReceived>) => (r.ok ? 'ok' : r.reason);
    assert.equal(reason(checkReceived(cfg, pkt, true)), 'address-list');
    assert.equal(reason(checkReceived(cfg, pkt, true, true)), 'ok');
    assert.equal(instance('  skip_check_adv_addr\n').skipCheckAdvAddr, true);
    assert.equal(
      instance('', 'global_defs {\n  vrrp_skip_check_adv_addr\n}\n').skipCheckAdvAddr,
      true,
    );
    assert.equal(
      instance('  skip_check_adv_addr off\n', 'global_defs {\n  vrrp_skip_check_adv_addr\n}\n')
        .skipCheckAdvAddr,
      false,
    );
  });
});

describe('auth_hmac receive checks', () => {
  const KEY = 'hex:' + '11'.repeat(32);
  const hmacInstance = (mode = 'enforce') =>
    instance(`  auth_hmac {\n    key 1 ${KEY}\n    active_key 1\n    mode ${mode}\n  }\n`);
  const pkt = (payload: Buffer, src: string) => ({ payload, src, dst: '192.0.2.1', hopLimit: 64 });
  const reason = (r: ReturnType<typeof checkReceived>) => (r.ok ? 'ok' : r.reason);

  it('finds the trailer by length, checks it, drops a replay and a non-peer', () => {
    const cfg = hmacInstance();
    const auth = new HmacAuth(cfg.authHmac!, { family: 4, version: 2, vrid: 7 }, Date.now);
    const msg = advert('192.0.2.2');
    const signed = Buffer.concat([msg, auth.sign(msg, '192.0.2.2')]);
    const receiver = new HmacAuth(cfg.authHmac!, { family: 4, version: 2, vrid: 7 }, Date.now);
    const rx = (p: Buffer, src = '192.0.2.2') =>
      reason(checkReceived(cfg, pkt(p, src), true, false, receiver));
    assert.equal(rx(signed), 'ok');
    assert.equal(rx(signed), 'auth-replay');
    assert.equal(rx(msg), 'auth-missing');
    assert.equal(rx(Buffer.concat([msg, Buffer.alloc(27)])), 'bad-length');
    // A non-peer is dropped before any HMAC (no replay mark to hold it), even without check_unicast_src.
    const fromOther = advert('192.0.2.9');
    assert.equal(
      rx(Buffer.concat([fromOther, auth.sign(fromOther, '192.0.2.9')]), '192.0.2.9'),
      'unicast-source',
    );
    // Without auth_hmac configured, the trailer makes the packet too long (as keepalived 2.2.7).
    assert.equal(reason(checkReceived(instance(''), pkt(signed, '192.0.2.2'), true)), 'bad-length');
  });

  it('permissive and receive-only take a trailerless advert, and still check a trailer', () => {
    for (const mode of ['permissive', 'receive-only']) {
      const cfg = hmacInstance(mode);
      const receiver = new HmacAuth(cfg.authHmac!, { family: 4, version: 2, vrid: 7 }, Date.now);
      const msg = advert('192.0.2.2');
      assert.equal(reason(checkReceived(cfg, pkt(msg, '192.0.2.2'), true, false, receiver)), 'ok');
      const forged = Buffer.concat([msg, Buffer.from('01010000', 'hex'), Buffer.alloc(24)]);
      forged.writeUInt32BE(Math.floor(Date.now() / 1000), msg.length + 4);
      assert.equal(
        reason(checkReceived(cfg, pkt(forged, '192.0.2.2'), true, false, receiver)),
        'auth-bad-hmac',
      );
    }
  });
});

describe('old_unicast_checksum (keepalived 1.3.6: the group in the pseudo-header)', () => {
  const v3 = (pseudoDst: string) =>
    encodeAdvert(
      {
        version: 3,
        vrid: 7,
        priority: 200,
        advertIntervalCs: 100,
        addresses: ['192.0.2.100'],
        authType: 'none',
        authData: Buffer.alloc(0),
      },
      { family: 4, src: '192.0.2.2', dst: pseudoDst },
    );
  const run = (payload: Buffer, mode: 'use' | 'try' | 'never') => {
    const cfg = instance('  version 3\n');
    const r = checkReceived(
      cfg,
      { payload, src: '192.0.2.2', dst: '192.0.2.1', hopLimit: 255 },
      true,
      false,
      undefined,
      { mode, group: '224.0.0.18' },
    );
    return r.ok ? (r.oldChecksum ? 'ok, old' : 'ok') : r.reason;
  };
  const rfc = v3('192.0.2.1');
  const old = v3('224.0.0.18');

  it('the two checksums differ', () => assert.notDeepEqual(rfc, old));

  it("'try' (no keyword) takes the RFC one, and the old one with a flag to switch", () => {
    assert.equal(run(rfc, 'try'), 'ok');
    assert.equal(run(old, 'try'), 'ok, old');
  });

  it("'use' (the keyword, or switched) takes only the old one; 'never' only the RFC one", () => {
    assert.equal(run(old, 'use'), 'ok');
    assert.equal(run(rfc, 'use'), 'bad-checksum');
    assert.equal(run(rfc, 'never'), 'ok');
    assert.equal(run(old, 'never'), 'bad-checksum');
  });

  it('a multicast instance never tries it', () => {
    const cfg = firstInstance(
      'vrrp_instance A {\n  interface eth0\n  virtual_router_id 7\n  version 3\n  virtual_ipaddress {\n    192.0.2.100\n  }\n}\n',
    );
    const r = checkReceived(
      cfg,
      { payload: v3('198.51.100.1'), src: '192.0.2.2', dst: '224.0.0.18', hopLimit: 255 },
      false,
      false,
      undefined,
      { mode: 'try', group: '198.51.100.1' },
    );
    assert.equal(r.ok ? 'ok' : r.reason, 'bad-checksum');
  });
});
