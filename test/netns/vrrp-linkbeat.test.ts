/**
 * linkbeat_interfaces on the real executable: veth's driver answers
 * ethtool's link query, so a tracked veth is probed every second instead of
 * heard over netlink ("Linkbeat reports lb0 down"); its peer going down takes
 * the carrier away and the instance to FAULT, and back. A probe the driver
 * lacks (MII) falls back as keepalived's does.
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { Appliance, until } from '../rigs/appliance';
import { Lab } from '../rigs/netns-lab';
import { masterInstance } from '../rigs/vrrp-conf';

const CONF = `linkbeat_interfaces {
    lb0 ETHTOOL
    lb1 MII
}
${masterInstance('    track_interface {\n        lb0\n        lb1\n    }\n')}`;

describe('linkbeat', () => {
  let lab: Lab | undefined;
  after(async () => {
    await lab?.dispose();
  });

  it('a polled interface: its carrier probed with ethtool, FAULT while it is gone', async () => {
    lab = await Lab.create({ hosts: ['lb'] });
    for (const d of ['lb0', 'lb1']) await lab.addVeth('lb', d);
    const a = new Appliance(lab, 'lb', CONF);
    const proc = a.start();
    await until(
      'MASTER',
      15000,
      () => a.state(),
      (s) => s === 'master',
    );
    assert.match(proc.output, /\(lb1\): Configured linkbeat type MII not supported, using ETHTOOL/);
    // The peer down: lb0 stays administratively up and loses its carrier.
    await lab.exec('lb', ['ip', 'link', 'set', 'lb0p', 'down']);
    await proc.waitFor('Linkbeat reports lb0 down', 5000);
    await until(
      'FAULT',
      5000,
      () => a.state(),
      (s) => s === 'fault',
    );
    await lab.exec('lb', ['ip', 'link', 'set', 'lb0p', 'up']);
    await proc.waitFor('Linkbeat reports lb0 up', 5000);
    await until(
      'out of FAULT',
      10000,
      () => a.state(),
      (s) => s !== 'fault',
    );
    assert.doesNotMatch(proc.output, /Netlink reports lb[01] /, 'netlink is not asked about them');
  });
});
