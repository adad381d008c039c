/** Tracked objects' weights as keepalived 2.2.7's vrrp_track.c applies them (tracking-weights.ts). */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { implicitDevices, weigh } from '../../src/vrrp/tracking-weights';
import { parseRoute, parseRule } from '../../src/vrrp/routes';

const t = (up: boolean, weight: number, reverse = false) => ({ what: 'x', up, weight, reverse });

describe('tracking weights', () => {
  it('a positive weight adds while up, a negative one subtracts while down', () => {
    assert.equal(weigh(100, [t(true, 10)]).priority, 110);
    assert.equal(weigh(100, [t(false, 10)]).priority, 100);
    assert.equal(weigh(100, [t(false, -20)]).priority, 80);
    assert.equal(weigh(100, [t(true, -20)]).priority, 100);
  });

  it('reverse flips the change, not the state that triggers it (keepalived multiplier -1)', () => {
    assert.equal(weigh(100, [t(true, 10, true)]).priority, 90, 'weight 10 reverse: -10 while up');
    assert.equal(weigh(100, [t(false, 10, true)]).priority, 100);
    assert.equal(weigh(100, [t(false, -20, true)]).priority, 120, '-20 reverse: +20 while down');
    assert.equal(weigh(100, [t(true, -20, true)]).priority, 100);
  });

  it('weight 0: FAULT while down, or with reverse while up', () => {
    assert.deepEqual(weigh(100, [t(false, 0)]).faults, ['x down']);
    assert.deepEqual(weigh(100, [t(true, 0)]).faults, []);
    assert.deepEqual(weigh(100, [t(true, 0, true)]).faults, ['x up']);
    assert.deepEqual(
      weigh(100, [{ ...t(false, 0), words: ['succeeded', 'failed'] as const }]).faults,
      ['x failed'],
    );
  });

  it('adds up over several objects', () => {
    const w = weigh(100, [t(true, 10), t(false, -5), t(true, 3, true), t(false, 0)]);
    assert.deepEqual(w, { priority: 102, faults: ['x down'] });
  });

  it('tracks without a line the devices of VIPs, virtual routes and rules, not its own, not no_track', () => {
    const vip = (dev: string | undefined, noTrack = false) => ({ dev, noTrack });
    assert.deepEqual(
      implicitDevices({
        interface: 'eth0',
        useVmac: { name: 'vrrp.51' },
        vips: [vip(undefined), vip('eth0'), vip('vrrp.51'), vip('eth1'), vip('eth2', true)],
        excludedVips: [vip('eth3')],
        virtualRoutes: [
          parseRoute(['192.0.2.0/24', 'dev', 'eth4']),
          parseRoute(['198.51.100.0/24', 'dev', 'eth5', 'no_track']),
        ],
        virtualRules: [
          parseRule(['from', '192.0.2.1', 'iif', 'eth6', 'oif', 'eth1', 'table', '10']),
        ],
      }).sort(),
      ['eth1', 'eth3', 'eth4', 'eth6'],
    );
  });
});
