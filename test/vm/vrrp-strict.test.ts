/**
 * vrrp_strict on the firmware's own kernel (Debian's 6.1 with its nf_tables
 * modules, qemu-x86_64): the box becomes MASTER of an instance without accept
 * mode and of a VRRPv3 one with `accept`; a client on the LAN resolves both
 * VIPs (ARP passes) but only the accept-mode VIP answers. The netns test
 * (test/netns/vrrp-accept-mode) compares the rules with keepalived's; this
 * one shows they load and work on the appliance.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { until } from '../rigs/appliance';
import { Lab } from '../rigs/netns-lab';
import { Vm } from '../rigs/vm';

const NO_ACCEPT_VIP = '192.0.2.100';
const ACCEPT_VIP = '192.0.2.102';

const CONF = `global_defs {
    vrrp_strict
}
vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 150
    advert_int 1
    virtual_ipaddress {
        ${NO_ACCEPT_VIP}/24
    }
}
vrrp_instance VI_3 {
    state MASTER
    interface eth0
    virtual_router_id 53
    priority 150
    advert_int 1
    version 3
    accept
    virtual_ipaddress {
        ${ACCEPT_VIP}/24
    }
}
`;

describe('vrrp_strict drop rules on the firmware kernel (qemu-x86_64)', () => {
  let lab: Lab;
  let vm: Vm;
  before(async () => {
    lab = await Lab.create({ hosts: ['client'] });
    vm = await Vm.boot({ board: 'qemu-x86_64', lab });
    await vm.waitFor('halb: Startup complete');
  });
  after(async () => {
    if (process.env.HALB_VM_LOG)
      fs.writeFileSync(process.env.HALB_VM_LOG, vm?.console.output ?? '');
    await vm?.dispose();
    await lab?.dispose();
  });

  it('both MASTER; ARP resolves both VIPs; only the accept-mode VIP answers', async () => {
    const r = await vm.run(
      `printf '${CONF.replace(/\n/g, '\\n')}' > /etc/keepalived/keepalived.conf && ` +
        'ip addr add 192.0.2.201/24 dev eth0 && ip link set eth0 up && ' +
        `kill -HUP $(pidof halb | tr ' ' '\\n' | sort -n | head -1) && echo ok`,
    );
    assert.equal(r.code, 0, r.output);
    const ping = async (addr: string): Promise<boolean> =>
      (await lab.exec('client', ['ping', '-c', '1', '-W', '2', addr])).code === 0;
    await until(
      'the accept-mode VIP to answer',
      60000,
      () => ping(ACCEPT_VIP),
      (ok) => ok,
    );
    const status = (await vm.run('halb status --json')).output;
    assert.equal(status.match(/"state": "master"/g)?.length, 2, status);
    assert.equal(await ping(NO_ACCEPT_VIP), false, 'no accept mode: dropped');
    const neigh = (await lab.exec('client', ['ip', 'neigh', 'show', NO_ACCEPT_VIP])).stdout;
    assert.match(neigh, /lladdr [0-9a-f:]{17}/, `ARP for the VIP passes: ${neigh}`);
    assert.ok(!vm.console.output.includes('cannot set the firewall drop rule'), 'rules loaded');
  });
});
