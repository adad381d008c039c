/** Gratuitous ARP and unsolicited NA frames, checked field by field and by checksum. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { fold, pseudoHeaderSum, sum16 } from '../../src/vrrp/checksum';
import { garpFrame, unsolicitedNaFrame } from '../../src/vrrp/io/announce-frames';

describe('announcement frames', () => {
  it('GARP: broadcast ARP request, sender and target the VIP, target MAC broadcast (as keepalived)', () => {
    const f = garpFrame('02:00:00:00:00:0a', '192.0.2.100');
    assert.equal(
      f.toString('hex'),
      'ffffffffffff' +
        '02000000000a' +
        '0806' +
        '0001' +
        '0800' +
        '06' +
        '04' +
        '0001' +
        '02000000000a' +
        'c0000264' +
        'ffffffffffff' +
        'c0000264',
    );
  });
  it('NA: to all nodes, router and override flags, target link-layer option, valid ICMPv6 checksum', () => {
    const f = unsolicitedNaFrame('02:00:00:00:00:0a', '2001:db8::100');
    assert.equal(f.subarray(0, 6).toString('hex'), '333300000001');
    assert.equal(f.readUInt16BE(12), 0x86dd);
    const ip = f.subarray(14, 54);
    assert.equal(ip[6], 58);
    assert.equal(ip[7], 255, 'hop limit 255 (RFC 4861 §7.1.2)');
    const icmp = f.subarray(54);
    assert.equal(icmp[0], 136);
    assert.equal(icmp.readUInt32BE(4), 0xa0000000);
    assert.equal(icmp.subarray(26, 32).toString('hex'), '02000000000a');
    // A correct checksum sums (with the pseudo-header) to zero.
    assert.equal(
      fold(sum16(icmp, pseudoHeaderSum('2001:db8::100', 'ff02::1', icmp.length) - 112 + 58)),
      0,
    );
  });
});
