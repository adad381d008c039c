/**
 * The state machine on a virtual clock: every RFC 5798 §6 rule and keepalived's
 * additions, each an exact, millisecond test.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  initialMachine,
  masterDownMs,
  nextDeadline,
  skewMs,
  step,
  type InstanceParams,
  type Machine,
  type VrrpAction,
  type VrrpEvent,
} from '../../src/vrrp/state-machine';

const P: InstanceParams = {
  name: 'VI_1',
  version: 2,
  priority: 100,
  advertIntervalCs: 100,
  nopreempt: false,
  preemptDelayMs: 0,
  primaryAddress: '192.0.2.11',
  downTimerAdverts: 3,
};

/** Drives one instance: events at given times, timers fired exactly at their deadlines. */
class Clock {
  m: Machine;
  now = 0;
  log: Array<{ at: number; action: VrrpAction }> = [];
  constructor(readonly p: InstanceParams) {
    this.m = initialMachine(p);
  }
  send(e: VrrpEvent): this {
    const s = step(this.p, this.m, e, this.now);
    this.m = s.machine;
    for (const a of s.actions) this.log.push({ at: this.now, action: a });
    return this;
  }
  /** Advances to `t`, firing every deadline on the way. */
  until(t: number): this {
    for (;;) {
      const d = nextDeadline(this.m);
      if (d === null || d > t) break;
      this.now = d;
      this.send({ type: 'timer' });
    }
    this.now = t;
    return this;
  }
  advert(from: string, priority: number, advertIntervalCs = 100): this {
    return this.send({ type: 'advert', from, priority, advertIntervalCs });
  }
  firstAt(type: VrrpAction['type'], after = -1): number | undefined {
    return this.log.find((l) => l.action.type === type && l.at > after)?.at;
  }
  adverts(): Array<{ at: number; priority: number }> {
    return this.log.flatMap((l) =>
      l.action.type === 'send-advert' ? [{ at: l.at, priority: l.action.priority }] : [],
    );
  }
}

describe('VRRP timers', () => {
  it('computes skew and master-down as RFC 3768 and RFC 5798 say', () => {
    const m = initialMachine(P);
    assert.equal(skewMs(P, m), (156 * 1000) / 256);
    assert.equal(masterDownMs(P, m), 3000 + 609.375);
    const v3 = { ...P, version: 3 as const, advertIntervalCs: 5 };
    assert.equal(skewMs(v3, initialMachine(v3)), (156 * 5 * 10) / 256);
  });
});

describe('VRRP state machine', () => {
  it('a MASTER answers a lower priority with an advert, unless lower_prio_no_advert', () => {
    const master = (p: InstanceParams) =>
      new Clock({ ...p, priority: 255 }).send({ type: 'startup' });
    const c = master(P).until(100).advert('192.0.2.12', 50);
    assert.deepEqual(
      c.adverts().map((a) => a.at),
      [0, 100],
      'default: at once',
    );
    const q = master({ ...P, lowerPrioNoAdvert: true })
      .until(100)
      .advert('192.0.2.12', 50);
    assert.deepEqual(
      q.adverts().map((a) => a.at),
      [0],
    );
    assert.equal(q.m.state, 'master');
    // Either way the VIPs are announced again (garp_lower_prio_repeat).
    for (const x of [c, q]) assert.equal(x.firstAt('announce-lower-priority'), 100);
  });

  it('higher_prio_send_advert: one advert before stepping down to a higher priority', () => {
    const run = (p: InstanceParams) => {
      const c = new Clock(p).send({ type: 'startup' }).until(4000);
      assert.equal(c.m.state, 'master');
      const before = c.adverts().length;
      c.advert('192.0.2.12', 200);
      assert.equal(c.m.state, 'backup');
      return c.adverts().slice(before);
    };
    assert.deepEqual(run(P), []);
    assert.deepEqual(run({ ...P, higherPrioSendAdvert: true }), [{ at: 4000, priority: 100 }]);
  });

  it('vrrp_startup_delay: the master-down timer counts from the end of the delay, adverts in it restart it from there', () => {
    const p = { ...P, startDelayUntil: 5000 };
    const c = new Clock(p).send({ type: 'startup' });
    assert.equal(c.m.masterDownAt, 5000 + 3609.375);
    c.until(2000).advert('192.0.2.12', 200); // a master heard within the delay
    assert.equal(c.m.masterDownAt, 5000 + 3609.375);
    c.until(8609);
    assert.equal(c.m.state, 'backup');
    c.until(8610);
    assert.equal(
      c.m.state,
      'master',
      'silent master: MASTER one master-down interval after the delay',
    );
    // Past the delay nothing changes: the same instance back in BACKUP counts from now.
    c.until(9000).advert('192.0.2.12', 200);
    assert.equal(c.m.state, 'backup');
    assert.equal(c.m.masterDownAt, 9000 + 3609.375);
    // No delay: from now, as before.
    assert.equal(new Clock(P).send({ type: 'startup' }).m.masterDownAt, 3609.375);
  });

  it('state MASTER: the first BACKUP waits one advert interval and the smallest skew, then takes over', () => {
    const v2 = new Clock({ ...P, wantMaster: true }).send({ type: 'startup' });
    assert.equal(v2.m.state, 'backup');
    assert.equal(v2.m.masterDownAt, 1000 + 1000 / 256);
    v2.until(1004);
    assert.equal(v2.m.state, 'master');
    const v3 = new Clock({ ...P, version: 3, advertIntervalCs: 5, wantMaster: true }).send({
      type: 'startup',
    });
    assert.equal(v3.m.masterDownAt, 50 + 50 / 256);
    // A master heard in that interval: an ordinary backup from then on.
    const heard = new Clock({ ...P, wantMaster: true }).send({ type: 'startup' }).until(500);
    heard.advert('192.0.2.12', 200);
    assert.equal(heard.m.masterDownAt, 500 + 3609.375);
    heard.until(2000);
    assert.equal(heard.m.state, 'backup');
  });

  it('down_timer_adverts: the adverts a backup misses before it takes over', () => {
    const c = new Clock({ ...P, downTimerAdverts: 5 }).send({ type: 'startup' });
    c.until(1000).advert('192.0.2.12', 200);
    assert.equal(c.m.masterDownAt, 1000 + 5000 + 609.375);
    c.until(6609);
    assert.equal(c.m.state, 'backup');
    c.until(6610);
    assert.equal(c.m.state, 'master');
  });

  it('starts in BACKUP and becomes MASTER after exactly the master-down interval', () => {
    const c = new Clock(P).send({ type: 'startup' });
    assert.equal(c.m.state, 'backup');
    c.until(3609);
    assert.equal(c.m.state, 'backup');
    c.until(3610);
    assert.equal(c.m.state, 'master');
    assert.equal(c.firstAt('add-vips'), 3609.375);
    // The first advert goes out first (old master steps down), the announcement right after it.
    const order = c.log.filter((l) => l.at === 3609.375).map((l) => l.action.type);
    assert.deepEqual(order.slice(0, 4), ['send-advert', 'announce', 'log', 'add-vips']);
    c.until(6610);
    assert.deepEqual(
      c.adverts().map((a) => a.at),
      [3609.375, 4609.375, 5609.375, 6609.375],
    );
  });

  it('an address owner (255) is master at once', () => {
    const c = new Clock({ ...P, priority: 255 }).send({ type: 'startup' });
    assert.equal(c.m.state, 'master');
    assert.deepEqual(c.adverts(), [{ at: 0, priority: 255 }]);
  });

  it('stays BACKUP while a higher-priority master advertises, takes over 3 x advert + skew after the last', () => {
    const c = new Clock(P).send({ type: 'startup' });
    for (let t = 500; t <= 10500; t += 1000) c.until(t).advert('192.0.2.12', 200);
    c.until(14109);
    assert.equal(c.m.state, 'backup');
    c.until(15000);
    assert.equal(c.m.state, 'master');
    assert.equal(c.firstAt('add-vips'), 10500 + 3609.375);
    assert.equal(c.m.lastTransition?.why, 'no advert from 192.0.2.12 for the master-down interval');
  });

  it('takes over after the skew alone when the master sends priority 0', () => {
    const c = new Clock(P)
      .send({ type: 'startup' })
      .until(1000)
      .advert('192.0.2.12', 200)
      .until(2000)
      .advert('192.0.2.12', 0);
    c.until(2609);
    assert.equal(c.m.state, 'backup');
    c.until(2610);
    assert.equal(c.m.state, 'master');
    assert.equal(c.firstAt('add-vips'), 2000 + 609.375);
  });

  it('preempts a lower-priority master by letting its down timer run out; nopreempt does not', () => {
    const pre = new Clock(P).send({ type: 'startup' });
    const no = new Clock({ ...P, nopreempt: true }).send({ type: 'startup' });
    for (let t = 500; t <= 20500; t += 1000) {
      pre.until(t).advert('192.0.2.12', 50);
      no.until(t).advert('192.0.2.12', 50);
    }
    assert.equal(pre.m.state, 'master');
    assert.equal(
      pre.firstAt('add-vips'),
      3609.375,
      'lower-priority adverts do not restart the timer',
    );
    assert.equal(no.m.state, 'backup');
  });

  it('waits preempt_delay before preempting a lower-priority master', () => {
    const c = new Clock({ ...P, preemptDelayMs: 8000 }).send({ type: 'startup' });
    for (let t = 500; t <= 20500; t += 1000) c.until(t).advert('192.0.2.12', 50);
    assert.equal(c.m.state, 'master');
    assert.equal(
      c.firstAt('add-vips'),
      8500,
      'preempt_delay after the first lower-priority advert',
    );
  });

  it('a master steps down for a higher priority, or for equal priority from a higher address', () => {
    const hi = new Clock(P).send({ type: 'startup' }).until(4000).advert('192.0.2.5', 101);
    assert.equal(hi.m.state, 'backup');
    assert.equal(hi.firstAt('remove-vips'), 4000);
    assert.equal(hi.m.masterAddress, '192.0.2.5');
    const tieHigher = new Clock(P).send({ type: 'startup' }).until(4000).advert('192.0.2.200', 100);
    assert.equal(tieHigher.m.state, 'backup');
    const tieLower = new Clock(P).send({ type: 'startup' }).until(4000).advert('192.0.2.2', 100);
    assert.equal(tieLower.m.state, 'master');
    assert.deepEqual(
      tieLower.adverts().at(-1),
      { at: 4000, priority: 100 },
      'answers the lower one at once',
    );
  });

  it('a master answers a priority-0 advert at once', () => {
    const c = new Clock(P).send({ type: 'startup' }).until(4000).advert('192.0.2.12', 0);
    assert.equal(c.m.state, 'master');
    assert.deepEqual(c.adverts().at(-1), { at: 4000, priority: 100 });
  });

  it('on shutdown a master sends one priority-0 advert and releases its addresses', () => {
    const c = new Clock(P).send({ type: 'startup' }).until(4000).send({ type: 'shutdown' });
    assert.equal(c.m.state, 'init');
    const last = c.log
      .filter((l) => l.at === 4000)
      .map((l) =>
        l.action.type === 'send-advert' ? `advert ${l.action.priority}` : l.action.type,
      );
    assert.deepEqual(last.slice(0, 4), ['advert 0', 'stop-announcing', 'remove-vips', 'log']);
    assert.equal(nextDeadline(c.m), null, 'no timer left');
  });

  it('v3 learns the master advert interval and times out on it', () => {
    const v3 = { ...P, version: 3 as const, advertIntervalCs: 100 };
    const c = new Clock(v3).send({ type: 'startup' }).until(100).advert('192.0.2.12', 200, 5);
    assert.equal(c.m.masterAdvertIntervalCs, 5);
    const down = 3 * 50 + (156 * 5 * 10) / 256;
    c.until(100 + down - 1);
    assert.equal(c.m.state, 'backup');
    c.until(100 + down);
    assert.equal(c.m.state, 'master');
  });

  it('FAULT: a master leaves with a priority-0 advert; recovery goes through BACKUP', () => {
    const c = new Clock(P)
      .send({ type: 'startup' })
      .until(4000)
      .send({ type: 'fault', faulty: true, why: 'eth0 down' });
    assert.equal(c.m.state, 'fault');
    assert.deepEqual(c.adverts().at(-1), { at: 4000, priority: 0 });
    assert.ok(c.log.some((l) => l.at === 4000 && l.action.type === 'remove-vips'));
    c.until(60000);
    assert.equal(c.m.state, 'fault', 'no timers run in FAULT');
    c.send({ type: 'fault', faulty: false, why: 'eth0 up' });
    assert.equal(c.m.state, 'backup');
    c.until(60000 + 3610);
    assert.equal(c.m.state, 'master');
  });

  it('trackers move the priority, but never to or from 255', () => {
    const c = new Clock(P).send({ type: 'priority', effective: 300 });
    assert.equal(c.m.effectivePriority, 254);
    c.send({ type: 'priority', effective: -10 });
    assert.equal(c.m.effectivePriority, 1);
    const owner = new Clock({ ...P, priority: 255 }).send({ type: 'priority', effective: 200 });
    assert.equal(owner.m.effectivePriority, 255);
  });

  it('two instances on a virtual wire elect the higher priority, and fail over', () => {
    const a = new Clock({ ...P, priority: 150, primaryAddress: '192.0.2.11' });
    const b = new Clock({ ...P, priority: 100, primaryAddress: '192.0.2.12' });
    const nodes = [a, b];
    nodes.forEach((n) => n.send({ type: 'startup' }));
    let delivered = 0;
    let alive = [true, true];
    for (let t = 0; t <= 30000; t += 1) {
      nodes.forEach((n, i) => alive[i] && n.until(t));
      // Deliver adverts sent at this ms to the other node.
      nodes.forEach((n, i) => {
        for (const ad of n.adverts().filter((x) => x.at > t - 1 && x.at <= t)) {
          const other = nodes[1 - i] as Clock;
          if (alive[i] && alive[1 - i]) {
            other.advert(n.p.primaryAddress, ad.priority);
            delivered++;
          }
        }
      });
      if (t === 15000) alive = [false, true]; // kill -9 the master
    }
    assert.ok(delivered > 10);
    assert.equal(
      a.firstAt('add-vips'),
      ((256 - 150) * 1000) / 256 + 3000,
      'a: master-down at its own skew',
    );
    assert.equal(b.m.state, 'master');
    const bMaster = b.firstAt('add-vips') as number;
    assert.ok(bMaster > 15000 && bMaster <= 15000 + 3609.375 + 1, `b took over at ${bMaster}`);
  });
});
