/**
 * Crash injection: a child process runs a real store operation and SIGKILLs
 * itself after step k, for every k. Afterwards the store reads the old config
 * or the new one, from a good live file: never neither, never a corrupt one,
 * and the next save works.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { run } from '../rigs/exec';
import { conf, DEFAULTS, makeStoreDir, type StoreDir } from '../rigs/store-dir';

const SAVER = path.join(__dirname, '..', 'rigs', 'store-saver.js');

type Setup = (d: StoreDir) => void;

async function saver(root: string, op: string, k: number) {
  return run([process.execPath, SAVER, root, op, String(k)], { timeoutMs: 20000 });
}

async function stepCount(op: string, setup: Setup): Promise<number> {
  const d = makeStoreDir();
  try {
    setup(d);
    const r = await saver(d.root, op, 0);
    assert.equal(r.code, 0, r.stderr);
    return Number(/steps (\d+)/.exec(r.stdout)?.[1]);
  } finally {
    d.dispose();
  }
}

async function crashEveryStep(
  op: string,
  setup: Setup,
  before: string,
  after: string,
): Promise<Set<string>> {
  const total = await stepCount(op, setup);
  assert.ok(total >= 6, `only ${total} steps`);
  const seen = new Set<string>();
  for (let k = 1; k <= total; k++) {
    const d = makeStoreDir();
    try {
      setup(d);
      const r = await saver(d.root, op, k);
      assert.notEqual(r.code, 0, `step ${k}: the saver was not killed`);
      assert.match(r.stderr, new RegExp(`killed after step ${k}:`));
      const store = d.open();
      const cur = store.read();
      assert.equal(
        cur.source === 'live' || cur.source === 'defaults',
        true,
        `step ${k}: ${cur.source} ${cur.problem}`,
      );
      assert.ok(
        cur.body === before || cur.body === after,
        `step ${k}: neither old nor new:\n${cur.body}`,
      );
      seen.add(cur.body === before ? 'old' : 'new');
      for (const g of store.generations())
        assert.ok(g.ok, `step ${k}: generation ${g.generation} ${g.problem}`);
      if (cur.factoryResetPending) {
        store.factoryReset(); // what rcS does at the next boot
        assert.equal(store.read().body, DEFAULTS);
      }
      store.save(conf('next'), 'after the crash');
      assert.equal(store.read().body, conf('next'));
      assert.equal(
        fs.readdirSync(path.dirname(d.liveFile)).filter((n) => n.endsWith('.tmp')).length,
        0,
        'the next save removes temp files',
      );
    } finally {
      d.dispose();
    }
  }
  return seen;
}

describe('config store crash injection (SIGKILL after every step)', () => {
  it('first save over the shipped defaults', async () => {
    const seen = await crashEveryStep('save', () => {}, DEFAULTS, conf('new'));
    assert.deepEqual([...seen].sort(), ['new', 'old']);
  });

  it('save over a saved generation', async () => {
    const seen = await crashEveryStep(
      'save',
      (d) => void d.open().save(conf('old'), 'setup'),
      conf('old'),
      conf('new'),
    );
    assert.deepEqual([...seen].sort(), ['new', 'old']);
  });

  it('save that prunes old generations', async () => {
    const setup: Setup = (d) => {
      const s = d.open(undefined, 10);
      for (let i = 0; i < 10; i++) s.save(conf(i === 9 ? 'old' : `c${i}`), 'setup');
    };
    const seen = await crashEveryStep('save', setup, conf('old'), conf('new'));
    assert.deepEqual([...seen].sort(), ['new', 'old']);
  });

  it('rollback', async () => {
    const setup: Setup = (d) => {
      const s = d.open();
      s.save(conf('new'), 'setup');
      s.save(conf('bad'), 'setup');
    };
    const seen = await crashEveryStep('rollback', setup, conf('bad'), conf('new'));
    assert.deepEqual([...seen].sort(), ['new', 'old']);
  });

  it('factory reset', async () => {
    const seen = await crashEveryStep(
      'factory-reset',
      (d) => void d.open().save(conf('old'), 'setup'),
      conf('old'),
      DEFAULTS,
    );
    assert.deepEqual([...seen].sort(), ['new', 'old']);
  });
});
