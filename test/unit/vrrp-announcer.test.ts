/** garp_lower_prio_repeat / _delay: the announcer's bursts on a virtual clock. */
import { describe, it, mock } from 'node:test';
import * as assert from 'node:assert/strict';
import { Announcer } from '../../src/vrrp/announcer';
import {
  extraIfVips,
  type GarpConfig,
  type Vip,
  type VrrpInstanceConfig,
} from '../../src/config/vrrp-config';

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
  extraIfS: 0,
  extraIfAll: false,
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

describe('garp_extra_if', () => {
  const vip = (address: string, dev: string): Vip => ({ ...VIP, address, dev }) as Vip;
  const inst = (over: Partial<VrrpInstanceConfig>, garp: Partial<GarpConfig>): VrrpInstanceConfig =>
    ({
      interface: 'eth0',
      useVmac: undefined,
      vmacXmitBase: false,
      vips: [vip('192.0.2.100', 'eth0'), vip('198.51.100.1', 'eth1'), vip('198.51.100.2', 'eth1')],
      excludedVips: [vip('203.0.113.1', 'vrrp.9')],
      garp: { ...GARP, ...garp },
      ...over,
    }) as VrrpInstanceConfig;
  const names = (v: Vip[]) => v.map((x) => `${x.address}%${x.dev}`);

  it("picks the first VIP of each other interface: VMACs of the config, or all; never the instance's own", () => {
    const vmacs = new Set(['vrrp.9']);
    assert.deepEqual(names(extraIfVips(inst({}, {}), vmacs)), [], 'off');
    assert.deepEqual(names(extraIfVips(inst({}, { extraIfS: 60 }), vmacs)), ['203.0.113.1%vrrp.9']);
    assert.deepEqual(names(extraIfVips(inst({}, { extraIfS: 60, extraIfAll: true }), vmacs)), [
      '198.51.100.1%eth1',
      '203.0.113.1%vrrp.9',
    ]);
    // With use_vmac its own VMAC is skipped, unless the adverts leave from the base interface.
    const onVmac = { useVmac: { name: 'vrrp.9', mac: '00:00:5e:00:01:09' } };
    assert.deepEqual(names(extraIfVips(inst(onVmac, { extraIfS: 60 }), vmacs)), []);
    assert.deepEqual(
      names(extraIfVips(inst({ ...onVmac, vmacXmitBase: true }, { extraIfS: 60 }), vmacs)),
      ['203.0.113.1%vrrp.9'],
    );
  });

  it('announces them every extraIfS while MASTER, and stops with it', () => {
    mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
    try {
      const sent: number[] = [];
      const a = new Announcer(
        { send: (ifindex: number) => void sent.push(ifindex) },
        { ...GARP, masterRepeat: 1, masterDelayS: 0, extraIfS: 10 },
        () => '02:00:00:00:00:01',
        (dev) => (dev === 'eth1' ? 3 : 2),
        [vip('198.51.100.1', 'eth1')],
      );
      a.start([VIP]);
      assert.deepEqual(sent, [2], 'the transition burst');
      mock.timers.tick(10000);
      assert.deepEqual(sent, [2, 3]);
      mock.timers.tick(10000);
      assert.deepEqual(sent, [2, 3, 3]);
      a.stop();
      mock.timers.tick(30000);
      assert.deepEqual(sent, [2, 3, 3]);
    } finally {
      mock.timers.reset();
    }
  });
});
