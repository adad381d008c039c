/** garp_lower_prio_repeat / _delay: the announcer's bursts on a virtual clock. */
import { describe, it, mock } from 'node:test';
import * as assert from 'node:assert/strict';
import { Announcer } from '../../src/vrrp/announcer';
import type { GarpConfig, Vip } from '../../src/config/vrrp-config';

const VIP = {
  address: '192.0.2.100',
  prefix: 24,
  family: 4,
  dev: 'eth0',
  label: undefined,
  scope: undefined,
  broadcast: undefined,
  peer: undefined,
  noTrack: false,
} as unknown as Vip;

const GARP: GarpConfig = {
  masterDelayS: 5,
  masterRepeat: 5,
  masterRefreshS: 0,
  masterRefreshRepeat: 1,
  lowerPrioRepeat: 3,
  lowerPrioDelayS: 2,
};

describe('announcements after a lower priority is heard', () => {
  it('sends garp_lower_prio_repeat at once and again after garp_lower_prio_delay; none when 0', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const sent: number[] = [];
      const sender = { send: (ifindex: number) => void sent.push(ifindex) };
      const a = new Announcer(
        sender,
        GARP,
        () => '02:00:00:00:00:01',
        () => 7,
      );
      a.lowerPriority([VIP]);
      assert.equal(sent.length, 3);
      mock.timers.tick(1999);
      assert.equal(sent.length, 3);
      mock.timers.tick(1);
      assert.equal(sent.length, 6);
      a.stop(); // leaving MASTER cancels a pending second burst
      a.lowerPriority([VIP]);
      a.stop();
      mock.timers.tick(5000);
      assert.equal(sent.length, 9);
      const none = new Announcer(
        sender,
        { ...GARP, lowerPrioRepeat: 0 },
        () => 'x',
        () => 7,
      );
      none.lowerPriority([VIP]);
      assert.equal(sent.length, 9);
    } finally {
      mock.timers.reset();
    }
  });
});
