/** keepalived's RS / VS notify FIFO lines from two successive health states. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { lvsConfig } from '../../src/config/lvs-config';
import { desiredTable } from '../../src/ipvs/desired';
import { health, rs, VS } from '../rigs/health-table';
import { lvsNotifyLines } from '../../src/lvs/notify-lines';
import { loadText } from '../rigs/config-text';

const CONF = `virtual_server 192.0.2.100 80 {
  protocol TCP
  quorum 2
  real_server 192.0.2.21 80 {
    weight 1
    TCP_CHECK {
    }
  }
  real_server 192.0.2.22 80 {
    weight 1
    TCP_CHECK {
    }
  }
}
`;

describe('LVS notify FIFO lines', () => {
  const lvs = lvsConfig(loadText(CONF).model);

  it('nothing at start; a server down, then its virtual server below quorum; back up in turn', () => {
    const s0 = desiredTable(lvs, health({ 21: true, 22: true })).states;
    assert.deepEqual(lvsNotifyLines(undefined, s0), []);
    const q = (s: typeof s0) => new Map([...s].map(([k, v]) => [k, v.quorumUp]));
    const s1 = desiredTable(lvs, health({ 21: false, 22: true }), q(s0)).states;
    assert.deepEqual(lvsNotifyLines(s0, s1), [`RS ${rs(21)} ${VS} DOWN`, `VS ${VS} DOWN`]);
    const s2 = desiredTable(lvs, health({ 21: false, 22: true }), q(s1)).states;
    assert.deepEqual(lvsNotifyLines(s1, s2), [], 'no change, no line');
    const s3 = desiredTable(lvs, health({ 21: true, 22: true }), q(s2)).states;
    assert.deepEqual(lvsNotifyLines(s2, s3), [`RS ${rs(21)} ${VS} UP`, `VS ${VS} UP`]);
  });

  it('rs_init_notifies: an UP line for each real server new to the table that starts up', () => {
    const s0 = desiredTable(lvs, health({ 21: true, 22: false })).states;
    assert.deepEqual(lvsNotifyLines(undefined, s0, true), [`RS ${rs(21)} ${VS} UP`]);
    // A reload adds 22, which starts up: its line; 21, known, has none.
    const s1 = desiredTable(lvs, health({ 21: true, 22: true })).states;
    const without22 = new Map(
      [...s1].map(([k, v]) => [
        k,
        { ...v, servers: new Map([...v.servers].filter(([r]) => r !== rs(22))) },
      ]),
    );
    assert.deepEqual(lvsNotifyLines(without22, s1, true), [`RS ${rs(22)} ${VS} UP`]);
    assert.deepEqual(lvsNotifyLines(without22, s1, false), [], 'without rs_init_notifies');
  });
});
