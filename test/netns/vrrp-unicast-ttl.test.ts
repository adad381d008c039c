/**
 * unicast_ttl with the real executable: unicast adverts leave with the
 * configured TTL (IPv4) or hop limit (IPv6), as keepalived sends them, and
 * the peer still takes them (unicast adverts need no 255).
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { Appliance, until } from '../rigs/appliance';
import { Lab } from '../rigs/netns-lab';
import { readPcap } from '../rigs/pcap';

function conf(prio: number, src: string, peer: string, vip: string, ttl: string): string {
  return `vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority ${prio}
    advert_int 1
    ${ttl}
    unicast_src_ip ${src}
    unicast_peer {
        ${peer}
    }
    virtual_ipaddress {
        ${vip}
    }
}
`;
}

describe('unicast_ttl', () => {
  const labs: Lab[] = [];
  after(async () => {
    for (const l of labs) await l.dispose();
  });

  for (const family of [4, 6] as const) {
    it(`IPv${family}: the adverts carry the configured TTL; the peer follows them`, async () => {
      const lab = await Lab.create({ hosts: ['a', 'b'] });
      labs.push(lab);
      const ip = (h: string): string => (family === 4 ? lab.host(h).ipv4 : lab.host(h).ipv6);
      const vip = family === 4 ? '192.0.2.100/24' : '2001:db8::100/64';
      const a = new Appliance(lab, 'a', conf(150, ip('a'), ip('b'), vip, 'unicast_ttl 7'));
      const b = new Appliance(lab, 'b', conf(100, ip('b'), ip('a'), vip, ''));
      const cap = await lab.capture('b');
      a.start();
      b.start();
      await until(
        'election',
        20000,
        async () => [await a.state(), await b.state()],
        (s) => s.join() === 'master,backup',
      );
      await new Promise((r) => setTimeout(r, 2500));
      assert.equal(await b.state(), 'backup', 'the peer keeps hearing the master');
      await cap.end();
      const adverts = readPcap(cap.file).filter((p) => p.protocol === 112 && p.src === ip('a'));
      assert.ok(adverts.length >= 2, `${adverts.length} adverts from a`);
      assert.deepEqual([...new Set(adverts.map((p) => p.ttl))], [7]);
    });
  }

  it('unicast_fault_no_peer: unicast with no peer stays in FAULT instead of multicasting', async () => {
    const lab = await Lab.create({ hosts: ['a'] });
    labs.push(lab);
    const a = new Appliance(
      lab,
      'a',
      `vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 150
    advert_int 1
    unicast_fault_no_peer
    unicast_peer {
    }
    virtual_ipaddress {
        192.0.2.100/24
    }
}
`,
    );
    const cap = await lab.capture('a', 'ip proto 112');
    a.start();
    await until(
      'FAULT, and why',
      15000,
      async () => (await a.instances())[0]?.lastTransition?.why ?? '',
      (w) => /unicast without any peers/.test(w),
    );
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(await a.state(), 'fault');
    assert.match(
      a.proc!.output,
      /\(VI_1\) Cannot use unicast without any peers - going to fault state/,
    );
    await cap.end();
    assert.equal(readPcap(cap.file).length, 0, 'no advert, multicast or other');
  });
});
