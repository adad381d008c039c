/** The records the addon's batching watcher hands up: IPv4 headers and IPv6 ancillary heads (pure). */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseIpv4 } from '../../src/vrrp/io/ipv4-header';
import { parseIpv6Record } from '../../src/vrrp/io/ipv6-record';

const ADVERT = Buffer.from('3101640101000000c000020a', 'hex');

function v6Record(hop: number, src: string, dst: string, pkt: Buffer): Buffer {
  const head = Buffer.alloc(2);
  head.writeUInt16BE(hop);
  return Buffer.concat([head, Buffer.from(src, 'hex'), Buffer.from(dst, 'hex'), pkt]);
}

describe('receive records', () => {
  it('IPv4: TTL, protocol, source, destination and the payload after the header', () => {
    const ip = Buffer.from('45c0002000000000ff70000cc0000203e0000012', 'hex');
    const p = parseIpv4(Buffer.concat([ip, ADVERT]));
    assert.deepEqual(p && [p.hopLimit, p.protocol, p.src, p.dst, p.payload.toString('hex')], [
      255,
      112,
      '192.0.2.3',
      '224.0.0.18',
      ADVERT.toString('hex'),
    ]);
    assert.equal(parseIpv4(ip.subarray(0, 19)), undefined, 'short header');
  });

  it('IPv6: hop limit, source and destination from the head, the packet after it', () => {
    const rec = v6Record(
      255,
      'fe800000000000000000000000000001',
      'ff020000000000000000000000000012',
      ADVERT,
    );
    // Inside a bigger (reused) buffer: only [start, end) counts.
    const buf = Buffer.concat([Buffer.from('aaaa', 'hex'), rec, Buffer.from('bbbb', 'hex')]);
    const p = parseIpv6Record(buf, 2, 2 + rec.length);
    assert.deepEqual(p && [p.hopLimit, p.src, p.dst, p.payload.toString('hex')], [
      255,
      'fe80::1',
      'ff02::12',
      ADVERT.toString('hex'),
    ]);
  });

  it('IPv6: 0xffff is no hop limit; no destination (no IPV6_PKTINFO) or a short record is dropped', () => {
    const src = '20010db8000000000000000000000001';
    const dst = '20010db8000000000000000000000002';
    const p = parseIpv6Record(v6Record(0xffff, src, dst, ADVERT), 0, 34 + ADVERT.length);
    assert.equal(p?.hopLimit, -1);
    assert.equal(p?.dst, '2001:db8::2');
    const noDst = v6Record(255, src, '00'.repeat(16), ADVERT);
    assert.equal(parseIpv6Record(noDst, 0, noDst.length), undefined);
    assert.equal(parseIpv6Record(noDst, 0, 33), undefined);
  });
});
