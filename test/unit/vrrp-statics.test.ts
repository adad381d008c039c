/** static_* (statics.ts) with fake rtnetlink managers: what is added and removed, in which order. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Logger } from '../../src/core/log';
import { preprocessSource } from '../../src/config/preprocess';
import { ROOT } from '../../src/config/schema/root';
import { parseTree } from '../../src/config/tree';
import { resolve } from '../../src/config/validate';
import { vrrpConfig, type Vip } from '../../src/config/vrrp-config';
import { Statics, hasStatics } from '../../src/vrrp/statics';

const statics = (text: string) =>
  vrrpConfig(
    resolve(parseTree(preprocessSource('/t.conf', text, { configId: 'x' }).lines).statements, ROOT)
      .model,
  ).statics;

function rig() {
  const ops: string[] = [];
  const present = new Set<string>();
  const log: Logger = {
    info: (m) => ops.push(`log ${m}`),
    warn: () => {},
    error: (m) => ops.push(`error ${m}`),
    detail: () => {},
  };
  const s = new Statics({
    addresses: {
      prepare: () => {},
      add: async (v: Vip, i: number) =>
        void (ops.push(`+addr ${v.address} ${i}`), present.add(v.address)),
      remove: async (v: Vip) => void (ops.push(`-addr ${v.address}`), present.delete(v.address)),
      list: async () => [...present],
      dispose: () => {},
    } as never,
    routes: {
      addRoute: async (r) => void ops.push(`+route ${r.text}`),
      removeRoute: async (r) => void ops.push(`-route ${r.text}`),
      addRule: async (r) => void ops.push(`+rule ${r.text}`),
      removeRule: async (r) => void ops.push(`-rule ${r.text}`),
    },
    indexOf: (n) =>
      n === 'eth0'
        ? 2
        : n === 'eth1'
          ? 3
          : (() => {
              throw new Error('no');
            })(),
    log,
  });
  return { s, ops, present };
}

describe('static addresses, routes, rules', () => {
  it('reads the blocks; an address without dev goes on default_interface (eth0 unless set)', () => {
    const a = statics('static_ipaddress {\n  192.0.2.5/24\n}\n');
    assert.equal(a.addresses[0]?.dev, 'eth0');
    const b = statics(
      'global_defs {\n  default_interface eth1\n}\nstatic_ipaddress {\n  192.0.2.5/24\n}\n',
    );
    assert.equal(b.addresses[0]?.dev, 'eth1');
    assert.equal(hasStatics(statics('')), false);
  });

  it('adds all at start; a reload changes only the differences; a stop removes rules, routes, then addresses', async () => {
    const { s, ops } = rig();
    await s.apply(
      statics(
        'static_ipaddress {\n  192.0.2.5/24 dev eth0\n  192.0.2.6/24 dev eth1\n}\nstatic_routes {\n  203.0.113.0/24 via 192.0.2.1\n}\nstatic_rules {\n  from 192.0.2.5 table 100\n}\n',
      ),
    );
    assert.deepEqual(
      ops.filter((o) => !o.startsWith('log')),
      [
        '+addr 192.0.2.5 2',
        '+addr 192.0.2.6 3',
        '+route 203.0.113.0/24 via 192.0.2.1',
        '+rule from 192.0.2.5 table 100',
      ],
    );
    ops.length = 0;
    await s.apply(
      statics(
        'static_ipaddress {\n  192.0.2.5/24 dev eth0\n  192.0.2.7/24 dev eth0\n}\nstatic_rules {\n  from 192.0.2.5 table 100\n}\n',
      ),
    );
    assert.deepEqual(
      ops.filter((o) => !o.startsWith('log')),
      ['-route 203.0.113.0/24 via 192.0.2.1', '-addr 192.0.2.6', '+addr 192.0.2.7 2'],
    );
    ops.length = 0;
    await s.clear();
    assert.deepEqual(ops, ['-rule from 192.0.2.5 table 100', '-addr 192.0.2.5', '-addr 192.0.2.7']);
  });

  it('puts back a deleted address unless no_track; a missing interface is an error, the rest goes in', async () => {
    const { s, ops, present } = rig();
    await s.apply(
      statics(
        'static_ipaddress {\n  192.0.2.5/24 dev eth0\n  192.0.2.6/24 dev eth0 no_track\n  192.0.2.9/24 dev eth9\n}\n',
      ),
    );
    assert.ok(
      ops.some((o) => o.startsWith('error static address 192.0.2.9')),
      ops.join('\n'),
    );
    present.delete('192.0.2.5');
    present.delete('192.0.2.6');
    ops.length = 0;
    await s.restore();
    assert.deepEqual(ops, ['log Restoring deleted static address 192.0.2.5', '+addr 192.0.2.5 2']);
  });
});
