/** BFD_CHECK in the checker process: the daemon's session states in, one result per change out. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { BfdView, bfdCheck } from '../../src/checkers/checks/bfd';
import { decodeToChild, encodeLine } from '../../src/checkers/protocol';

describe('BFD_CHECK', () => {
  it('says the state at once, then answers only when the session changes', async () => {
    const view = new BfdView();
    const c = bfdCheck('b1', view);
    assert.deepEqual(await c.run(), { ok: false, detail: 'BFD b1 is DOWN' });
    let settled = false;
    const next = c.run().then((r) => ((settled = true), r));
    // Another session changing, or the same state again, is no news.
    view.update({ b2: true });
    view.update({ b1: false, b2: false });
    await new Promise((r) => setImmediate(r));
    assert.equal(settled, false);
    view.update({ b1: true });
    assert.deepEqual(await next, { ok: true, detail: 'BFD b1 is UP' });
    const down = c.run();
    view.update({});
    assert.deepEqual(await down, { ok: false, detail: 'BFD b1 is DOWN' });
  });

  it('a disposed check stops waiting', async () => {
    const view = new BfdView();
    const c = bfdCheck('b1', view);
    await c.run();
    const pending = c.run();
    c.dispose?.();
    view.update({ b1: false });
    // It resolves (with the unchanged state) instead of hanging on a dead check.
    assert.equal((await pending).ok, false);
  });

  it("the daemon's bfd message crosses the pipe", () => {
    const line = encodeLine({ type: 'bfd', states: { b1: true, b2: false } }).trim();
    assert.deepEqual(decodeToChild(line), { type: 'bfd', states: { b1: true, b2: false } });
    assert.equal(decodeToChild('{"type":"bfd","states":{"b1":"yes"}}'), undefined);
  });
});
