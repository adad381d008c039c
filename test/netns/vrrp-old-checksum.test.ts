/**
 * old_unicast_checksum against Debian's keepalived 2.2.7 (built with
 * OLD_CHKSUM_COMPAT): VRRPv3 unicast over IPv4 with keepalived 1.3.6's
 * checksum (the multicast group in the pseudo-header, not the peer).
 *
 * - keepalived sends the old checksum: halb, without the keyword, switches to
 *   it ("Setting unicast VRRPv3 checksum to old version", as keepalived logs)
 *   and the pair works both ways (halb's adverts reach keepalived, which only
 *   takes the old checksum now);
 * - halb sends it (the keyword): keepalived switches, and stays BACKUP;
 * - `old_unicast_checksum never` on halb: keepalived's old-checksum adverts
 *   are dropped as bad checksums, and both end up MASTER.
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { Appliance, until } from '../rigs/appliance';
import { KeepalivedPeer } from '../rigs/keepalived-peer';
import { Lab } from '../rigs/netns-lab';

function conf(prio: number, src: string, peer: string, extra: string): string {
  return `vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    version 3
    priority ${prio}
    advert_int 1
    ${extra}
    unicast_src_ip ${src}
    unicast_peer {
        ${peer}
    }
    virtual_ipaddress {
        192.0.2.100/24
    }
}
`;
}

const SWITCHED = '(VI_1) Setting unicast VRRPv3 checksum to old version';

describe('old_unicast_checksum with keepalived 2.2.7', () => {
  const labs: Lab[] = [];
  after(async () => {
    for (const l of labs) await l.dispose();
  });

  const pair = async (kaPrio: number, kaExtra: string, hbPrio: number, hbExtra: string) => {
    const lab = await Lab.create({ hosts: ['ka', 'hb'] });
    labs.push(lab);
    const ka = new KeepalivedPeer(
      lab,
      'ka',
      conf(kaPrio, lab.host('ka').ipv4, lab.host('hb').ipv4, kaExtra),
    );
    const hb = new Appliance(
      lab,
      'hb',
      conf(hbPrio, lab.host('hb').ipv4, lab.host('ka').ipv4, hbExtra),
    );
    const both = async (): Promise<string> => `${ka.state()},${await hb.state()}`;
    return { ka, hb, both };
  };

  it('keepalived sends the old checksum: halb switches to it, and each side hears the other', async () => {
    const { ka, hb, both } = await pair(150, 'old_unicast_checksum', 100, '');
    ka.start();
    const proc = hb.start();
    await until('election', 20000, both, (s) => s === 'master,backup');
    await proc.waitFor(SWITCHED, 5000);
    const st = (await hb.instances())[0];
    assert.equal(st?.oldUnicastChecksum, 'learned');
    assert.deepEqual(st?.drops, {}, 'no advert dropped');
    // keepalived gone: halb takes over and sends the old checksum, which keepalived,
    // back with the same config, takes (it would drop the RFC one): it logs
    // halb's lower priority before it preempts.
    await ka.kill('SIGKILL');
    await until('failover', 15000, both, (s) => s === 'down,master');
    ka.start();
    await until('preemption', 20000, both, (s) => s === 'master,backup');
    assert.match(
      ka.proc?.output ?? '',
      new RegExp(`received lower priority \\(100\\) advert from ${hb.lab.host('hb').ipv4}`),
    );
    assert.deepEqual(
      ka.complaints().filter((l) => /checksum/i.test(l)),
      [],
      'keepalived found no bad checksum',
    );
  });

  it('halb sends it (old_unicast_checksum): keepalived switches and stays BACKUP', async () => {
    const { ka, hb, both } = await pair(100, '', 150, 'old_unicast_checksum');
    const proc = hb.start();
    ka.start();
    await until('election', 20000, both, (s) => s === 'backup,master');
    await until(
      'keepalived switches',
      10000,
      async () => ka.proc?.output ?? '',
      (out) => out.includes(SWITCHED),
    );
    await new Promise((r) => setTimeout(r, 3500));
    assert.equal(await both(), 'backup,master', 'keepalived keeps hearing halb');
    assert.equal((await hb.instances())[0]?.oldUnicastChecksum, 'configured');
    assert.doesNotMatch(proc.output, /Setting unicast VRRPv3 checksum/);
  });

  it("'never': halb drops keepalived's old checksums, and both are MASTER", async () => {
    const { ka, hb, both } = await pair(
      150,
      'old_unicast_checksum',
      100,
      'old_unicast_checksum never',
    );
    ka.start();
    const proc = hb.start();
    await until('both master', 20000, both, (s) => s === 'master,master');
    const drops = (await hb.instances())[0]?.drops ?? {};
    assert.ok((drops['bad-checksum'] ?? 0) > 0, JSON.stringify(drops));
    assert.doesNotMatch(proc.output, /Setting unicast VRRPv3 checksum/);
  });
});
