/**
 * Accept mode (RFC 5798 §6.4.3) on the real kernel. Under vrrp_strict an
 * instance without `accept` must not take traffic to its VIPs while MASTER,
 * yet must answer ARP / neighbour discovery for them: halb installs the same
 * nftables table, sets and rules as keepalived 2.2.7 (its ruleset, listed by
 * `nft`, is the oracle), then a client finds the VIPs (ARP and ND resolve) but
 * gets no answer from them, while the VIP of an instance with `accept` (VRRPv3)
 * answers. A VRRPv2 `accept` is reset under strict mode, as keepalived does.
 * At stop the tables are gone. With use_vmac (and nftables_counters), the IGMP / MLD reports of the
 * VMACs leave from the parent interface (a switch must never learn the
 * virtual MAC from a BACKUP), as keepalived does with the same rules.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { Appliance, until } from '../rigs/appliance';
import { KeepalivedPeer } from '../rigs/keepalived-peer';
import { Lab, type Capture } from '../rigs/netns-lab';

const VIP4 = '192.0.2.100';
const VIP4_V2_ACCEPT = '192.0.2.101';
const VIP4_ACCEPT = '192.0.2.102';
const VIP6 = '2001:db8::100';
const VIP6_LL = 'fe80::100';

const instance = (name: string, vrid: number, body: string, vips: readonly string[]): string =>
  `vrrp_instance ${name} {
    state BACKUP
    interface eth0
    virtual_router_id ${vrid}
    priority 100
    advert_int 1
    ${body}
    virtual_ipaddress {
${vips.map((v) => `        ${v}`).join('\n')}
    }
}
`;

const CONF =
  'global_defs {\n    vrrp_strict\n}\n' +
  instance('VI_1', 51, 'version 2', [`${VIP4}/24`]) +
  instance('VI_2', 52, 'version 2\n    accept', [`${VIP4_V2_ACCEPT}/24`]) +
  instance('VI_3', 53, 'version 3\n    accept', [`${VIP4_ACCEPT}/24`]) +
  instance('VI_6', 56, 'version 3', [`${VIP6}/64`, `${VIP6_LL}/64`]);

describe('accept mode: nftables drop rules like keepalived 2.2.7', () => {
  let lab: Lab;
  before(async () => {
    lab = await Lab.create({ hosts: ['box', 'client'] });
  });
  after(async () => {
    await lab?.dispose();
  });

  const ruleset = async (): Promise<string> =>
    (await lab.exec('box', ['nft', 'list', 'ruleset'])).stdout;
  /** The ruleset once every instance is MASTER and its VIPs are in the sets. */
  const settled = (rs: string): boolean =>
    [VIP4, VIP4_V2_ACCEPT, VIP6, VIP6_LL].every((a) => rs.includes(a));
  let keepalivedRules = '';
  let box: Appliance;

  it('keepalived 2.2.7 (the oracle): its ruleset while MASTER, none after stop', async () => {
    const ka = new KeepalivedPeer(lab, 'box', CONF);
    ka.start();
    try {
      keepalivedRules = await until(
        'keepalived MASTER with its drop rules',
        20000,
        ruleset,
        settled,
      );
      assert.ok(!keepalivedRules.includes(VIP4_ACCEPT), keepalivedRules);
    } finally {
      await ka.kill('SIGTERM');
    }
    await until('keepalived to delete its tables', 10000, ruleset, (rs) => rs.trim() === '');
  });

  it('halb installs the same ruleset while MASTER', async () => {
    box = new Appliance(lab, 'box', CONF);
    box.start();
    const rs = await until('halb MASTER with its drop rules', 20000, ruleset, settled);
    assert.equal(rs, keepalivedRules);
    await until(
      'all four MASTER',
      10000,
      () => box.instances(),
      (is) => is.length === 4 && is.every((i) => i.state === 'master'),
    );
  });

  it('the client resolves every VIP but only the accept-mode one answers', async () => {
    const ping = async (addr: string): Promise<boolean> =>
      (await lab.exec('client', ['ping', '-c', '1', '-W', '1', addr])).code === 0;
    assert.equal(await ping(VIP4_ACCEPT), true, 'VRRPv3 with accept answers');
    assert.equal(await ping(VIP4), false, 'no accept: dropped');
    assert.equal(await ping(VIP4_V2_ACCEPT), false, 'VRRPv2 accept reset by strict mode: dropped');
    assert.equal(await ping(VIP6), false, 'IPv6 without accept: dropped');
    const neigh = (await lab.exec('client', ['ip', 'neigh', 'show', 'dev', 'eth0'])).stdout;
    for (const vip of [VIP4, VIP4_V2_ACCEPT, VIP6]) {
      const line = neigh.split('\n').find((l) => l.startsWith(`${vip} `));
      assert.match(
        line ?? '',
        /lladdr [0-9a-f:]{17}/,
        `${vip} resolved (ARP / ND pass):\n${neigh}`,
      );
    }
  });

  it('tables gone after SIGTERM, with the log lines keepalived users grep for', async () => {
    await box.proc?.kill('SIGTERM');
    assert.equal((await ruleset()).trim(), '', 'no table left');
    const log = box.proc?.output ?? '';
    for (const name of ['VI_1', 'VI_2', 'VI_6']) {
      assert.ok(log.includes(`(${name}) setting firewall drop rule`), name);
      assert.ok(log.includes(`(${name}) removing firewall drop rule`), name);
    }
    assert.ok(!log.includes('(VI_3) setting firewall drop rule'), 'VI_3 accepts');
    assert.match(
      log,
      /VI_2.*accept mode for VRRP version 2 does not comply with RFC3768 - resetting/,
    );
  });
});

const VMAC_CONF =
  'global_defs {\n    vrrp_strict\n    nftables_counters\n}\n' +
  instance('VI_1', 51, 'version 2\n    use_vmac', [`${VIP4}/24`]) +
  instance('VI_6', 56, 'version 3\n    use_vmac', [`${VIP6}/64`]);

describe('use_vmac: IGMP / MLD reports leave from the parent, like keepalived 2.2.7', () => {
  let lab: Lab;
  before(async () => {
    lab = await Lab.create({ hosts: ['box', 'client'] });
  });
  after(async () => {
    await lab?.dispose();
  });

  /** With nftables_counters: what the counters counted differs from run to run. */
  const ruleset = async (): Promise<string> =>
    (await lab.exec('box', ['nft', 'list', 'ruleset'])).stdout.replace(
      /counter packets \d+ bytes \d+/g,
      'counter',
    );
  const settled = (rs: string): boolean =>
    rs.includes('vrrp.51') && rs.includes('vrrp.56') && rs.includes(VIP4) && rs.includes(VIP6);
  /** IGMP and MLDv2 reports the client saw, by Ethernet source. */
  const reports = async (cap: Capture): Promise<string[]> =>
    (await cap.stop())
      .filter((l) => 'igmp' in l || (l.icmpv6 as Record<string, string>)?.['icmpv6.type'] === '143')
      .map((l) => (l.eth as Record<string, string>)['eth.src'] as string);
  const VIRTUAL_MAC = /^00:00:5e:00:0[12]:/;
  let keepalivedRules = '';

  it('keepalived 2.2.7: its ruleset with VMACs and drop rules; no report from a virtual MAC', async () => {
    const cap = await lab.capture('client', 'igmp or icmp6');
    const ka = new KeepalivedPeer(lab, 'box', VMAC_CONF);
    ka.start();
    try {
      keepalivedRules = await until('keepalived MASTER on its VMACs', 20000, ruleset, settled);
    } finally {
      await ka.kill('SIGTERM');
    }
    const macs = await reports(cap);
    assert.ok(macs.length > 0, 'reports were sent (the capture works)');
    assert.ok(!macs.some((m) => VIRTUAL_MAC.test(m)), macs.join(' '));
    await until('keepalived gone', 10000, ruleset, (rs) => !rs.includes(VIP4));
    await lab.exec('box', ['nft', 'flush', 'ruleset']);
  });

  it('halb: the same ruleset (counters included), and every report leaves with the parent interface MAC', async () => {
    const cap = await lab.capture('client', 'igmp or icmp6');
    const box = new Appliance(lab, 'box', VMAC_CONF);
    box.start();
    const rs = await until('halb MASTER on its VMACs', 20000, ruleset, settled);
    await box.proc?.kill('SIGTERM');
    assert.equal(rs, keepalivedRules);
    const macs = await reports(cap);
    assert.ok(macs.length > 0, 'reports were sent (the capture works)');
    assert.ok(!macs.some((m) => VIRTUAL_MAC.test(m)), macs.join(' '));
    assert.equal((await ruleset()).trim(), '', 'tables deleted at stop');
  });
});
