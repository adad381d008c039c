import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GarpPacer, type PacerClock } from '../../src/vrrp/garp-pacer';

/** A clock whose timers fire only when the test moves time. */
class FakeClock implements PacerClock {
  t = 0;
  private timers: { at: number; fn: () => void; live: boolean }[] = [];
  now(): number {
    return this.t;
  }
  later(ms: number, fn: () => void): { cancel(): void } {
    const timer = { at: this.t + ms, fn, live: true };
    this.timers.push(timer);
    return { cancel: () => void (timer.live = false) };
  }
  advance(to: number): void {
    for (;;) {
      const due = this.timers.filter((x) => x.live && x.at <= to).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      due.live = false;
      this.t = due.at;
      due.fn();
    }
    this.t = to;
  }
}

function frame(ethertype: number, tag: number): Buffer {
  const f = Buffer.alloc(20);
  f.writeUInt16BE(ethertype, 12);
  f[19] = tag;
  return f;
}
const ARP = 0x0806;
const IPV6 = 0x86dd;

function rig(interval: (ifindex: number, arp: boolean) => number) {
  const clock = new FakeClock();
  const sent: { at: number; ifindex: number; tag: number }[] = [];
  const pacer = new GarpPacer(
    { send: (ifindex, f) => void sent.push({ at: clock.t, ifindex, tag: f[19] as number }) },
    interval,
    clock,
  );
  return { clock, sent, pacer };
}

describe('garp_interval / gna_interval pacing', () => {
  it('sends at once when the interval is 0', () => {
    const r = rig(() => 0);
    for (let i = 0; i < 5; i++) r.pacer.send(2, frame(ARP, i));
    assert.deepEqual(
      r.sent.map((s) => s.at),
      [0, 0, 0, 0, 0],
    );
  });

  it('spaces frames on one interface by the interval, in order', () => {
    const r = rig(() => 0.5);
    for (let i = 0; i < 4; i++) r.pacer.send(2, frame(ARP, i));
    r.clock.advance(5000);
    assert.deepEqual(
      r.sent.map((s) => [s.at, s.tag]),
      [
        [0, 0],
        [500, 1],
        [1000, 2],
        [1500, 3],
      ],
    );
  });

  it('paces ARP and NA, and each interface, separately', () => {
    const r = rig((ifindex, arp) => (arp ? 1 : 0.2) * ifindex);
    r.pacer.send(1, frame(ARP, 1));
    r.pacer.send(1, frame(ARP, 2));
    r.pacer.send(1, frame(IPV6, 3));
    r.pacer.send(1, frame(IPV6, 4));
    r.pacer.send(2, frame(ARP, 5));
    r.pacer.send(2, frame(ARP, 6));
    r.clock.advance(10000);
    const at = Object.fromEntries(r.sent.map((s) => [s.tag, s.at]));
    assert.deepEqual(at, { 1: 0, 2: 1000, 3: 0, 4: 200, 5: 0, 6: 2000 });
  });

  it('a frame after a quiet spell goes at once', () => {
    const r = rig(() => 1);
    r.pacer.send(2, frame(ARP, 1));
    r.clock.advance(3000);
    r.pacer.send(2, frame(ARP, 2));
    assert.deepEqual(
      r.sent.map((s) => s.at),
      [0, 3000],
    );
  });

  it('cancel drops what is queued for one owner only', () => {
    const r = rig(() => 1);
    const a = {};
    const b = {};
    r.pacer.send(2, frame(ARP, 1), a);
    r.pacer.send(2, frame(ARP, 2), a);
    r.pacer.send(2, frame(ARP, 3), b);
    r.pacer.cancel(a);
    r.clock.advance(5000);
    assert.deepEqual(
      r.sent.map((s) => [s.at, s.tag]),
      [
        [0, 1],
        [1000, 3],
      ],
    );
  });
});
