/** BFD control packets: golden bytes keepalived 2.2.7 sent, every drop reason, round trips. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { decodeControl, encodeControl, type ControlPacket } from '../../src/bfd/packet';
import { unmap } from '../../src/bfd/service';
import { controlPacket } from '../rigs/bfd-packets';

/**
 * keepalived 2.2.7's first packet for `bfd_instance b1 { neighbor_ip 192.0.2.2
 * source_ip 192.0.2.1 min_rx 100 min_tx 100 multiplier 3 }` (tcpdump on the
 * lab, UDP payload): Down, idle rate 1 s, 100 ms receive interval.
 */
const KEEPALIVED_DOWN = Buffer.from(
  '204003185' + '54fc6c1' + '00000000' + '000f4240' + '000186a0' + '00000000',
  'hex',
);

const down: ControlPacket = controlPacket({ myDiscr: 0x554fc6c1 });

describe('BFD control packet codec', () => {
  it("decodes keepalived's packet and encodes the same bytes", () => {
    const d = decodeControl(KEEPALIVED_DOWN);
    assert.ok(d.ok);
    assert.deepEqual(d.packet, down);
    assert.deepEqual(encodeControl(down), KEEPALIVED_DOWN);
  });

  it('round-trips random packets that pass the checks', () => {
    const states = ['AdminDown', 'Down', 'Init', 'Up'] as const;
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 500; i++) {
      const poll = rnd(2) === 1;
      const p: ControlPacket = {
        ...down,
        diag: rnd(9),
        state: states[rnd(4)] as ControlPacket['state'],
        poll,
        final: !poll && rnd(2) === 1,
        controlPlaneIndependent: rnd(2) === 1,
        authPresent: rnd(2) === 1,
        demand: rnd(2) === 1,
        detectMult: 1 + rnd(255),
        myDiscr: 1 + rnd(2 ** 31),
        yourDiscr: 1 + rnd(2 ** 31),
        desiredMinTxUs: rnd(2 ** 31),
        requiredMinRxUs: rnd(2 ** 31),
        requiredMinEchoRxUs: rnd(2 ** 31),
      };
      const d = decodeControl(encodeControl(p));
      assert.ok(d.ok, JSON.stringify(p));
      assert.deepEqual(d.packet, p);
    }
  });

  it('drops each malformed packet with its reason', () => {
    const bad = (edit: (b: Buffer) => Buffer): string => {
      const d = decodeControl(edit(Buffer.from(KEEPALIVED_DOWN)));
      assert.equal(d.ok, false);
      return d.ok ? '' : d.reason;
    };
    assert.equal(
      bad((b) => b.subarray(0, 23)),
      'too-short',
    );
    assert.equal(
      bad((b) => Buffer.concat([b, Buffer.alloc(4)])),
      'bad-length',
    );
    assert.equal(
      bad((b) => ((b[3] = 28), b)),
      'bad-length',
    );
    assert.equal(
      bad((b) => ((b[0] = 0x40), b)),
      'bad-version',
    );
    assert.equal(
      bad((b) => ((b[2] = 0), b)),
      'zero-detect-mult',
    );
    assert.equal(
      bad((b) => ((b[1] |= 1), b)),
      'multipoint',
    );
    assert.equal(
      bad((b) => (b.writeUInt32BE(0, 4), b)),
      'zero-my-discr',
    );
    // Init or Up must name the peer's discriminator; Down and AdminDown need not.
    assert.equal(
      bad((b) => ((b[1] = 0xc0), b)),
      'zero-your-discr',
    );
    assert.equal(
      bad((b) => ((b[1] = 0x80), b)),
      'zero-your-discr',
    );
    assert.ok(decodeControl(Buffer.from(KEEPALIVED_DOWN).fill(0x00, 1, 2)).ok);
    assert.equal(
      bad((b) => ((b[1] = 0x70), b)),
      'poll-and-final',
    );
    assert.equal(
      bad((b) => ((b[0] = 0x29), b)),
      'bad-diag',
    );
  });
});

describe('BFD receive addresses', () => {
  it('reads an IPv4 peer on the dual-stack socket as its IPv4 address', () => {
    assert.equal(unmap('::ffff:c000:20c'), '192.0.2.12');
    assert.equal(unmap('::ffff:cb00:71fe'), '203.0.113.254');
    assert.equal(unmap('2001:db8::c'), '2001:db8::c');
  });
});
