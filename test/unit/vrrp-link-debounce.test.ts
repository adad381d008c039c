/** interface_up_down_delays (vrrp/link-debounce.ts) on a virtual clock, as keepalived 2.2.7 debounces link changes. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { LinkDebounce, upDownDelays } from '../../src/vrrp/link-debounce';
import { VirtualClock } from '../rigs/virtual-clock';

function rig(
  delays: Record<string, { downMs: number; upMs: number }> = { eth0: { downMs: 500, upMs: 2000 } },
) {
  const clock = new VirtualClock();
  const seen: string[] = [];
  const logs: string[] = [];
  const d = new LinkDebounce(
    clock,
    delays,
    (ifname, up) => seen.push(`${clock.now()} ${ifname} ${up ? 'up' : 'down'}`),
    (m) => logs.push(m),
  );
  return { clock, d, seen, logs };
}

describe('interface up/down delays', () => {
  it('the first state and the first time up count at once', async () => {
    const { d, seen } = rig();
    d.heard('eth0', false);
    d.heard('eth0', true);
    assert.deepEqual(seen, ['0 eth0 down', '0 eth0 up']);
    assert.equal(d.isUp('eth0'), true);
  });

  it('a down that lasts past the delay counts then; an up waits its own delay', async () => {
    const { clock, d, seen } = rig();
    d.heard('eth0', true);
    d.heard('eth0', false);
    await clock.advance(499);
    assert.equal(d.isUp('eth0'), true, 'still up for the instances');
    await clock.advance(1);
    assert.equal(d.isUp('eth0'), false);
    d.heard('eth0', true);
    await clock.advance(1999);
    assert.equal(d.isUp('eth0'), false);
    await clock.advance(1);
    assert.deepEqual(seen, ['0 eth0 up', '500 eth0 down', '2500 eth0 up']);
  });

  it('a bounce shorter than the delay never reaches the instances', async () => {
    const { clock, d, seen, logs } = rig();
    d.heard('eth0', true);
    d.heard('eth0', false);
    await clock.advance(300);
    d.heard('eth0', true);
    await clock.advance(5000);
    assert.deepEqual(seen, ['0 eth0 up']);
    assert.ok(logs.includes('Delay timer for eth0 cancelled'));
    // A repeat of the pending state keeps the first deadline.
    d.heard('eth0', false);
    await clock.advance(400);
    d.heard('eth0', false);
    await clock.advance(100);
    assert.deepEqual(seen, ['0 eth0 up', '5800 eth0 down']);
  });

  it('interfaces without delays, and delay 0, change at once; a reload sets new delays', async () => {
    const { clock, d, seen } = rig({ eth0: { downMs: 0, upMs: 1000 } });
    d.heard('eth1', true);
    d.heard('eth1', false);
    d.heard('eth0', true);
    d.heard('eth0', false);
    assert.deepEqual(seen, ['0 eth1 up', '0 eth1 down', '0 eth0 up', '0 eth0 down']);
    d.setDelays({ eth1: { downMs: 100, upMs: 100 } });
    d.heard('eth1', true);
    await clock.advance(99);
    assert.equal(d.isUp('eth1'), false);
    await clock.advance(1);
    assert.deepEqual(seen.slice(4), ['100 eth1 up']);
    d.dispose();
  });

  it('clamps as keepalived: under (down_timer_adverts - 1) advert intervals, 0 with down_timer_adverts 1; no UP is 0', () => {
    const inst = (advertIntervalCs: number, downTimerAdverts = 3, ifname = 'eth0') => ({
      interface: ifname,
      advertIntervalCs,
      downTimerAdverts,
    });
    assert.deepEqual(upDownDelays([['eth0', '0.5']], [inst(100)]), {
      eth0: { downMs: 500, upMs: 0 },
    });
    assert.deepEqual(upDownDelays([['eth0', '5', '1']], [inst(100)]), {
      eth0: { downMs: 2000 - 1000 / 256, upMs: 1000 },
    });
    assert.deepEqual(
      upDownDelays([['eth0', '1', '1']], [inst(100), inst(5)]),
      { eth0: { downMs: 100 - 50 / 256, upMs: 100 - 50 / 256 } },
      'the fastest instance on it',
    );
    assert.deepEqual(upDownDelays([['eth0', '1', '1']], [inst(100, 1)]), {});
    assert.deepEqual(
      upDownDelays([['eth1', '1']], [inst(100, 1)]),
      { eth1: { downMs: 1000, upMs: 0 } },
      'only instances on that interface',
    );
  });
});
