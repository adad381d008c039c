/**
 * Two savers at once (the console and `halb config` on the same box): the
 * saver lock serializes them, so every save gets its own generation and none
 * is lost; a lock left by a saver that died is taken over.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { LOCK_FILE, SaverBusy, withSaverLock } from '../../src/store/saver-lock';
import { makeStoreDir, type StoreDir } from '../rigs/store-dir';

const SAVER = path.join(__dirname, '..', 'rigs', 'store-saver.js');
const run = promisify(execFile);
const SAVES = 12;

describe('config store saver lock', () => {
  let d: StoreDir | undefined;
  afterEach(() => d?.dispose());

  it('two processes saving at once: every save is its own generation', async () => {
    d = makeStoreDir();
    const root = d.root;
    await Promise.all(
      [1, 2].map(() => run(process.execPath, [SAVER, root, 'saves', String(SAVES)])),
    );
    const store = d.open();
    const gens = store.generations();
    // Numbers only grow, one per save: two saves sharing a number would leave it lower.
    assert.equal(store.read().generation, 2 * SAVES + 1, 'the defaults plus every save');
    assert.equal(Math.max(...gens.map((g) => g.generation)), 2 * SAVES + 1);
    assert.ok(gens.every((g) => g.ok));
    const bodies = new Set(gens.map((g) => store.generation(g.generation)?.body));
    assert.equal(bodies.size, gens.length, 'no save overwrote another');
    assert.ok(!fs.existsSync(path.join(d.runtimeDir, LOCK_FILE)), 'the lock is released');
  });

  it("takes over a dead saver's lock, and waits for a live one", () => {
    d = makeStoreDir();
    fs.mkdirSync(d.runtimeDir, { recursive: true });
    const lock = path.join(d.runtimeDir, LOCK_FILE);
    fs.writeFileSync(lock, '999999999'); // no such pid
    assert.equal(
      withSaverLock(d.runtimeDir, () => 'ran'),
      'ran',
    );
    fs.writeFileSync(lock, String(process.ppid)); // alive: the test runner
    assert.throws(() => withSaverLock(d!.runtimeDir, () => 'ran', 100), SaverBusy);
    assert.equal(fs.readFileSync(lock, 'utf8'), String(process.ppid), "a live saver's lock stays");
  });
});
