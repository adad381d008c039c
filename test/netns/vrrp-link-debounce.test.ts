/**
 * interface_up_down_delays on the real executable and the kernel's link
 * events: a link bounce shorter than the down delay leaves a MASTER as it is
 * ("Delay timer for eth0 cancelled"); a longer one puts it in FAULT once the
 * delay is over, and the link back takes the up delay before BACKUP.
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { Appliance, until } from '../rigs/appliance';
import { Lab } from '../rigs/netns-lab';
import { masterInstance } from '../rigs/vrrp-conf';

const CONF = `interface_up_down_delays {
    eth0 1.5 0.5
}
${masterInstance()}`;

describe('interface_up_down_delays', () => {
  let lab: Lab | undefined;
  after(async () => {
    await lab?.dispose();
  });

  it('a short bounce is ignored; a long one is FAULT after the down delay, BACKUP after the up delay', async () => {
    lab = await Lab.create({ hosts: ['lb'] });
    const a = new Appliance(lab, 'lb', CONF);
    const proc = a.start();
    await until(
      'MASTER',
      15000,
      () => a.state(),
      (s) => s === 'master',
    );
    const link = (state: 'up' | 'down') => lab!.exec('lb', ['ip', 'link', 'set', 'eth0', state]);

    await link('down');
    await new Promise((r) => setTimeout(r, 300));
    await link('up');
    await proc.waitFor('Delay timer for eth0 cancelled', 5000);
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(await a.state(), 'master', 'the bounce never reached the instance');
    assert.doesNotMatch(proc.output, /Netlink reports eth0 down/);

    await link('down');
    const downAt = Date.now();
    await proc.waitFor('eth0: down delayed by 1.5 s', 5000);
    await until(
      'FAULT',
      10000,
      () => a.state(),
      (s) => s === 'fault',
    );
    assert.ok(Date.now() - downAt >= 1400, 'not before the delay');
    await link('up');
    await proc.waitFor('eth0: up delayed by 0.5 s', 5000);
    await until(
      'out of FAULT',
      10000,
      () => a.state(),
      (s) => s !== 'fault',
    );
    assert.match(proc.output, /Netlink reports eth0 down[\s\S]*Netlink reports eth0 up/);
  });
});
