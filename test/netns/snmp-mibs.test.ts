/**
 * VRRPv3-MIB and VRRP-MIB through net-snmp's snmpd, with keepalived 2.2.7 as
 * the oracle: in one lab host, snmpd (AgentX master, requests and traps over
 * unix sockets only) and snmptrapd; keepalived runs the config first, then
 * halb runs the same one. `snmpwalk` of the MIB must print the same objects
 * and values for both (the up times aside: they count from each one's start),
 * and each sends the same new-master notifications.
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

const V2 = (dir: string): string => `global_defs {
    enable_snmp_rfcv2
    enable_traps
    snmp_socket unix:${dir}/agentx
}
vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 61
    priority 150
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass secret
    }
    virtual_ipaddress {
        192.0.2.110/24
        192.0.2.111/24
    }
}
`;

interface Run {
  readonly walk: string;
  readonly traps: string[];
}

/** KEEPALIVED-MIB: a sync group, both families, labels, an excluded VIP, notify scripts, mail settings. */
const KA = (dir: string): string => `global_defs {
    router_id lb1
    enable_snmp_vrrp
    enable_traps
    snmp_socket unix:${dir}/agentx
    smtp_server 192.0.2.25 2525
    smtp_connect_timeout 12
    notification_email_from halb@example.com
    notification_email {
        ops@example.com
        noc@example.com
    }
    smtp_alert_vrrp
    no_email_faults
}
static_ipaddress {
    192.0.2.120/32 dev eth0
    2001:db8::120/128 dev eth0
}
vrrp_script chk {
    script "/bin/true"
    interval 1
    weight -10
    rise 1
    fall 1
}
vrrp_sync_group G1 {
    group {
        VI_1
        VI_2
    }
    notify_master "/bin/echo group master"
}
vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 150
    advert_int 1
    garp_master_delay 3
    authentication {
        auth_type PASS
        auth_pass secret
    }
    notify_backup /bin/true
    notify /bin/echo
    virtual_ipaddress {
        192.0.2.100/24
        192.0.2.101/24 dev eth0 label eth0:1
        192.0.2.103/32 brd 192.0.2.255 scope host
    }
    virtual_ipaddress_excluded {
        192.0.2.102/32
    }
}
vrrp_instance VI_2 {
    interface eth0
    virtual_router_id 52
    priority 100
    version 3
    advert_int 0.5
    preempt_delay 4
    accept
    virtual_ipaddress {
        2001:db8::100/64
    }
}
vrrp_instance SOLO {
    interface eth0
    virtual_router_id 53
    priority 255
    track_interface {
        eth0
        trk0
    }
    track_script {
        chk weight 0
    }
    unicast_peer {
        192.0.2.99
    }
    virtual_ipaddress {
        192.0.2.110/24
    }
}
`;

/** The notifications once none has come for two seconds. */
async function settled(read: () => string[]): Promise<string[]> {
  let last = read();
  for (;;) {
    await new Promise((r) => setTimeout(r, 2000));
    const now = read();
    if (now.length === last.length) return now;
    last = now;
  }
}

/** snmpd and snmptrapd in the lab host; keepalived then halb on the config; each one's walk and notifications. */
async function both(
  lab: Lab,
  config: (dir: string) => string,
  subtree: string,
  trapOid: string | undefined,
  rowsWanted: (walk: string) => boolean,
  states: string,
  restart = false,
  trapsWanted = 1,
): Promise<{ ka: Run; hb: Run }> {
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
  const startSnmpd = async () => {
    const p = lab.spawn('lb', [
      'snmpd',
      '-f',
      '-Lo',
      '-C',
      '-c',
      `${dir}/snmpd.conf`,
      '-p',
      `${dir}/snmpd.pid`,
    ]);
    await p.waitFor('NET-SNMP version', 10000, 'snmpd');
    return p;
  };
  let snmpd = await startSnmpd();
  const walk = async (): Promise<string> => {
    const r = await lab.exec('lb', [
      'snmpwalk',
      '-v2c',
      '-c',
      'public',
      '-On',
      `unix:${dir}/snmp`,
      subtree,
    ]);
    assert.equal(r.code, 0, r.stderr);
    // The up times count from each daemon's start.
    return r.stdout
      .replace(/(\.9586\.100\.5\.1\.1\.0 = STRING: ).*/, '$1VERSION')
      .replace(/(\.207\.1\.1\.1\.1\.12\.[\d.]+ = Timeticks: )\(\d+\).*/g, '$1T')
      .replace(/(\.68\.1\.3\.1\.13\.[\d.]+ = Timeticks: )\(\d+\).*/g, '$1T');
  };
  const notifications = (): string[] =>
    trapd.output
      .split('\n')
      .filter((l) =>
        trapOid?.endsWith('.') // a prefix: every notification under it
          ? l.includes(`OID: ${trapOid}`)
          : l.includes(`OID: ${trapOid}~`) || l.endsWith(`OID: ${trapOid}`),
      )
      .map((l) => l.split('~').slice(1).join('~').trim());

  const ka = new KeepalivedPeer(lab, 'lb', config(dir));
  ka.start();
  await until(
    'keepalived MASTER',
    20000,
    async () => [...ka.states().values()].join(),
    (s) => s === states,
  );
  const kaWalk = await until('keepalived in the walk', 15000, walk, rowsWanted);
  const kaTraps = trapOid
    ? await until(
        'its notifications',
        10000,
        async () => notifications(),
        (t) => t.length >= trapsWanted,
      )
    : [];
  if (trapOid?.endsWith('.')) kaTraps.push(...(await settled(notifications)).slice(kaTraps.length));
  await ka.kill('SIGTERM');
  const seen = notifications().length;

  const hb = new Appliance(lab, 'lb', config(dir));
  hb.start();
  await until(
    'halb MASTER',
    20000,
    async () => (await hb.instances()).map((i) => i.state).join(),
    (s) => s === states,
  );
  const hbWalk = await until('halb in the walk', 15000, walk, rowsWanted);
  if (trapOid)
    await until(
      'its notifications',
      10000,
      async () => notifications(),
      (t) => t.length >= seen + kaTraps.length,
    );
  const hbTraps = (trapOid?.endsWith('.') ? await settled(notifications) : notifications()).slice(
    seen,
  );
  if (restart) {
    // snmpd restarted: halb's subagent connects again and serves the same walk.
    await snmpd.kill('SIGTERM');
    await hb.proc?.waitFor('SNMP: the AgentX master went away; connecting again', 10000);
    snmpd = await startSnmpd();
    await until(
      'connected again',
      15000,
      async () => hb.proc?.output.match(/SNMP: AgentX subagent connected/g)?.length ?? 0,
      (n) => n >= 2,
    );
    assert.equal(await walk(), hbWalk, 'the same walk after snmpd came back');
  }
  await hb.proc?.kill('SIGTERM');
  await snmpd.kill('SIGTERM');
  await trapd.kill('SIGTERM');
  return {
    ka: { walk: kaWalk, traps: kaTraps.sort() },
    hb: { walk: hbWalk, traps: hbTraps.sort() },
  };
}

describe('SNMP against keepalived 2.2.7', () => {
  let lab: Lab | undefined;
  after(async () => {
    await lab?.dispose();
  });

  it('VRRPv3-MIB: the same walk and the same vrrpv3NewMaster notifications', async () => {
    lab = await Lab.create({ hosts: ['lb'] });
    const rows = (t: string): number => (t.match(/\.207\.1\.1\.1\.1\.6\./g) ?? []).length;
    const { ka, hb } = await both(
      lab,
      conf,
      '1.3.6.1.2.1.207',
      '.1.3.6.1.2.1.207.0.1',
      (t) => rows(t) === 2,
      'master,master,master',
      true,
    );
    // Both families, their addresses, and no row for the instance without a VIP.
    assert.match(ka.walk, /\.207\.1\.1\.2\.1\.2\.\d+\.51\.1\.192\.0\.2\.101 = INTEGER: 1/);
    assert.match(
      ka.walk,
      /\.207\.1\.1\.2\.1\.2\.\d+\.52\.2\.32\.1\.13\.184(\.0){10}\.1\.0 = INTEGER: 1/,
    );
    assert.doesNotMatch(ka.walk, /\.53\.1 =/);
    assert.equal(hb.walk, ka.walk);
    assert.equal(ka.traps.length, 2);
    assert.deepEqual(hb.traps, ka.traps);
  });

  it('KEEPALIVED-MIB: the same globals, sync groups, instances, addresses, tracking, scripts and state notifications', async () => {
    lab ??= await Lab.create({ hosts: ['lb'] });
    await lab.addVeth('lb', 'trk0');
    const { ka, hb } = await both(
      lab,
      KA,
      '1.3.6.1.4.1.9586.100.5',
      '.1.3.6.1.4.1.9586.100.5.2.10.0.',
      (t) => (t.match(/\.9586\.100\.5\.2\.3\.1\.4\.\d+ = INTEGER: 2/g) ?? []).length === 3,
      'master,master,master',
      false,
      7,
    );
    assert.match(ka.walk, /\.5\.2\.1\.1\.2\.1 = STRING: "G1"/);
    assert.match(ka.walk, /\.5\.2\.6\.1\.9\.1\.2 = STRING: "eth0:1"/);
    assert.match(ka.walk, /\.5\.2\.4\.1\.1\.3\.1 = STRING: "trk0"/, 'not eth0, its own');
    assert.match(ka.walk, /\.5\.2\.9\.1\.3\.1 = STRING: "'\/usr\/bin\/true'"/);
    assert.match(ka.walk, /\.5\.2\.6\.1\.3\.0\.1 = Hex-STRING: C0 00 02 78/, 'static_ipaddress');
    // keepalived 2.2.7's vrrp_header_ar_table sets vrrpAddressAdvertising true
    // only while walking the first instance's VIPs: every later instance's
    // VIPs read false(2). halb says true(1) for every VIP, false for the
    // excluded ones; that one difference is checked, then set aside.
    const laterVip = /(\.9586\.100\.5\.2\.6\.1\.11\.(?:[2-9]|\d\d+)\.\d+ = INTEGER: )1/g;
    assert.deepEqual(
      hb.walk.match(laterVip)?.length,
      2,
      'VI_2 and SOLO each have one VIP, advertised',
    );
    assert.equal(hb.walk.replace(laterVip, '$12'), ka.walk);
    // BACKUP then MASTER for VI_1, VI_2 and G1, MASTER at once for the owner SOLO.
    assert.equal(ka.traps.length, 7);
    assert.deepEqual(hb.traps, ka.traps);
  });

  it('VRRP-MIB (RFC 2787): the same walk and the same vrrpTrapNewMaster', async () => {
    lab ??= await Lab.create({ hosts: ['lb'] });
    const { ka, hb } = await both(
      lab,
      V2,
      '1.3.6.1.2.1.68',
      '.1.3.6.1.2.1.68.0.1',
      (t) => /\.68\.1\.3\.1\.3\.\d+\.61 = INTEGER: 3/.test(t),
      'master',
    );
    assert.match(ka.walk, /\.68\.1\.3\.1\.9\.\d+\.61 = INTEGER: 2/, 'simpleTextPassword');
    assert.match(ka.walk, /\.68\.1\.4\.1\.2\.\d+\.61\.192\.0\.2\.111 = INTEGER: 1/);
    assert.equal(hb.walk, ka.walk);
    assert.equal(ka.traps.length, 1);
    assert.deepEqual(hb.traps, ka.traps);
  });
});
