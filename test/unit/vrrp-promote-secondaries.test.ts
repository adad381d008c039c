import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { PromoteSecondaries } from '../../src/vrrp/io/promote-secondaries';

function fakeSysctl(initial: Record<string, string>) {
  const values = new Map(Object.entries(initial));
  const writes: string[] = [];
  return {
    values,
    writes,
    io: {
      read: (p: string) => {
        const v = values.get(p);
        if (v === undefined) throw new Error(`ENOENT ${p}`);
        return `${v}\n`;
      },
      write: (p: string, v: string) => {
        writes.push(`${p.split('/')[6]}=${v}`);
        values.set(p, v);
      },
    },
  };
}

const P = (i: string) => `/proc/sys/net/ipv4/conf/${i}/promote_secondaries`;

test('turned on when off, counted per interface, off again after the last; left alone when on already', () => {
  const s = fakeSysctl({ [P('eth0')]: '0', [P('eth1')]: '1' });
  const p = new PromoteSecondaries(s.io);
  p.acquire('eth0');
  p.acquire('eth0');
  p.acquire('eth1');
  assert.deepEqual(s.writes, ['eth0=1']);
  p.release('eth0');
  assert.deepEqual(s.writes, ['eth0=1'], 'one instance still wants it');
  p.release('eth0');
  p.release('eth1');
  assert.deepEqual(s.writes, ['eth0=1', 'eth0=0'], "eth1's was the admin's: untouched");
  assert.throws(() => p.acquire('eth9'), /ENOENT/);
  p.acquire('eth0');
  p.acquire('eth0');
  p.releaseAll();
  assert.deepEqual(s.writes.slice(-2), ['eth0=1', 'eth0=0']);
});
