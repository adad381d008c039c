/** auth_type AH's packet (ah.ts): what the ICV covers and what it does not. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { buildAhPacket, checkAh } from '../../src/vrrp/ah';
import { encodeAdvert, passwordBytes } from '../../src/vrrp/packet';

const vrrp = encodeAdvert(
  {
    version: 2,
    vrid: 51,
    priority: 150,
    advertIntervalCs: 100,
    addresses: ['192.0.2.100'],
    authType: 'ah',
    authData: Buffer.alloc(8),
  },
  { family: 4, src: '192.0.2.1', dst: '224.0.0.18' },
);
const key = passwordBytes('s3cret');
const fields = { src: '192.0.2.1', dst: '224.0.0.18', ttl: 255, id: 7, seq: 42, unicast: false };

describe('VRRP auth_type AH', () => {
  it('lays out IP, AH and the advert as keepalived 2.2.7 does', () => {
    const p = buildAhPacket(vrrp, fields, key);
    assert.equal(p.length, 20 + 24 + vrrp.length);
    assert.deepEqual([...p.subarray(0, 2)], [0x45, 0xc0]);
    assert.equal(p.readUInt16BE(2), p.length);
    assert.equal(p.readUInt16BE(4), 7, 'IP ID set by the sender');
    assert.deepEqual([p[8], p[9]], [255, 51]);
    assert.equal(p.readUInt16BE(10), 0, 'checksum left to the kernel');
    assert.deepEqual([p[20], p[21]], [112, 4], 'next header VRRP, payload length 4');
    assert.deepEqual([...p.subarray(24, 28)], [192, 0, 2, 1], 'SPI: the source address');
    assert.equal(p.readUInt32BE(28), 42);
    assert.ok(p.subarray(44).equals(vrrp));
    const c = checkAh(p, key, false);
    assert.ok(c.ok && c.seq === 42 && c.vrrp.equals(vrrp));
  });

  it('a wrong password, a changed ID or advert, a false SPI fail; mutable fields do not', () => {
    const p = buildAhPacket(vrrp, fields, key);
    const changed = (f: (b: Buffer) => void, k = key, unicast = false) => {
      const b = Buffer.from(p);
      f(b);
      return checkAh(b, k, unicast);
    };
    assert.equal(changed(() => undefined, passwordBytes('other')).ok, false);
    assert.equal(changed((b) => (b[5] = 8)).ok, false, 'the IP ID is covered');
    assert.equal(
      changed((b) => (b[50] = (b[50] as number) ^ 1)).ok,
      false,
      'the advert is covered',
    );
    assert.equal(
      changed((b) => b.writeUInt16BE(0x4000, 6)).ok,
      true,
      'flags / fragment offset are not (mutable)',
    );
    assert.equal(changed((b) => b.writeUInt16BE(0xbeef, 10)).ok, true, 'the IP checksum is not');
    assert.equal(changed((b) => (b[1] = 0)).ok, true, 'the TOS is not');
    assert.equal(changed((b) => (b[8] = 254)).ok, false, 'multicast: the TTL is covered');
    // A false SPI with a right ICV: rebuild with another source, then put the SPI back.
    const other = buildAhPacket(vrrp, { ...fields, src: '192.0.2.9' }, key);
    other[27] = 1;
    assert.equal(checkAh(other, key, false).ok, false, 'the SPI must be the source');
  });

  it('unicast leaves the TTL out of the ICV', () => {
    const p = buildAhPacket(vrrp, { ...fields, dst: '192.0.2.2', unicast: true }, key);
    p[8] = 60; // routed on the way
    assert.equal(checkAh(p, key, true).ok, true);
  });
});
