/**
 * use_vmac on the lab: each node makes a private macvlan "vrrp.51" with the
 * RFC virtual MAC 00:00:5e:00:01:33; the master's adverts and GARPs come from
 * that MAC and its VIP lives on the macvlan, so after a failover the client's
 * ARP entry for the VIP does not even change. A clean stop deletes the
 * macvlan; IPv6 (VRRPv3) uses 00:00:5e:00:02:VRID.
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { Appliance, reach, until } from '../rigs/appliance';
import { Lab } from '../rigs/netns-lab';
import { readArp, readPcap } from '../rigs/pcap';

const VIP = '192.0.2.100';
const VMAC = '00:00:5e:00:01:33';
const conf = (prio: number) => `vrrp_instance VI_1 {
    interface eth0
    use_vmac
    virtual_router_id 51
    priority ${prio}
    advert_int 1
    virtual_ipaddress {
        ${VIP}/24
    }
}
`;

async function link(lab: Lab, host: string, dev: string): Promise<string> {
  return (await lab.exec(host, ['ip', '-d', 'link', 'show', 'dev', dev])).stdout;
}

async function neighbour(lab: Lab, ip: string): Promise<string | undefined> {
  const r = await lab.exec('client', ['ip', 'neigh', 'show', ip]);
  return /lladdr ([0-9a-f:]+)/.exec(r.stdout)?.[1];
}

describe('use_vmac', () => {
  const labs: Lab[] = [];
  after(async () => {
    for (const l of labs) await l.dispose();
  });

  it('IPv4: the VIP lives on a private macvlan with the virtual MAC, which survives a failover', async () => {
    const lab = await Lab.create({ hosts: ['lb1', 'lb2', 'client'] });
    labs.push(lab);
    const cap = await lab.capture('client', 'proto 112 or arp');
    const nodes = [new Appliance(lab, 'lb1', conf(150)), new Appliance(lab, 'lb2', conf(100))];
    nodes.forEach((n) => n.start());
    await reach(nodes, ['master', 'backup'], 'lb1 master', 20000);
    for (const host of ['lb1', 'lb2']) {
      const l = await link(lab, host, 'vrrp.51');
      assert.match(l, /link\/ether 00:00:5e:00:01:33/, `${host}: the VMAC's address`);
      assert.match(l, /macvlan mode private/, `${host}: a private-mode macvlan`);
    }
    assert.ok((await nodes[0]!.addresses('vrrp.51')).includes(VIP), 'VIP on the VMAC');
    assert.ok(!(await nodes[0]!.addresses('eth0')).includes(VIP), 'not on eth0');
    assert.ok(!(await nodes[1]!.addresses('vrrp.51')).includes(VIP), 'backup holds no VIP');
    const ping = async (): Promise<number> =>
      (await lab.exec('client', ['ping', '-c', '1', '-W', '1', VIP])).code;
    await until('the client reaches the VIP', 10000, ping, (c) => c === 0);
    assert.equal(await neighbour(lab, VIP), VMAC);

    await nodes[0]!.proc!.kill('SIGKILL');
    await reach(nodes, ['down', 'master'], 'lb2 takes over', 15000);
    assert.ok((await nodes[1]!.addresses('vrrp.51')).includes(VIP));
    await until('the client reaches the VIP again', 10000, ping, (c) => c === 0);
    assert.equal(await neighbour(lab, VIP), VMAC, 'the same MAC answers after failover');

    // A clean stop deletes the macvlan it made.
    await nodes[1]!.proc!.kill('SIGTERM');
    const gone = await lab.exec('lb2', ['ip', 'link', 'show', 'dev', 'vrrp.51']);
    assert.notEqual(gone.code, 0, 'vrrp.51 is gone after SIGTERM');

    await cap.stop();
    const lb1 = lab.host('lb1').ipv4;
    const adverts = readPcap(cap.file).filter((p) => p.protocol === 112);
    assert.ok(adverts.length > 0);
    for (const a of adverts)
      assert.equal(
        a.srcMac,
        VMAC,
        `advert from ${a.src} prio ${a.payload[2]} at ${a.timeUs} leaves from the VMAC`,
      );
    assert.ok(
      adverts.some((a) => a.src === lb1),
      'adverts carry the base address',
    );
    const garps = readArp(cap.file).filter((f) => f.senderIp === VIP);
    assert.ok(garps.length > 0, 'GARPs for the VIP');
    for (const g of garps) assert.equal(g.srcMac, VMAC);
  });

  it('IPv6: VRRPv3 from 00:00:5e:00:02:VRID with the base link-local address', async () => {
    const lab = await Lab.create({ hosts: ['lb1', 'lb2', 'client'] });
    labs.push(lab);
    const vip6 = '2001:db8::100';
    const conf6 = (prio: number) => `vrrp_instance VI_6 {
    interface eth0
    use_vmac
    virtual_router_id 52
    priority ${prio}
    advert_int 1
    virtual_ipaddress {
        ${vip6}/64
    }
}
`;
    const nodes = [new Appliance(lab, 'lb1', conf6(150)), new Appliance(lab, 'lb2', conf6(100))];
    nodes.forEach((n) => n.start());
    await reach(nodes, ['master', 'backup'], 'lb1 master', 20000);
    assert.match(await link(lab, 'lb1', 'vrrp.52'), /link\/ether 00:00:5e:00:02:34/);
    assert.ok((await nodes[0]!.addresses('vrrp.52')).includes(vip6));
    await until(
      'the client reaches the IPv6 VIP',
      10000,
      async () => (await lab.exec('client', ['ping', '-6', '-c', '1', '-W', '1', vip6])).code,
      (c) => c === 0,
    );
    assert.equal(await neighbour(lab, vip6), '00:00:5e:00:02:34');
    await nodes[0]!.proc!.kill('SIGKILL');
    await reach(nodes, ['down', 'master'], 'lb2 takes over', 15000);
  });
});
