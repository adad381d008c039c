/** The engine's one timer for every instance's deadline, on a mocked clock and setTimeout. */
import { describe, it, mock } from 'node:test';
import * as assert from 'node:assert/strict';
import { CHECK_SLACK_MS, Deadlines, type DeadlineOwner } from '../../src/vrrp/deadlines';

function rig(): {
  d: Deadlines;
  fired: Array<[string, number]>;
  owner: (n: string) => DeadlineOwner;
  tick: (ms: number) => void;
} {
  mock.timers.enable({ apis: ['setTimeout'] });
  let now = 0;
  const d = new Deadlines(() => now);
  const fired: Array<[string, number]> = [];
  const owner = (n: string): DeadlineOwner => ({ onDeadline: () => fired.push([n, now]) });
  const tick = (ms: number): void => {
    for (let i = 0; i < ms; i++) {
      now++;
      mock.timers.tick(1);
    }
  };
  return { d, fired, owner, tick };
}

describe('Deadlines', () => {
  it('runs each owner once, at its deadline, earliest first', () => {
    const { d, fired, owner, tick } = rig();
    try {
      const a = owner('a');
      const b = owner('b');
      const c = owner('c');
      d.set(a, 30);
      d.set(b, 10);
      d.set(c, 20);
      tick(9);
      assert.deepEqual(fired, []);
      tick(25);
      assert.deepEqual(fired, [
        ['b', 10],
        ['c', 20],
        ['a', 30],
      ]);
      assert.equal(d.size, 0);
    } finally {
      d.dispose();
      mock.timers.reset();
    }
  });

  it('moves a deadline earlier or later, and clears it', () => {
    const { d, fired, owner, tick } = rig();
    try {
      const a = owner('a');
      const b = owner('b');
      d.set(a, 50);
      d.set(b, 60);
      d.set(a, 5);
      d.set(b, 100);
      tick(10);
      assert.deepEqual(fired, [['a', 5]]);
      d.clear(b);
      tick(200);
      assert.deepEqual(fired, [['a', 5]]);
      assert.equal(d.size, 0);
    } finally {
      d.dispose();
      mock.timers.reset();
    }
  });

  it('lets an owner re-arm from its own callback, as a master does every interval', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    let now = 0;
    const d = new Deadlines(() => now);
    const at: number[] = [];
    const master: DeadlineOwner = {
      onDeadline: () => {
        at.push(now);
        d.set(master, now + 1000);
      },
    };
    try {
      d.set(master, 1000);
      for (let i = 0; i < 3500; i++) {
        now++;
        mock.timers.tick(1);
      }
      assert.deepEqual(at, [1000, 2000, 3000]);
      assert.equal(d.size, 1);
    } finally {
      d.dispose();
      mock.timers.reset();
    }
  });

  it('keeps many owners in deadline order', () => {
    const { d, fired, owner, tick } = rig();
    try {
      const times = Array.from({ length: 200 }, (_, i) => 1 + ((i * 7919) % 997));
      times.forEach((t, i) => d.set(owner(String(i)), t));
      tick(1000);
      const seen = fired.map(([, t]) => t);
      assert.equal(seen.length, 200);
      assert.deepEqual(
        seen,
        [...times].sort((x, y) => x - y),
      );
    } finally {
      d.dispose();
      mock.timers.reset();
    }
  });

  it('runs checks (relaxed deadlines) up to the slack early with a firing, real deadlines never', () => {
    const { d, fired, owner, tick } = rig();
    try {
      const real = owner('real');
      const nearCheck = owner('near-check');
      const nearReal = owner('near-real');
      const farCheck = owner('far-check');
      d.set(real, 10);
      d.set(nearCheck, 10 + CHECK_SLACK_MS - 1);
      d.relax(nearCheck);
      d.set(nearReal, 10 + CHECK_SLACK_MS - 1);
      d.set(farCheck, 10 + CHECK_SLACK_MS + 1);
      d.relax(farCheck);
      tick(10);
      assert.deepEqual(fired, [
        ['real', 10],
        ['near-check', 10],
      ]);
      tick(CHECK_SLACK_MS - 1);
      assert.deepEqual(fired.slice(2), [
        ['near-real', 9 + CHECK_SLACK_MS],
        ['far-check', 9 + CHECK_SLACK_MS],
      ]);
      assert.equal(d.size, 0);
    } finally {
      d.dispose();
      mock.timers.reset();
    }
  });

  it('set() after relax() makes the deadline real again', () => {
    const { d, fired, owner, tick } = rig();
    try {
      const a = owner('a');
      const b = owner('b');
      d.set(a, 10);
      d.set(b, 50);
      d.relax(b);
      d.set(b, 50);
      tick(10);
      assert.deepEqual(fired, [['a', 10]]);
      tick(40);
      assert.deepEqual(fired, [
        ['a', 10],
        ['b', 50],
      ]);
    } finally {
      d.dispose();
      mock.timers.reset();
    }
  });

  it('a backup hearing adverts spread over the second wakes about once per slack for its checks', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    let now = 0;
    const d = new Deadlines(() => now);
    const DOWN = 3600;
    const n = 250;
    let wakeups = 0;
    let lastWake = -1;
    let tookOver = 0;
    // An instance as VrrpInstance drives it: a real master-down deadline, left armed as a
    // check when an advert moves it later, re-armed for the real time when the check runs.
    const inst = Array.from({ length: n }, () => ({ real: DOWN, armed: DOWN }));
    const owners = inst.map((s) => {
      const o: DeadlineOwner = {
        onDeadline: () => {
          if (now !== lastWake) wakeups++;
          lastWake = now;
          if (s.real > now) {
            s.armed = s.real;
            d.set(o, s.real);
          } else tookOver++;
        },
      };
      return o;
    });
    owners.forEach((o) => d.set(o, DOWN));
    try {
      for (let t = 1; t <= 20000; t++) {
        now = t;
        mock.timers.tick(1);
        // Instance i hears its master's advert at i * 4 ms into every second.
        const i = (t % 1000) / 4;
        if (Number.isInteger(i) && i < n) {
          const s = inst[i] as { real: number; armed: number };
          s.real = now + DOWN;
          d.relax(owners[i] as DeadlineOwner);
        }
      }
      assert.equal(tookOver, 0, 'no check ran late');
      // Without the slack: one wakeup per instance per ~2.6-3.6 s, about 80 a second.
      assert.ok(wakeups <= 20 * 15, `${wakeups} wakeups in 20 s`);
    } finally {
      d.dispose();
      mock.timers.reset();
    }
  });
});
