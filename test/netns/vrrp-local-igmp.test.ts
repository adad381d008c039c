/**
 * disable_local_igmp on the real executable: the lab namespace's
 * igmp_link_local_mcast_reports is 0 while the daemon runs and 1 again after
 * it stops; a reload cannot change it (keepalived's line).
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { Appliance, until } from '../rigs/appliance';
import { Lab } from '../rigs/netns-lab';
import { masterInstance } from '../rigs/vrrp-conf';
import { IGMP_LOCAL_REPORTS } from '../../src/vrrp/io/local-igmp';

const VRRP = masterInstance();

describe('disable_local_igmp', () => {
  let lab: Lab | undefined;
  after(async () => {
    await lab?.dispose();
  });

  it('no link-local IGMP reports while running; the setting back at stop', async () => {
    lab = await Lab.create({ hosts: ['lb'] });
    const reports = async (): Promise<string> =>
      (await lab!.exec('lb', ['cat', IGMP_LOCAL_REPORTS])).stdout.trim();
    assert.equal(await reports(), '1', "the kernel's default");
    const a = new Appliance(lab, 'lb', `global_defs {\n    disable_local_igmp\n}\n${VRRP}`);
    const proc = a.start();
    await until(
      'MASTER',
      15000,
      () => a.state(),
      (s) => s === 'master',
    );
    assert.equal(await reports(), '0');
    fs.writeFileSync(a.conf, VRRP);
    process.kill(proc.pid as number, 'SIGHUP');
    await proc.waitFor('Cannot change disable_local_igmp at a reload - please restart halb', 10000);
    assert.equal(await reports(), '0', 'kept until the stop');
    await proc.kill('SIGTERM', 10000);
    assert.equal(await reports(), '1');
  });
});
