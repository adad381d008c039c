import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { GROWTH_BYTES, grownSince } from '../../src/platform/heap';

test('compaction is due only after a compaction and a growth of GROWTH_BYTES', () => {
  assert.equal(grownSince(undefined, 1e9), false, 'settling: never');
  assert.equal(grownSince(10e6, 10e6 + GROWTH_BYTES - 1), false);
  assert.equal(grownSince(10e6, 10e6 + GROWTH_BYTES), true);
  assert.equal(grownSince(10e6, 5e6), false, 'a smaller heap');
});
