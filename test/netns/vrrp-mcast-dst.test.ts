/**
 * mcast_dst_ip beside real keepalived 2.2.7 on the lab: two instances with the
 * same VRID on one interface, one on the default group 224.0.0.18 and one on
 * 224.0.0.19 (keepalived allows this when the groups differ). halb is above
 * keepalived on the first and below it on the second: each side must be
 * MASTER of one and BACKUP of the other. An instance that took the other
 * group's advert of its VRID for its own (a raw socket hears every group the
 * host joined unless IP_MULTICAST_ALL is off) would drop it for its address
 * list, counted, or with the same VIPs take its priority for the peer's. The
 * adverts on the wire go to each instance's group.
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { Appliance, until } from '../rigs/appliance';
import { KeepalivedPeer } from '../rigs/keepalived-peer';
import { Lab } from '../rigs/netns-lab';

const conf = (p1: number, p2: number): string => `vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority ${p1}
    advert_int 1
    virtual_ipaddress {
        192.0.2.100/24
    }
}
vrrp_instance VI_2 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    mcast_dst_ip 224.0.0.19
    priority ${p2}
    advert_int 1
    virtual_ipaddress {
        192.0.2.101/24
    }
}
`;

describe('mcast_dst_ip', () => {
  let lab: Lab;
  after(async () => {
    await lab?.dispose();
  });

  it('the same VRID on two groups, against keepalived: one master each', async () => {
    lab = await Lab.create({ hosts: ['h', 'k'] });
    const capture = await lab.capture('h', 'ip proto 112');
    const h = new Appliance(lab, 'h', conf(200, 100));
    const k = new KeepalivedPeer(lab, 'k', conf(100, 200));
    h.start();
    k.start();
    const states = async (): Promise<string> =>
      (await h.instances())
        .map((i) => `${i.name}=${i.state}`)
        .sort()
        .join(' ');
    await until(
      'halb MASTER of VI_1, BACKUP of VI_2',
      20000,
      states,
      (s) => s === 'VI_1=master VI_2=backup',
    );
    await until(
      'keepalived BACKUP of VI_1, MASTER of VI_2',
      20000,
      async () =>
        [...k.states()]
          .map(([n, s]) => `${n}=${s}`)
          .sort()
          .join(' '),
      (s) => s === 'VI_1=backup VI_2=master',
    );
    // A few adverts of each on: nobody changes its mind.
    await new Promise((r) => setTimeout(r, 4000));
    assert.equal(await states(), 'VI_1=master VI_2=backup');
    assert.equal(k.state('VI_1'), 'backup');
    assert.equal(k.state('VI_2'), 'master');
    const vi1 = (await h.instances()).find((i) => i.name === 'VI_1');
    assert.equal(vi1?.lastTransition?.to ?? 'master', 'master');
    assert.deepEqual(k.complaints(), []);
    // Neither instance heard the other group: no advert dropped (an address list
    // that is not its own would be).
    for (const i of await h.instances()) assert.deepEqual(i.drops, {}, `${i.name} drops`);

    const packets = await capture.stop();
    const dsts = new Map<string, Set<string>>();
    for (const p of packets as Array<Record<string, Record<string, unknown> | undefined>>) {
      const key = `${String(p.ip?.['ip.src'])} prio ${String(p.vrrp?.['vrrp.prio'])}`;
      dsts.set(key, (dsts.get(key) ?? new Set()).add(String(p.ip?.['ip.dst'])));
    }
    const h4 = lab.host('h').ipv4;
    const k4 = lab.host('k').ipv4;
    // halb's VI_1 (200) to the default group; keepalived's VI_2 (200) to 224.0.0.19.
    assert.deepEqual([...(dsts.get(`${h4} prio 200`) ?? [])], ['224.0.0.18']);
    assert.deepEqual([...(dsts.get(`${k4} prio 200`) ?? [])], ['224.0.0.19']);
  });
});
