/**
 * Live traffic through the firmware's IPVS (qemu-x86_64, one boot for the
 * file): a client namespace sends HTTP requests to a NAT VIP and a DR VIP
 * that halb holds (a VRRP instance) and programs; two real servers in lab
 * namespaces answer with their names (test/rigs/lvs-traffic.ts has the
 * topology). A stopped real server leaves after exactly retry + 1 failed
 * checks (counted in halb's log lines), traffic follows the table, the sorry
 * server takes over when both are down, inhibit_on_failure keeps weight 0,
 * and a reload that changes one weight edits only that entry while a
 * keep-alive connection to the other server goes on answering. Debian's
 * ipvsadm in the guest is the oracle for the table.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { until } from '../rigs/appliance';
import { IPVSADM, toolsDisk, type ToolsDisk } from '../rigs/ipvs-tools';
import {
  DR_VIP,
  LB_ADDRESS,
  LB_CLIENT_SIDE,
  NAT_VIP,
  REAL_SERVERS,
  TrafficLab,
} from '../rigs/lvs-traffic';
import { Vm } from '../rigs/vm';

/** TCP_CHECK retries on the NAT side: a server leaves after RETRY + 1 failed attempts. */
const RETRY = 2;

function config(t: TrafficLab, rs1NatWeight: number, rs2NatWeight = 1): string {
  const rs = (host: string, weight: number, check: string, extra = ''): string =>
    `    real_server ${t.ip(host)} 80 {\n        weight ${weight}\n${extra}${check}    }\n`;
  const tcp = `        TCP_CHECK {\n            connect_timeout 1\n            retry ${RETRY}\n            delay_before_retry 1\n            log_all_failures\n        }\n`;
  const http = `        HTTP_GET {\n            url {\n                path /\n                status_code 200\n            }\n            connect_timeout 1\n            retry 1\n            delay_before_retry 1\n        }\n`;
  return `vrrp_instance LB {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 150
    advert_int 1
    virtual_ipaddress {
        ${NAT_VIP}/32
        ${DR_VIP}/32
    }
}
virtual_server ${NAT_VIP} 80 {
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol TCP
    sorry_server ${t.ip('sorry')} 80
${rs('rs1', rs1NatWeight, tcp)}${rs('rs2', rs2NatWeight, tcp)}}
virtual_server ${DR_VIP} 80 {
    delay_loop 1
    lb_algo rr
    lb_kind DR
    protocol TCP
${rs('rs1', 1, http, '        inhibit_on_failure\n')}${rs('rs2', 1, http, '        inhibit_on_failure\n')}}
`;
}

describe('live traffic through IPVS, NAT and DR (qemu-x86_64)', () => {
  let t: TrafficLab;
  let vm: Vm;
  let disk: ToolsDisk;
  let marks = 0;

  before(async () => {
    t = await TrafficLab.create();
    for (const host of [...REAL_SERVERS, 'sorry']) await t.serve(host);
    disk = toolsDisk({
      'traffic.conf': config(t, 1),
      'reload.conf': config(t, 3),
      'down-reload.conf': config(t, 4, 2),
    });
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

  const table = async (): Promise<string> => (await vm.run(`${IPVSADM} -Ln`)).output;
  const guest = async (cmd: string): Promise<string> => {
    const r = await vm.run(cmd);
    assert.equal(r.code, 0, `${cmd}: ${r.output}`);
    return r.output;
  };
  const reload = (file: string): Promise<string> =>
    guest(
      `cp /data/cases/${file} /etc/keepalived/keepalived.conf && ` +
        `kill -HUP $(pidof halb | tr ' ' '\\n' | sort -n | head -1)`,
    );
  /** A line in the console output from here on: what halb logs after it. */
  const mark = async (): Promise<string> => {
    const m = `@@mark-${++marks}@@`;
    await guest(`echo ${m.slice(0, 2)}""${m.slice(2)}`);
    return m;
  };
  const sysctl = async (knob: string): Promise<string> =>
    (await guest(`cat /proc/sys/net/${knob}`)).trim();
  const since = (m: string): string => vm.outputSince(m);
  /** "-> ADDRESS:80 FORWARD WEIGHT" in the table's block of one virtual server. */
  const dest = (tab: string, vip: string, host: string): string | undefined => {
    const block = tab.split(/\n(?=TCP|UDP)/).find((b) => b.startsWith(`TCP  ${vip}:80`));
    const line = block?.split('\n').find((l) => l.includes(`-> ${t.ip(host)}:80 `));
    return line?.trim().split(/\s+/).slice(0, 4).join(' ');
  };
  /** "VIP:80 RS:80" (and "VIP:80" for the service) -> connections counted since the entry was made. */
  const stats = async (): Promise<Map<string, number>> => {
    const out = new Map<string, number>();
    let service = '';
    for (const l of (await guest(`${IPVSADM} -Ln --stats`)).split('\n')) {
      const s = /^TCP\s+(\S+)\s+(\d+)/.exec(l);
      const d = /^\s+->\s+(\S+)\s+(\d+)/.exec(l);
      if (s) out.set((service = s[1] as string), Number(s[2]));
      else if (d) out.set(`${service} ${d[1]}`, Number(d[2]));
    }
    return out;
  };
  /** A keep-alive connection to `vip` that the scheduler gave to `host` (new ones until it does). */
  const keptOn = async (vip: string, host: string) => {
    for (let i = 0; i < 5; i++) {
      const conn = await t.keep(vip);
      const first = await conn.ask();
      if (first.name === host) return { conn, first };
      await conn.close();
    }
    throw new Error(`no connection to ${vip} landed on ${host}`);
  };
  const names = (answers: readonly string[]): string[] => [...new Set(answers)].sort();

  it('starts as a plain router-less box, then programs NAT and DR and turns forwarding on', async () => {
    assert.equal(await sysctl('ipv4/ip_forward'), '0');
    assert.equal(await sysctl('ipv4/conf/all/send_redirects'), '1');
    await guest(
      `ip link set eth0 up && ip addr add ${LB_ADDRESS}/24 dev eth0 && ` +
        `ip addr add ${LB_CLIENT_SIDE}/24 dev eth0`,
    );
    const m = await mark();
    await reload('traffic.conf');
    await until(
      'the VIPs on eth0',
      60000,
      () => guest('ip -o addr show dev eth0'),
      (x) => x.includes(`${NAT_VIP}/32`) && x.includes(`${DR_VIP}/32`),
    );
    const tab = await until('all four destinations', 60000, table, (x) =>
      REAL_SERVERS.every((h) => dest(x, NAT_VIP, h) && dest(x, DR_VIP, h)),
    );
    assert.equal(dest(tab, NAT_VIP, 'rs1'), `-> ${t.ip('rs1')}:80 Masq 1`);
    assert.equal(dest(tab, DR_VIP, 'rs2'), `-> ${t.ip('rs2')}:80 Route 1`);
    assert.equal(await sysctl('ipv4/ip_forward'), '1');
    for (const n of ['all', 'default', 'eth0'])
      assert.equal(await sysctl(`ipv4/conf/${n}/send_redirects`), '0', n);
    assert.match(
      since(m),
      /NAT virtual servers: net\.ipv4\.ip_forward = 1, net\.ipv4\.conf\.all\.send_redirects = 0/,
    );
  });

  it('NAT and DR each reach both real servers', async () => {
    assert.deepEqual(names(await t.get(NAT_VIP, 6)), ['rs1', 'rs2']);
    assert.deepEqual(names(await t.get(DR_VIP, 6)), ['rs1', 'rs2']);
    // NAT replies come in and go out on the same LAN: no ICMP redirect told a
    // real server to go around the balancer.
    const snmp = (await guest('grep ^Icmp: /proc/net/snmp'))
      .split('\n')
      .filter((l) => l.startsWith('Icmp:'));
    const [head, values] = snmp.map((l) => l.split(/\s+/));
    assert.ok(head?.includes('OutRedirects'), snmp.join('\n'));
    assert.equal(values?.[head.indexOf('OutRedirects')], '0', snmp.join('\n'));
    // The kernel counted them: connections on both servers through both VIPs (the
    // kernel's estimator publishes its per-CPU counters every 2 s: polled).
    await until('connections counted on all four entries', 30000, stats, (st) =>
      REAL_SERVERS.every(
        (h) =>
          (st.get(`${NAT_VIP}:80 ${t.ip(h)}:80`) ?? 0) > 0 &&
          (st.get(`${DR_VIP}:80 ${t.ip(h)}:80`) ?? 0) > 0,
      ),
    );
  });

  it('a stopped real server leaves after retry + 1 failed checks; traffic goes to the other; it comes back', async () => {
    const rs2 = `[${t.ip('rs2')}]:tcp:80`;
    const m = await mark();
    await t.stop('rs2');
    const removed = `Removing service ${rs2} from VS [${NAT_VIP}]:tcp:80`;
    await until(
      'rs2 removed (log)',
      60000,
      async () => since(m),
      (x) => x.includes(removed),
    );
    const log = since(m).slice(0, since(m).indexOf(removed));
    // Check cycles, counted: RETRY retried failures ("failed." or "timeout."), then the
    // final one, then the removal (a success in between would have reset the count).
    // A check that passed between the mark and rs2's stop is not one of them.
    const ok = `TCP connection to ${rs2} success.`;
    const failing = log.includes(ok) ? log.slice(log.lastIndexOf(ok) + ok.length) : log;
    const attempts = failing.split(`TCP connection to ${rs2} `).length - 1;
    assert.equal(attempts, RETRY, log);
    assert.ok(log.includes(`TCP_CHECK on service ${rs2} failed after ${RETRY} retries.`), log);
    let tab = await until(
      'rs2 out of NAT, at weight 0 in DR',
      60000,
      table,
      (x) =>
        dest(x, NAT_VIP, 'rs2') === undefined && dest(x, DR_VIP, 'rs2')?.endsWith(' 0') === true,
    );
    assert.equal(dest(tab, DR_VIP, 'rs2'), `-> ${t.ip('rs2')}:80 Route 0`, 'inhibit_on_failure');
    assert.equal(dest(tab, NAT_VIP, 'rs1'), `-> ${t.ip('rs1')}:80 Masq 1`);
    assert.deepEqual(await t.get(NAT_VIP, 4), ['rs1', 'rs1', 'rs1', 'rs1']);
    assert.deepEqual(await t.get(DR_VIP, 4), ['rs1', 'rs1', 'rs1', 'rs1']);

    await t.serve('rs2');
    tab = await until(
      'rs2 back in both',
      60000,
      table,
      (x) =>
        dest(x, NAT_VIP, 'rs2')?.endsWith(' 1') === true &&
        dest(x, DR_VIP, 'rs2')?.endsWith(' 1') === true,
    );
    assert.deepEqual(names(await t.get(NAT_VIP, 6)), ['rs1', 'rs2']);
    assert.deepEqual(names(await t.get(DR_VIP, 6)), ['rs1', 'rs2']);
  });

  it('the sorry server takes over when both are down, and hands back', async () => {
    await t.stop('rs1');
    await t.stop('rs2');
    const tab = await until(
      'only the sorry server in NAT, both at weight 0 in DR',
      60000,
      table,
      (x) =>
        REAL_SERVERS.every(
          (h) => dest(x, NAT_VIP, h) === undefined && dest(x, DR_VIP, h)?.endsWith(' 0'),
        ) && dest(x, NAT_VIP, 'sorry') !== undefined,
    );
    assert.equal(dest(tab, NAT_VIP, 'sorry'), `-> ${t.ip('sorry')}:80 Masq 1`);
    for (const host of REAL_SERVERS)
      assert.equal(dest(tab, DR_VIP, host), `-> ${t.ip(host)}:80 Route 0`, 'inhibit_on_failure');
    assert.deepEqual(await t.get(NAT_VIP, 3), ['sorry', 'sorry', 'sorry']);

    await t.serve('rs1');
    await t.serve('rs2');
    await until(
      'real servers back, sorry server out',
      60000,
      table,
      (x) =>
        dest(x, NAT_VIP, 'sorry') === undefined &&
        REAL_SERVERS.every(
          (h) => dest(x, NAT_VIP, h)?.endsWith(' 1') && dest(x, DR_VIP, h)?.endsWith(' 1'),
        ),
    );
    assert.deepEqual(names(await t.get(NAT_VIP, 6)), ['rs1', 'rs2']);
  });

  it('a reload that changes one weight edits only that entry; a connection to the other server survives', async () => {
    // Keep-alive connections that the scheduler gave to rs2, through each VIP.
    const nat = await keptOn(NAT_VIP, 'rs2');
    const dr = await keptOn(DR_VIP, 'rs2');
    const before = await table();
    const statsBefore = await stats();
    const m = await mark();
    await reload('reload.conf');
    await until(
      'the reload done',
      30000,
      async () => since(m),
      (x) => x.includes('Reload complete'),
    );
    const afterTab = await until(
      'rs1 at weight 3 (NAT)',
      60000,
      table,
      (x) => dest(x, NAT_VIP, 'rs1')?.endsWith(' 3') === true,
    );
    // Every other line is the same (the counters aside).
    const shape = (tab: string): string[] =>
      tab
        .split('\n')
        .filter((l) => /^(TCP|UDP|\s+->)/.test(l))
        .map((l) => l.trim().split(/\s+/).slice(0, 4).join(' '));
    const [b, a] = [shape(before), shape(afterTab)];
    assert.equal(a.length, b.length, `${before}\n${afterTab}`);
    const changed = a.map((l, i) => [b[i], l]).filter(([x, y]) => x !== y);
    assert.deepEqual(changed, [[`-> ${t.ip('rs1')}:80 Masq 1`, `-> ${t.ip('rs1')}:80 Masq 3`]]);
    assert.doesNotMatch(since(m), /Removing service|Adding service|Disabling service/);
    // Nothing was deleted and added again: every entry's connection count went on from where it was.
    const statsAfter = await stats();
    assert.deepEqual([...statsAfter.keys()], [...statsBefore.keys()]);
    for (const [entry, conns] of statsBefore)
      assert.ok(
        (statsAfter.get(entry) ?? -1) >= conns,
        `${entry}: ${conns} -> ${statsAfter.get(entry)}`,
      );
    assert.ok((statsBefore.get(`${NAT_VIP}:80 ${t.ip('rs2')}:80`) ?? 0) > 0);
    // The connections go on: same local port, same server, after the reload.
    for (const [vip, c] of [
      [NAT_VIP, nat],
      [DR_VIP, dr],
    ] as const) {
      for (let i = 0; i < 3; i++) {
        const answer = await c.conn.ask();
        if (answer.name !== c.first.name || answer.port !== c.first.port)
          assert.fail(
            `${vip}: ${JSON.stringify(c.first)} then ${JSON.stringify(answer)}\n` +
              (await guest(`${IPVSADM} -Lnc`)),
          );
      }
      await c.conn.close();
    }
  });

  it('a reload that changes a down server (its weight) keeps it out until its check passes', async () => {
    const rs2 = `[${t.ip('rs2')}]:tcp:80`;
    await t.stop('rs2');
    await until(
      'rs2 down in both',
      60000,
      table,
      (x) =>
        dest(x, NAT_VIP, 'rs2') === undefined && dest(x, DR_VIP, 'rs2')?.endsWith(' 0') === true,
    );
    const m = await mark();
    await reload('down-reload.conf');
    await until(
      'the reload done',
      30000,
      async () => since(m),
      (x) => x.includes('Reload complete'),
    );
    const tab = await until(
      'rs1 at weight 4 (NAT)',
      60000,
      table,
      (x) => dest(x, NAT_VIP, 'rs1')?.endsWith(' 4') === true,
    );
    assert.equal(dest(tab, NAT_VIP, 'rs2'), undefined, tab);
    assert.deepEqual(await t.get(NAT_VIP, 4), ['rs1', 'rs1', 'rs1', 'rs1']);
    await t.serve('rs2');
    await until(
      'rs2 back at its new weight',
      60000,
      table,
      (x) => dest(x, NAT_VIP, 'rs2')?.endsWith(' 2') === true,
    );
    // It went back in once, when its check passed, not at the reload. The
    // kernel's table can show it before the daemon's line has crossed the
    // serial console: wait for the line.
    const programmedLine = `add-dest ${NAT_VIP}:80 (TCP) real server ${t.ip('rs2')}:80`;
    const log = await until(
      'the add-dest line',
      30000,
      async () => since(m),
      (x) => x.includes(programmedLine),
    );
    const added = log.indexOf(`Adding service ${rs2} to VS [${NAT_VIP}]:tcp:80`);
    const programmed = log.indexOf(programmedLine);
    assert.ok(added >= 0 && programmed > added, log);
    assert.ok(!log.includes(`Removing service ${rs2}`), log);
  });

  it('fed the watchdog throughout (checker starts included)', () => {
    assert.doesNotMatch(vm.console.output, /not feeding the watchdog/);
  });
});
