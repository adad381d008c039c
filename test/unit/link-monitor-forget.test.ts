/** The link monitor remembers deleted interfaces the config uses, and forgets the others in time. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { LinkMonitor, MAX_DELETED } from '../../src/vrrp/io/link-monitor';

type Update = (msg: unknown, deleted: boolean) => void;
const link = (ifname: string, index: number) => ({
  kind: 'link',
  data: { index, flags: { up: true, running: true } },
  attrs: { ifname },
});

describe('link monitor: deleted names', () => {
  it('keeps a used interface down after its deletion; forgets others past the bound', () => {
    const m = new LinkMonitor();
    m.keep = (name) => name === 'eth9';
    const update = (m as unknown as { update: Update }).update.bind(m);
    update(link('eth9', 9), false);
    update(link('eth9', 9), true);
    for (let i = 0; i < MAX_DELETED + 10; i++) {
      update(link(`veth${i}`, 100 + i), false);
      update(link(`veth${i}`, 100 + i), true);
    }
    assert.equal(m.isUp('eth9'), false, 'the config uses it: still known, down');
    assert.equal(m.isUp('veth0'), undefined, 'the oldest others are forgotten');
    assert.equal(m.isUp(`veth${MAX_DELETED + 9}`), false, 'the recent ones are kept');
  });
});
