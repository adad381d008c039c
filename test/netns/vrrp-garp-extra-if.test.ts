/**
 * garp_extra_if on the lab with the real executable: a MASTER whose VIPs sit
 * on eth0 and on a second interface announces the second interface's first
 * VIP again every garp_extra_if seconds (with `all`: eth1 is no VMAC), so a
 * switch keeps its MAC; the instance's own interface gets only the burst of
 * the transition (garp_master_repeat 1, no second burst). keepalived's
 * vrrp_send_vmac_update.
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { Appliance, until } from '../rigs/appliance';
import { Lab } from '../rigs/netns-lab';
import { readArp } from '../rigs/pcap';

const conf = (extra: string): string => `vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 150
    advert_int 1
    garp_master_repeat 1
    garp_master_delay 0
${extra}    virtual_ipaddress {
        192.0.2.100/24
        198.51.100.1/24 dev eth1
        198.51.100.2/24 dev eth1
    }
}
`;

describe('garp_extra_if', () => {
  const labs: Lab[] = [];
  after(async () => {
    for (const l of labs) await l.dispose();
  });

  const run = async (extra: string): Promise<{ eth0: string[]; eth1: string[] }> => {
    const lab = await Lab.create({ hosts: ['a'] });
    labs.push(lab);
    await lab.addInterfaces('a', ['eth1']);
    const cap0 = await lab.capture('a', 'arp');
    const cap1 = await lab.capture('a', 'arp', 'eth1');
    const a = new Appliance(lab, 'a', conf(extra));
    a.start();
    await until(
      'MASTER',
      15000,
      () => a.state(),
      (s) => s === 'master',
    );
    await new Promise((r) => setTimeout(r, 4500));
    await cap0.end();
    await cap1.end();
    const garps = (file: string): string[] =>
      readArp(file)
        .filter((f) => f.senderIp === f.targetIp)
        .map((f) => f.senderIp);
    return { eth0: garps(cap0.file), eth1: garps(cap1.file) };
  };

  it('announces the first VIP of the other interface every garp_extra_if seconds', async () => {
    const on = await run('    garp_extra_if all 1\n');
    assert.deepEqual(on.eth0, ['192.0.2.100'], 'its own interface: the transition only');
    const second = on.eth1.filter((ip) => ip === '198.51.100.2').length;
    const first = on.eth1.filter((ip) => ip === '198.51.100.1').length;
    assert.equal(second, 1, 'the second VIP: the transition only');
    assert.ok(first >= 4, `the first VIP again every second: ${first} in all`);

    const off = await run('');
    assert.deepEqual(
      off.eth1.sort(),
      ['198.51.100.1', '198.51.100.2'],
      'without it: the transition only',
    );
  });
});
