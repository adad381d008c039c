/**
 * Live IPv6 traffic through the firmware's IPVS (qemu-x86_64): the same lab
 * as lvs-traffic (client, two real servers in namespaces, small HTTP
 * servers), over 2001:db8::/64. halb holds a NAT VIP on the client's second
 * prefix (2001:db8:1::/64; the real servers' default route is the balancer)
 * and a DR VIP on the LAN (on the real servers' lo, where neighbour discovery
 * does not answer for it) in one VRRPv3 instance, checks the real servers with
 * TCP_CHECK over IPv6, turns IPv6 forwarding on for NAT and drops the box's
 * ICMPv6 redirects (the real servers, which accept redirects as hosts do,
 * would otherwise be told to reply around the balancer after the first
 * connection), and both VIPs reach both servers, again and again; a stopped
 * server leaves and traffic goes to the other. The DR VIP is a /128, added
 * deprecated as keepalived does, so the checks never leave from it (the real
 * servers hold it on lo and would answer themselves).
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { until } from '../rigs/appliance';
import { IPVSADM, toolsDisk, type ToolsDisk } from '../rigs/ipvs-tools';
import { REAL_SERVERS, TrafficLab } from '../rigs/lvs-traffic';
import { Vm } from '../rigs/vm';

const LB6 = '2001:db8::201';
const LB6_CLIENT_SIDE = '2001:db8:1::1';
const CLIENT6_NAT = '2001:db8:1::10';
const NAT_VIP6 = '2001:db8:1::100';
const DR_VIP6 = '2001:db8::100';

function config(t: TrafficLab): string {
  const rs = (host: string): string =>
    `    real_server ${t.lab.host(host).ipv6} 80 {\n        weight 1\n        TCP_CHECK {\n            connect_timeout 1\n            retry 1\n            delay_before_retry 1\n        }\n    }\n`;
  const vs = (vip: string, kind: string): string =>
    `virtual_server ${vip} 80 {\n    delay_loop 1\n    lb_algo rr\n    lb_kind ${kind}\n    protocol TCP\n${REAL_SERVERS.map(rs).join('')}}\n`;
  return `vrrp_instance LB6 {
    state MASTER
    interface eth0
    virtual_router_id 61
    priority 150
    advert_int 1
    virtual_ipaddress {
        ${NAT_VIP6}/64
        ${DR_VIP6}/128
    }
}
${vs(NAT_VIP6, 'NAT')}${vs(DR_VIP6, 'DR')}`;
}

describe('live IPv6 traffic through IPVS, NAT and DR (qemu-x86_64)', () => {
  let t: TrafficLab;
  let vm: Vm;
  let disk: ToolsDisk;

  const must = async (host: string, argv: readonly string[]): Promise<void> => {
    const r = await t.lab.exec(host, argv);
    assert.equal(r.code, 0, `${host}: ${argv.join(' ')}: ${r.stderr}`);
  };

  before(async () => {
    t = await TrafficLab.create();
    await must('client', ['ip', 'addr', 'add', `${CLIENT6_NAT}/64`, 'dev', 'eth0', 'nodad']);
    for (const host of REAL_SERVERS) {
      await must(host, ['ip', '-6', 'route', 'add', 'default', 'via', LB6]);
      await must(host, ['ip', 'addr', 'add', `${DR_VIP6}/128`, 'dev', 'lo']);
      await t.serve(host);
    }
    disk = toolsDisk({ 'v6.conf': config(t) });
    vm = await Vm.boot({ board: 'qemu-x86_64', lab: t.lab, dataImage: disk.image });
    await vm.waitFor('halb: Startup complete');
  });
  after(async () => {
    if (process.env.HALB_VM_LOG)
      fs.writeFileSync(process.env.HALB_VM_LOG, vm?.console.output ?? '');
    await vm?.dispose();
    disk?.dispose();
    await t?.dispose();
  });

  const guest = async (cmd: string): Promise<string> => {
    const r = await vm.run(cmd);
    assert.equal(r.code, 0, `${cmd}: ${r.output}`);
    return r.output;
  };
  /** The real servers (by lab host) that ipvsadm lists under `vip`. */
  const listed = async (vip: string): Promise<string[]> => {
    const tab = await guest(`${IPVSADM} -Ln`);
    const block = tab.split(/\n(?=TCP|UDP)/).find((b) => b.startsWith(`TCP  [${vip}]:80`));
    return REAL_SERVERS.filter((h) => block?.includes(`-> [${t.lab.host(h).ipv6}]:80 `));
  };
  const names = (answers: readonly string[]): string[] => [...new Set(answers)].sort();

  it('programs both IPv6 virtual servers, turns IPv6 forwarding on, and each VIP reaches both servers', async () => {
    await guest(
      // busybox ip has no nodad: duplicate address detection off for the interface instead.
      'echo 0 > /proc/sys/net/ipv6/conf/eth0/accept_dad && ip link set eth0 up && ' +
        `ip addr add ${LB6}/64 dev eth0 && ip addr add ${LB6_CLIENT_SIDE}/64 dev eth0`,
    );
    // The adverts leave from the link-local address: past its duplicate address detection.
    await until(
      'a usable link-local address',
      20000,
      () => guest('ip -6 addr show dev eth0 scope link'),
      (x) => x.includes('fe80::') && !x.includes('tentative'),
    );
    await guest(
      'cp /data/cases/v6.conf /etc/keepalived/keepalived.conf && ' +
        `kill -HUP $(pidof halb | tr ' ' '\\n' | sort -n | head -1)`,
    );
    for (const vip of [NAT_VIP6, DR_VIP6])
      await until(
        `both servers under ${vip}`,
        60000,
        () => listed(vip),
        (x) => x.length === 2,
      );
    assert.equal((await guest('cat /proc/sys/net/ipv6/conf/all/forwarding')).trim(), '1');
    // The real servers accept redirects (a host's default): only halb's rule keeps them on the path.
    await until(
      "halb's redirect rule",
      30000,
      async () => vm.console.output,
      (o) => o.includes('ICMPv6 redirects from this box dropped (nftables table ip6 halb_nat)'),
    );
    const nat = await until(
      'the NAT VIP to answer',
      30000,
      () => t.get(`[${NAT_VIP6}]`, 6),
      (a) => a.length === 6 && !a.some((x) => x.startsWith('error')),
    );
    assert.deepEqual(names(nat), ['rs1', 'rs2']);
    assert.deepEqual(names(await t.get(`[${DR_VIP6}]`, 6)), ['rs1', 'rs2']);
  });

  it('a stopped real server leaves both; all traffic goes to the other', async () => {
    await t.stop('rs2');
    for (const vip of [NAT_VIP6, DR_VIP6])
      await until(
        `rs2 out of ${vip}`,
        60000,
        () => listed(vip),
        (x) => x.join() === 'rs1',
      );
    assert.deepEqual(await t.get(`[${NAT_VIP6}]`, 3), ['rs1', 'rs1', 'rs1']);
    assert.deepEqual(await t.get(`[${DR_VIP6}]`, 3), ['rs1', 'rs1', 'rs1']);
  });
});
