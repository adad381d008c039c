/** max_auto_priority's steps, as keepalived's increment_process_priority takes them. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { nextAutoPriority, watchPeriodMs } from '../../src/platform/scheduling';

describe('max_auto_priority', () => {
  it('SCHED_RR 1 from none, one up each time, never past the maximum; off at 0 or -1', () => {
    assert.equal(nextAutoPriority(0, 99), 1);
    assert.equal(nextAutoPriority(1, 3), 2);
    assert.equal(nextAutoPriority(3, 3), undefined);
    assert.equal(nextAutoPriority(50, 3), undefined, 'a configured priority above it stays');
    assert.equal(nextAutoPriority(0, 0), undefined);
    assert.equal(nextAutoPriority(0, -1), undefined);
  });

  it('watches at the delay, within 50 ms and 1 s', () => {
    assert.equal(watchPeriodMs(1000000), 1000);
    assert.equal(watchPeriodMs(200000), 200);
    assert.equal(watchPeriodMs(1000), 50);
    assert.equal(watchPeriodMs(5000000), 1000);
  });
});
