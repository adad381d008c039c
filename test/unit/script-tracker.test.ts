import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { nextHysteresis, type Hysteresis } from '../../src/vrrp/script-tracker';

describe('vrrp_script rise and fall', () => {
  const run = (
    results: boolean[],
    rise: number,
    fall: number,
    start: boolean | 'init' = true,
  ): Array<boolean | undefined> => {
    let h: Hysteresis = { ok: start === 'init' ? undefined : start, streak: 0 };
    return results.map((r) => (h = nextHysteresis(h, r, rise, fall)).ok);
  };
  it('changes only after fall failures or rise successes in a row', () => {
    assert.deepEqual(run([false, false, true, false, false, false], 1, 3), [
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
    assert.deepEqual(run([true, true, false, true, true], 2, 1, false), [
      false,
      true,
      false,
      false,
      true,
    ]);
  });
  it('in init (no result yet) the first result decides, whatever rise and fall say (keepalived)', () => {
    assert.deepEqual(run([false, true, true, true], 3, 3, 'init'), [false, false, false, true]);
    assert.deepEqual(run([true, false, false, false], 3, 3, 'init'), [true, true, true, false]);
  });
  it('rise 1 / fall 1 follows every result', () => {
    assert.deepEqual(run([false, true, false], 1, 1), [false, true, false]);
  });
});

describe('vrrp_script init_fail', () => {
  it('starts failed with init_fail (in init, no result, without), before it ever runs', async () => {
    const { ScriptTracker } = await import('../../src/vrrp/script-tracker');
    const log = { info() {}, warn() {}, error() {}, detail() {} };
    const cfg = {
      name: 'chk',
      argv: ['/bin/true'],
      intervalS: 1,
      timeoutS: 1,
      weight: 0,
      reverse: false,
      rise: 2,
      fall: 1,
      user: undefined,
    };
    assert.equal(new ScriptTracker({ ...cfg, initFail: false }, log).ok, undefined);
    assert.equal(new ScriptTracker({ ...cfg, initFail: true }, log).ok, false);
  });
});

describe('track_file values', () => {
  it('reads the leading integer; anything else is 0', async () => {
    const { parseTrackValue } = await import('../../src/vrrp/file-tracker');
    assert.equal(parseTrackValue('3\n'), 3);
    assert.equal(parseTrackValue('  -2 trailing'), -2);
    assert.equal(parseTrackValue(''), 0);
    assert.equal(parseTrackValue(undefined), 0);
    assert.equal(parseTrackValue('down'), 0);
  });
});
