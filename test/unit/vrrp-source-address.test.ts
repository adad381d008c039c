/** Which address an instance's adverts leave from as addresses come and go (keepalived_netlink.c). */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { chooseSource } from '../../src/vrrp/source-address';

const v4 = { unicastSrc: undefined, trackSrcIp: false, family: 4 as const };
const v6 = { unicastSrc: undefined, trackSrcIp: false, family: 6 as const };
const vips = new Set(['192.0.2.100', 'fe80::100']);

describe('advert source address', () => {
  it('takes the first IPv4 address that is not a VIP, none when there is none', () => {
    assert.equal(
      chooseSource(v4, ['192.0.2.100', '192.0.2.1', '192.0.2.2'], vips, undefined),
      '192.0.2.1',
    );
    assert.equal(chooseSource(v4, ['192.0.2.100'], vips, undefined), undefined);
    assert.equal(chooseSource(v4, [], vips, undefined), undefined);
  });

  it('keeps its address while the interface holds it, even when another comes first', () => {
    assert.equal(chooseSource(v4, ['192.0.2.1', '192.0.2.2'], vips, '192.0.2.2'), '192.0.2.2');
    // Removed: the next one, not a VIP that a MASTER holds there.
    assert.equal(chooseSource(v4, ['192.0.2.100', '192.0.2.3'], vips, '192.0.2.2'), '192.0.2.3');
  });

  it('IPv6: a link-local address only', () => {
    assert.equal(
      chooseSource(v6, ['2001:db8::1', 'fe80::100', 'FE80::1'], vips, undefined),
      'FE80::1',
    );
    assert.equal(chooseSource(v6, ['2001:db8::1'], vips, undefined), undefined);
  });

  it('a configured source stays, unless track_src_ip and the interface lost it', () => {
    const u = { ...v4, unicastSrc: '192.0.2.9' };
    assert.equal(chooseSource(u, [], vips, undefined), '192.0.2.9');
    assert.equal(
      chooseSource({ ...u, trackSrcIp: true }, ['192.0.2.1'], vips, '192.0.2.9'),
      undefined,
    );
    assert.equal(
      chooseSource({ ...u, trackSrcIp: true }, ['192.0.2.9'], vips, undefined),
      '192.0.2.9',
    );
  });
});
