/**
 * The VRRP codec against bytes keepalived 2.2.7 really sent (recorded in the
 * reference, re-verified by checksum), and decode(encode(x)) = x on random adverts.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { ipBytes, ipString } from '../../src/vrrp/checksum';
import { decodeAdvert, encodeAdvert, passwordBytes, type Advert } from '../../src/vrrp/packet';
import { rng } from '../rigs/mutate';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('VRRP advert codec', () => {
  it("decodes and re-encodes keepalived's VRRPv2 PASS advert byte for byte", () => {
    const wire = hex('21 33 64 02 01 01 f0 26 c0a84d64 c0a84d6e 7365637265743132');
    const at = { family: 4 as const, src: '192.168.77.1', dst: '224.0.0.18' };
    const d = decodeAdvert(wire, at);
    assert.ok(d.ok);
    assert.deepEqual(
      { ...d.advert, authData: d.advert.authData.toString() },
      {
        version: 2,
        vrid: 0x33,
        priority: 100,
        advertIntervalCs: 100,
        addresses: ['192.168.77.100', '192.168.77.110'],
        authType: 'pass',
        authData: 'secret12',
      },
    );
    assert.equal(d.checksum, 0xf026);
    assert.deepEqual(encodeAdvert(d.advert, at), wire);
  });

  it("decodes keepalived's unicast VRRPv3 advert: checksum over the real peer address", () => {
    const wire = hex('31 34 64 01 00 64 40 87 c0a84d65');
    const at = { family: 4 as const, src: '192.168.77.2', dst: '192.168.77.1' };
    const d = decodeAdvert(wire, at);
    assert.ok(d.ok);
    assert.deepEqual(
      [
        d.advert.version,
        d.advert.vrid,
        d.advert.priority,
        d.advert.advertIntervalCs,
        d.advert.addresses,
      ],
      [3, 0x34, 100, 100, ['192.168.77.101']],
    );
    assert.deepEqual(encodeAdvert(d.advert, at), wire);
    // Without the pseudo-header (keepalived v3_checksum_as_v2) the same advert sums to 0x5c58.
    assert.equal(encodeAdvert(d.advert, { ...at, checksumAsV2: true }).readUInt16BE(6), 0x5c58);
    assert.deepEqual(decodeAdvert(wire, { ...at, dst: '224.0.0.18' }), {
      ok: false,
      reason: 'bad-checksum',
    });
  });

  it('drops what is not a valid advert, with a reason for each', () => {
    const at = { family: 4 as const, src: '192.0.2.1', dst: '224.0.0.18' };
    const good = encodeAdvert(
      {
        version: 3,
        vrid: 1,
        priority: 100,
        advertIntervalCs: 100,
        addresses: ['192.0.2.9'],
        authType: 'none',
        authData: Buffer.alloc(0),
      },
      at,
    );
    const bad = (f: (b: Buffer) => void): string => {
      const b = Buffer.from(good);
      f(b);
      const d = decodeAdvert(b, at);
      return d.ok ? 'ok' : d.reason;
    };
    assert.equal(decodeAdvert(good.subarray(0, 7), at).ok ? 'ok' : 'too-short', 'too-short');
    assert.equal(
      bad((b) => (b[0] = 0x41)),
      'bad-version',
    );
    assert.equal(
      bad((b) => (b[0] = 0x32)),
      'bad-type',
    );
    assert.equal(
      bad((b) => (b[3] = 2)),
      'bad-length',
    );
    assert.equal(
      bad((b) => (b[2] = 99)),
      'bad-checksum',
    );
    assert.equal(decodeAdvert(Buffer.concat([good, Buffer.alloc(1)]), at).ok, false);
  });

  it('round-trips random adverts of both versions and families', () => {
    const r = rng(7);
    const byte = (): number => Math.floor(r() * 256);
    for (let i = 0; i < 2000; i++) {
      const family = r() < 0.5 ? 4 : 6;
      const version = family === 6 || r() < 0.5 ? 3 : 2;
      const n = Math.floor(r() * 20);
      const addresses = Array.from({ length: n }, () =>
        family === 4
          ? `${byte()}.${byte()}.${byte()}.${byte()}`
          : ipString(Buffer.from(Array.from({ length: 16 }, byte)), 6),
      );
      const a: Advert = {
        version,
        vrid: 1 + Math.floor(r() * 255),
        priority: Math.floor(r() * 256),
        advertIntervalCs:
          version === 2 ? 100 * (1 + Math.floor(r() * 255)) : 1 + Math.floor(r() * 4095),
        addresses,
        authType: version === 2 ? (r() < 0.5 ? 'none' : 'pass') : 'none',
        authData: version === 2 ? passwordBytes(r() < 0.5 ? '' : 'pw' + i) : Buffer.alloc(0),
      };
      const at =
        family === 4
          ? ({ family, src: '192.0.2.1', dst: '224.0.0.18' } as const)
          : ({ family, src: 'fe80::1', dst: 'ff02::12' } as const);
      const d = decodeAdvert(encodeAdvert(a, at), at);
      assert.ok(d.ok, `advert ${i}`);
      assert.deepEqual(d.advert, a);
    }
  });

  it('survives random bytes', () => {
    const r = rng(9);
    for (let i = 0; i < 5000; i++) {
      const b = Buffer.from(
        Array.from({ length: Math.floor(r() * 80) }, () => Math.floor(r() * 256)),
      );
      decodeAdvert(b, { family: r() < 0.5 ? 4 : 6, src: '2001:db8::1', dst: 'ff02::12' });
    }
  });

  it('writes IPv6 addresses as RFC 5952 does', () => {
    assert.equal(ipString(ipBytes('2001:db8:0:0:1:0:0:1'), 6), '2001:db8::1:0:0:1');
    assert.equal(ipString(ipBytes('ff02::12'), 6), 'ff02::12');
    assert.equal(ipString(ipBytes('::'), 6), '::');
    assert.equal(ipString(ipBytes('fe80::1:2:3:4'), 6), 'fe80::1:2:3:4');
  });
});
