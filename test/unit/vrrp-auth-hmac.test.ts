/**
 * auth_hmac's trailer (auth-hmac.ts) against the wire images of keepalived's
 * own regression test (test/auth_hmac_test.c, the draft's appendix): key
 * 00..1f, VRID 51, priority 200, sequence 0x68000000_8000_0000.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  HmacAuth,
  hmacKey,
  TRAILER_LEN,
  type HmacContext,
  type HmacSettings,
} from '../../src/vrrp/auth-hmac';
import { decodeAdvert, encodeAdvert } from '../../src/vrrp/packet';

const KEY = Buffer.from([...Array(32).keys()]);
const IPV4_IMAGE = Buffer.from(
  '3133c80100644402c0000264' + '010100006800000080000000' + '1b84bc4e8e43892dc6d98448f8ee2265',
  'hex',
);
const IPV6_IMAGE = Buffer.from(
  '3133c8010064a2e9fe800000000000000000000000000100' +
    '010100006800000080000000' +
    'c8c56146ebfd66ee10ec4d8186461b78',
  'hex',
);
/** The appendix's sequence as a wall clock: 0x68000000 s and half a second. */
const VECTOR_MS = 0x68000000 * 1000 + 500;

function settings(over: Partial<HmacSettings> = {}): HmacSettings {
  return {
    keys: [hmacKey(1, KEY)],
    activeKey: 1,
    mode: 'enforce',
    antiReplayTime: false,
    timeWindowS: 5,
    ...over,
  };
}

const V4: HmacContext = { family: 4, version: 3, vrid: 51 };
const V6: HmacContext = { family: 6, version: 3, vrid: 51 };

function split(image: Buffer): [Buffer, Buffer] {
  const at = image.length - TRAILER_LEN;
  return [image.subarray(0, at), image.subarray(at)];
}

describe('auth_hmac trailer', () => {
  it('signs the appendix adverts byte for byte (IPv4 and IPv6)', () => {
    for (const [image, ctx, src] of [
      [IPV4_IMAGE, V4, '198.51.100.10'],
      [IPV6_IMAGE, V6, 'fe80::10'],
    ] as const) {
      const [msg, trailer] = split(image);
      const auth = new HmacAuth(settings(), ctx, () => VECTOR_MS);
      assert.equal(auth.sign(msg, src).toString('hex'), trailer.toString('hex'));
    }
  });

  it('verifies them, and says which part is wrong when one byte changes', () => {
    const [msg, trailer] = split(IPV6_IMAGE);
    const fresh = (): HmacAuth => new HmacAuth(settings(), V6, () => VECTOR_MS);
    assert.equal(fresh().verify(msg, trailer, 'fe80::10', undefined).verdict, 'ok');
    const cases: Array<[string, number, string]> = [
      ['priority', 2, 'auth-bad-hmac'],
      ['advert interval', 5, 'auth-bad-hmac'],
      ['checksum', 6, 'ok'],
      ['VIP', 8 + 15, 'auth-bad-hmac'],
      ['ext type', 24 + 0, 'auth-malformed'],
      ['key id', 24 + 1, 'auth-unknown-key'],
      ['reserved', 24 + 2, 'auth-malformed'],
      ['seconds', 24 + 4, 'auth-bad-hmac'],
      ['counter', 24 + 10, 'auth-bad-hmac'],
      ['hmac', 24 + 12, 'auth-bad-hmac'],
    ];
    for (const [what, at, verdict] of cases) {
      const img = Buffer.from(IPV6_IMAGE);
      img[at] = (img[at] as number) ^ 1;
      const [m, t] = split(img);
      assert.equal(fresh().verify(m, t, 'fe80::10', undefined).verdict, verdict, what);
    }
    assert.equal(fresh().verify(msg, trailer, 'fe80::20', undefined).verdict, 'auth-bad-hmac');
    const otherVrid = new HmacAuth(settings(), { ...V6, vrid: 52 }, () => VECTOR_MS);
    assert.equal(otherVrid.verify(msg, trailer, 'fe80::10', undefined).verdict, 'auth-bad-hmac');
  });

  it('drops a replay, per unicast peer and per multicast source', () => {
    const [msg, trailer] = split(IPV4_IMAGE);
    const auth = new HmacAuth(settings(), V4, () => VECTOR_MS);
    assert.equal(auth.verify(msg, trailer, '198.51.100.10', undefined).verdict, 'ok');
    assert.equal(auth.verify(msg, trailer, '198.51.100.10', undefined).verdict, 'auth-replay');
    // The same advert at a second peer (its own mark) is fresh there.
    assert.equal(auth.verify(msg, trailer, '198.51.100.10', '198.51.100.10').verdict, 'ok');
    assert.equal(
      auth.verify(msg, trailer, '198.51.100.10', '198.51.100.10').verdict,
      'auth-replay',
    );
  });

  it('forgets the least recently heard of more than four multicast senders', () => {
    let ms = 1_800_000_000_000;
    const clock = (): number => ms;
    const signer = new HmacAuth(settings(), V4, clock);
    const receiver = new HmacAuth(settings(), V4, clock);
    const msg = encodeAdvert(
      {
        version: 3,
        vrid: 51,
        priority: 100,
        advertIntervalCs: 100,
        addresses: ['192.0.2.100'],
        authType: 'none',
        authData: Buffer.alloc(0),
      },
      { family: 4, src: '192.0.2.1', dst: '224.0.0.18' },
    );
    const first = signer.sign(msg, '192.0.2.1');
    assert.equal(receiver.verify(msg, first, '192.0.2.1', undefined).verdict, 'ok');
    // Four other senders push 192.0.2.1 out of the table (each signs with its own source).
    for (const src of ['192.0.2.2', '192.0.2.3', '192.0.2.4', '192.0.2.5']) {
      ms += 10;
      const other = new HmacAuth(settings(), V4, clock);
      assert.equal(receiver.verify(msg, other.sign(msg, src), src, undefined).verdict, 'ok');
    }
    // Its old advert is then taken as the first from a new sender (as keepalived does).
    assert.equal(receiver.verify(msg, first, '192.0.2.1', undefined).verdict, 'ok');
  });

  it('time mode: drops a stamp outside the window before the digest', () => {
    let ms = 1_800_000_000_000;
    const signer = new HmacAuth(settings({ antiReplayTime: true }), V4, () => ms);
    const [msg] = split(IPV4_IMAGE);
    const t = signer.sign(msg, '198.51.100.10');
    const receiver = new HmacAuth(settings({ antiReplayTime: true }), V4, () => ms);
    ms += 6000;
    const late = receiver.verify(msg, t, '198.51.100.10', undefined);
    assert.deepEqual(late, { verdict: 'auth-stale', skewS: 6 });
    ms -= 12000;
    assert.equal(receiver.verify(msg, t, '198.51.100.10', undefined).verdict, 'auth-stale');
    ms += 6000;
    // A wrong key id inside the window is a key problem, not a stale one.
    const t2 = Buffer.from(t);
    t2[1] = 9;
    assert.equal(receiver.verify(msg, t2, '198.51.100.10', undefined).verdict, 'auth-unknown-key');
    assert.equal(receiver.verify(msg, t, '198.51.100.10', undefined).verdict, 'ok');
  });

  it('grows the sequence when the clock does not, and restarts after a clock step back', () => {
    let ms = 1_800_000_000_000;
    const [msg] = split(IPV4_IMAGE);
    const auth = new HmacAuth(settings({ antiReplayTime: true }), V4, () => ms);
    const a = auth.sign(msg, '198.51.100.10');
    const b = auth.sign(msg, '198.51.100.10');
    assert.equal(b.readUInt32BE(4), a.readUInt32BE(4));
    assert.equal(b.readUInt16BE(10), a.readUInt16BE(10) + 1, 'counter +1 within one tick');
    ms -= 3600_000; // clock stepped back an hour
    const c = auth.sign(msg, '198.51.100.10');
    assert.equal(c.readUInt32BE(4), Math.floor(ms / 1000), 'time mode: back to the clock');
    const mono = new HmacAuth(settings({ antiReplayTime: false }), V4, () => ms);
    ms += 3600_000;
    const d = mono.sign(msg, '198.51.100.10');
    ms -= 3600_000;
    const e = mono.sign(msg, '198.51.100.10');
    assert.equal(e.readUInt32BE(4), d.readUInt32BE(4), 'monotonic: never back');
    assert.equal(e.readUInt16BE(10), d.readUInt16BE(10) + 1);
  });

  it('a receiver mark stranded in the future expires (time mode) but holds (monotonic)', () => {
    const ms = 1_800_000_000_000;
    const [msg] = split(IPV4_IMAGE);
    const src = '198.51.100.10';
    for (const antiReplayTime of [true, false]) {
      const ahead = new HmacAuth(settings({ antiReplayTime }), V4, () => ms + 3600_000);
      const receiver = new HmacAuth(settings({ antiReplayTime: false }), V4, () => ms);
      assert.equal(receiver.verify(msg, ahead.sign(msg, src), src, src).verdict, 'ok');
      receiver.update(settings({ antiReplayTime }));
      const now = new HmacAuth(settings({ antiReplayTime }), V4, () => ms).sign(msg, src);
      assert.equal(
        receiver.verify(msg, now, src, src).verdict,
        antiReplayTime ? 'ok' : 'auth-replay',
      );
    }
  });

  it('keeps key bytes out of JSON (check --json, reload comparisons)', () => {
    const k = hmacKey(1, KEY);
    assert.ok(k.bytes.equals(KEY));
    assert.ok(!JSON.stringify(k).includes('0001'), JSON.stringify(k));
    assert.notEqual(JSON.stringify(k), JSON.stringify(hmacKey(1, Buffer.alloc(32, 7))));
  });

  it('migration modes take an advert without a trailer; enforce does not', () => {
    const [msg] = split(IPV4_IMAGE);
    for (const [mode, verdict] of [
      ['enforce', 'auth-missing'],
      ['permissive', 'ok'],
      ['receive-only', 'ok'],
    ] as const) {
      const auth = new HmacAuth(settings({ mode }), V4, () => VECTOR_MS);
      assert.equal(auth.verify(msg, undefined, '198.51.100.10', undefined).verdict, verdict);
      assert.equal(auth.signs, mode !== 'receive-only');
    }
  });

  it('the codec takes the trailer off: IPv4 checksum over the message, IPv6 over both', () => {
    const [msg4, t4] = split(IPV4_IMAGE);
    // The appendix's IPv4 image carries RFC 9568's message-only checksum.
    const at4 = { family: 4 as const, src: '198.51.100.10', dst: '224.0.0.18', checksumAsV2: true };
    const d4 = decodeAdvert(IPV4_IMAGE, { ...at4, trailerLen: TRAILER_LEN });
    assert.ok(d4.ok && d4.advert.priority === 200 && d4.advert.addresses[0] === '192.0.2.100');
    assert.equal(decodeAdvert(IPV4_IMAGE, at4).ok, false, 'without auth_hmac: too long');
    assert.ok(t4.length === TRAILER_LEN && msg4.length === 12);
    // The appendix's IPv6 checksum is for destination fe80::20, over message and trailer.
    const at6 = { family: 6 as const, src: 'fe80::10', dst: 'fe80::20', trailerLen: TRAILER_LEN };
    const d6 = decodeAdvert(IPV6_IMAGE, at6);
    assert.ok(d6.ok && d6.advert.addresses[0] === 'fe80::100');
    const bad = Buffer.from(IPV6_IMAGE);
    bad[IPV6_IMAGE.length - 1] = (bad[IPV6_IMAGE.length - 1] as number) ^ 1;
    assert.deepEqual(decodeAdvert(bad, at6), { ok: false, reason: 'bad-checksum' });
  });
});
