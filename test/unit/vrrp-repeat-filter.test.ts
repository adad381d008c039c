/**
 * The JS side of the addon's repeat fast path (io/repeat-filter.ts) on a fake
 * addon that keeps the same ArrayBuffer layout: one owner per VRID, counts
 * taken once, arrival times on performance.now()'s clock, a reset socket.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import type { HalbSys } from '../../src/platform/halb-sys';
import { RepeatFilter } from '../../src/vrrp/io/repeat-filter';
import type { ReceivedPacket } from '../../src/vrrp/io/vrrp-socket';

function fakeAddon() {
  const ab = new ArrayBuffer(256 * 8 + 256 * 4);
  const seen = new Float64Array(ab, 0, 256);
  const counts = new Uint32Array(ab, 256 * 8, 256);
  const armed = new Map<number, { ttl: number; src: string; dst: string }>();
  const sys = {
    fastInit: () => ab,
    fastArm: (_w: object, vrid: number, ttl: number, src: Buffer, dst: Buffer) =>
      void armed.set(vrid, { ttl, src: src.toString('hex'), dst: dst.toString('hex') }),
    fastClear: (_w: object, vrid: number) => void armed.delete(vrid),
    monotonicMs: () => 1_000_000,
  } as unknown as HalbSys;
  /** A repeat the addon counted, `ms` after its clock's 1,000,000. */
  const repeat = (vrid: number, ms: number): void => {
    seen[vrid] = 1_000_000 + ms;
    counts[vrid] = ((counts[vrid] as number) + 1) >>> 0;
  };
  return { sys, armed, repeat, counts };
}

const packet = (vrid: number, hopLimit = 255): ReceivedPacket => ({
  payload: Buffer.from([0x21, vrid, 100, 1, 0, 1, 0, 0, 192, 0, 2, 10]),
  src: '192.0.2.12',
  dst: '224.0.0.18',
  hopLimit,
});

describe('repeat filter', () => {
  it('arms a VRID for one owner; takes the counts once, with the last arrival on the JS clock', () => {
    const { sys, armed, repeat } = fakeAddon();
    const f = new RepeatFilter(sys, {});
    const a = {};
    const b = {};
    const before = performance.now();
    assert.equal(f.arm(a, packet(7), false), true);
    const after = performance.now();
    assert.deepEqual(armed.get(7), { ttl: 255, src: 'c000020c', dst: 'e0000012' });
    assert.equal(f.arm(b, packet(7), false), false, "another owner's VRID");
    assert.equal(f.take(a, 7), undefined, 'nothing yet');
    repeat(7, 10);
    repeat(7, 1010);
    const t = f.take(a, 7);
    assert.equal(t?.count, 2);
    // The addon's clock moved onto performance.now()'s by the offset taken at arming.
    assert.ok(t && t.at >= before + 1010 && t.at <= after + 1010, String(t?.at));
    assert.equal(f.take(a, 7), undefined, 'taken');
    assert.equal(f.take(b, 7), undefined, 'not its VRID');
    f.clear(b, 7);
    assert.ok(armed.has(7), "b cannot clear a's entry");
    f.clear(a, 7);
    assert.equal(armed.has(7), false);
    assert.equal(f.arm(b, packet(7), false), true, 'free again');
  });

  it('counts from the arming: repeats counted for an earlier owner are not taken by the next', () => {
    const { sys, repeat } = fakeAddon();
    const f = new RepeatFilter(sys, {});
    const a = {};
    f.arm(a, packet(9), false);
    repeat(9, 5);
    f.clear(a, 9);
    repeat(9, 6); // counted by the addon between the clear and the next arming (cannot happen, but harmless)
    const b = {};
    f.arm(b, packet(9), false);
    assert.equal(f.take(b, 9), undefined);
    repeat(9, 7);
    assert.equal(f.take(b, 9)?.count, 1);
  });

  it('unicast without check_unicast_src matches any TTL; an unknown hop limit is not armed; a reset forgets all', () => {
    const { sys, armed } = fakeAddon();
    const f = new RepeatFilter(sys, {});
    const a = {};
    assert.equal(f.arm(a, packet(3, 64), true), true);
    assert.equal(armed.get(3)?.ttl, -1);
    assert.equal(f.arm(a, packet(4, -1), false), false);
    f.reset({});
    assert.equal(f.take(a, 3), undefined);
    assert.equal(f.arm({}, packet(3), false), true, 'the owner was forgotten with the old socket');
  });
});
