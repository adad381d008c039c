/**
 * promote_secondaries on the real kernel with the real executable: while the
 * instance runs its interface promotes secondaries, so deleting the primary
 * address keeps the box's other address of the subnet (the adverts move to
 * it) and the MASTER's VIP, both secondaries of it; without it the kernel
 * deletes them with the primary and the instance goes to FAULT. A clean stop
 * turns the setting off again, as keepalived does.
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { Appliance, until } from '../rigs/appliance';
import { Lab } from '../rigs/netns-lab';

describe('promote_secondaries', () => {
  let lab: Lab;
  after(async () => {
    await lab?.dispose();
  });

  it('on while the instance runs, the VIP outlives the primary, off after a stop', async () => {
    lab = await Lab.create({ hosts: ['a'] });
    const sysctl = async (): Promise<string> =>
      (
        await lab.exec('a', ['cat', '/proc/sys/net/ipv4/conf/eth0/promote_secondaries'])
      ).stdout.trim();
    assert.equal(await sysctl(), '0');
    // A second address of the subnet, to take over as the adverts' source.
    await lab.exec('a', ['ip', 'addr', 'add', '192.0.2.12/24', 'dev', 'eth0']);
    const a = new Appliance(
      lab,
      'a',
      `vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 150
    advert_int 1
    promote_secondaries
    virtual_ipaddress {
        192.0.2.100/24
    }
}
`,
    );
    a.start();
    await until(
      'MASTER with its VIP',
      15000,
      () => a.addresses(),
      (x) => x.includes('192.0.2.100'),
    );
    assert.equal(await sysctl(), '1');
    await lab.exec('a', ['ip', 'addr', 'del', `${lab.host('a').ipv4}/24`, 'dev', 'eth0']);
    assert.ok(
      (await a.addresses()).includes('192.0.2.100'),
      'promoted, not deleted with the primary',
    );
    await until(
      'adverts from the promoted address',
      10000,
      async () => a.proc!.output,
      (o) => o.includes('(VI_1) adverts now leave from 192.0.2.12'),
    );
    assert.equal(await a.state(), 'master');
    assert.doesNotMatch(a.proc!.output, /VIP 192\.0\.2\.100 was removed while MASTER/);
    await a.proc!.kill('SIGTERM');
    await a.proc!.exited;
    assert.equal(await sysctl(), '0');
  });
});
