/** The engine's one timer for every instance's deadline, on a mocked clock and setTimeout. */
import { describe, it, mock } from 'node:test';
import * as assert from 'node:assert/strict';
import { Deadlines, type DeadlineOwner } from '../../src/vrrp/deadlines';

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
});
