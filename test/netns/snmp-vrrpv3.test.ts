/**
 * VRRPv3-MIB through net-snmp's snmpd, with keepalived 2.2.7 as the oracle:
 * in one lab host, snmpd (AgentX master, requests and traps over unix
 * sockets only) and snmptrapd; keepalived runs the config first, then halb
 * runs the same one. `snmpwalk` of 1.3.6.1.2.1.207 must print the same
 * objects and values for both (the up time aside: it counts from each one's
 * start), and each sends the same vrrpv3NewMaster notification.
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Appliance, until } from '../rigs/appliance';
import { KeepalivedPeer } from '../rigs/keepalived-peer';
import { Lab } from '../rigs/netns-lab';

const conf = (dir: string): string => `global_defs {
    enable_snmp_rfcv3
    enable_traps
    snmp_socket unix:${dir}/agentx
}
vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 150
    version 3
    advert_int 1
    virtual_ipaddress {
        192.0.2.100/24
        192.0.2.101/24
    }
}
vrrp_instance VI_6 {
    state MASTER
    interface eth0
    virtual_router_id 52
    priority 200
    advert_int 0.5
    nopreempt
    virtual_ipaddress {
        2001:db8::100/64
    }
}
vrrp_instance NO_VIP {
    interface eth0
    virtual_router_id 53
    version 2
    priority 100
    virtual_ipaddress {
    }
}
`;

describe('SNMP: VRRPv3-MIB against keepalived 2.2.7', () => {
  let lab: Lab | undefined;
  after(async () => {
    await lab?.dispose();
  });

  it('the same walk and the same vrrpv3NewMaster notifications', async () => {
    lab = await Lab.create({ hosts: ['lb'] });
    const dir = fs.mkdtempSync(path.join(lab.dir, 'snmp-'));
    fs.writeFileSync(
      path.join(dir, 'snmpd.conf'),
      `master agentx
agentXSocket unix:${dir}/agentx
agentaddress unix:${dir}/snmp
com2secunix local default public
group rogroup v2c local
view all included .1
access rogroup "" any noauth exact all none none
trap2sink unix:${dir}/traps public
`,
    );
    fs.writeFileSync(path.join(dir, 'trapd.conf'), 'disableAuthorization yes\n');
    const trapd = lab.spawn('lb', [
      'snmptrapd',
      '-f',
      '-Lo',
      '-C',
      '-c',
      `${dir}/trapd.conf`,
      '-On',
      '-F',
      'TRAP %V~%v\n',
      `unix:${dir}/traps`,
    ]);
    await trapd.waitFor('NET-SNMP version', 10000, 'snmptrapd');
    const snmpd = lab.spawn('lb', [
      'snmpd',
      '-f',
      '-Lo',
      '-C',
      '-c',
      `${dir}/snmpd.conf`,
      '-p',
      `${dir}/snmpd.pid`,
    ]);
    await snmpd.waitFor('NET-SNMP version', 10000, 'snmpd');
    const walk = async (): Promise<string> => {
      const r = await lab!.exec('lb', [
        'snmpwalk',
        '-v2c',
        '-c',
        'public',
        '-On',
        `unix:${dir}/snmp`,
        '1.3.6.1.2.1.207',
      ]);
      assert.equal(r.code, 0, r.stderr);
      // The up time counts from each daemon's start.
      return r.stdout.replace(/(\.207\.1\.1\.1\.1\.12\.[\d.]+ = Timeticks: )\(\d+\).*/g, '$1T');
    };
    const rows = (t: string): number => (t.match(/\.207\.1\.1\.1\.1\.6\./g) ?? []).length;
    const newMaster = (): string[] =>
      trapd.output
        .split('\n')
        .filter((l) => l.includes('OID: .1.3.6.1.2.1.207.0.1'))
        .map((l) => l.split('~').slice(1).join('~').trim())
        .sort();

    const ka = new KeepalivedPeer(lab, 'lb', conf(dir));
    ka.start();
    await until(
      'keepalived MASTER',
      20000,
      async () => ka.states(),
      (s) => s.get('VI_1') === 'master' && s.get('VI_6') === 'master',
    );
    const kaWalk = await until('keepalived in the walk', 15000, walk, (t) => rows(t) === 2);
    // Both families, their addresses, and no row for the instance without a VIP.
    assert.match(kaWalk, /\.207\.1\.1\.2\.1\.2\.\d+\.51\.1\.192\.0\.2\.101 = INTEGER: 1/);
    assert.match(
      kaWalk,
      /\.207\.1\.1\.2\.1\.2\.\d+\.52\.2\.32\.1\.13\.184(\.0){10}\.1\.0 = INTEGER: 1/,
    );
    assert.doesNotMatch(kaWalk, /\.53\.1 =/);
    await until(
      'its notifications',
      10000,
      async () => newMaster(),
      (t) => t.length === 2,
    );
    const kaTraps = newMaster();
    await ka.kill('SIGTERM');

    const hb = new Appliance(lab, 'lb', conf(dir));
    hb.start();
    await until(
      'halb MASTER',
      20000,
      async () => (await hb.instances()).map((i) => i.state).join(),
      (s) => s === 'master,master,master',
    );
    const hbWalk = await until('halb in the walk', 15000, walk, (t) => rows(t) === 2);
    assert.equal(hbWalk, kaWalk);
    await until(
      'its notifications',
      10000,
      async () => newMaster(),
      (t) => t.length === 4,
    );
    assert.deepEqual(
      newMaster().filter((_t, i) => i % 2 === 0),
      newMaster().filter((_t, i) => i % 2 === 1),
      "each of keepalived's notifications sent by halb too",
    );
    assert.equal(kaTraps.length, 2);
  });
});
