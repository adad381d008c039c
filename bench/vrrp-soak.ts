/**
 * No false failover under load, halb against keepalived 2.2.7 in the same run
 * and lab: a halb pair (VRID 61) and a keepalived pair (VRID 62), both VRRPv3
 * at advert_int 0.05 (master-down interval about 170 ms for the backup), run
 * for SOAK_S seconds (default 600) while a CPU hog spins on every core. A
 * false failover is any change of state after the start; the capture gives
 * each master's largest gap between adverts (a gap over the master-down
 * interval is a failover the backup would be right to take).
 * SOAK_CHECKERS=N adds the health checkers at full load to both halb boxes:
 * N real servers (TCP_CHECK every second) on a host of the lab. keepalived's
 * checker cannot run here (no IPVS in the host kernel): its pair stays
 * VRRP-only. Those results go to vrrp-soak-checkers.json.
 */
import * as os from 'node:os';
import { Appliance, until } from '../test/rigs/appliance';
import { KeepalivedPeer } from '../test/rigs/keepalived-peer';
import { Lab } from '../test/rigs/netns-lab';
import { readPcap } from '../test/rigs/pcap';
import type { Proc } from '../test/rigs/process';
import { runBench, writeResults } from './report';
import { ratio } from './stats';

const SOAK_S = Number(process.env.SOAK_S ?? 600);
/**
 * How both daemons are scheduled, with the same keepalived.conf keywords:
 * 'rt' (vrrp_rt_priority 50, SCHED_RR, what an appliance runs), 'nice'
 * (vrrp_priority -20) or 'default'.
 */
const SCHED = process.env.SOAK_SCHED ?? 'rt';
const GLOBALS =
  SCHED === 'rt'
    ? 'global_defs {\n    vrrp_rt_priority 50\n}\n'
    : SCHED === 'nice'
      ? 'global_defs {\n    vrrp_priority -20\n}\n'
      : '';
const CHECKED = Number(process.env.SOAK_CHECKERS ?? 0);
const RS_PORTS = 50;

/** CHECKED real servers over virtual servers of RS_PORTS each, on the lab host `rs`. */
function checked(rs: string): string {
  let s = '';
  for (let v = 0; v * RS_PORTS < CHECKED; v++) {
    s += `virtual_server 192.0.2.${200 + (v % 50)} ${1000 + v} {\n    delay_loop 1\n    lb_algo rr\n    lb_kind NAT\n    protocol TCP\n`;
    for (let r = 0; r < RS_PORTS && v * RS_PORTS + r < CHECKED; r++)
      s += `    real_server ${rs} ${9000 + r} {\n        TCP_CHECK {\n            connect_timeout 1\n        }\n    }\n`;
    s += '}\n';
  }
  return s;
}

const conf = (vrid: number, prio: number): string => `${GLOBALS}vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    version 3
    virtual_router_id ${vrid}
    priority ${prio}
    advert_int 0.05
    virtual_ipaddress {
        203.0.113.${vrid}/24
    }
}
`;

function gaps(timesUs: number[]): { maxMs: number; p999Ms: number; count: number } {
  const g = timesUs.slice(1).map((t, i) => (t - (timesUs[i] as number)) / 1000);
  g.sort((a, b) => a - b);
  return {
    maxMs: Math.round((g.at(-1) ?? 0) * 10) / 10,
    p999Ms: Math.round((g[Math.floor(g.length * 0.999)] ?? 0) * 10) / 10,
    count: timesUs.length,
  };
}

async function main(): Promise<void> {
  const lab = await Lab.create({ hosts: ['h1', 'h2', 'k1', 'k2', 'obs', 'rs'] });
  const hogs: Proc[] = [];
  try {
    let lvs = '';
    if (CHECKED > 0) {
      lab.spawn('rs', [
        process.execPath,
        '-e',
        // TCP_CHECK resets the connection once it is up: the server ignores the reset.
        `for (let p = 9000; p < ${9000 + RS_PORTS}; p++) require('net').createServer((s) => { s.on('error', () => {}); s.end(); }).listen(p)`,
      ]);
      lvs = checked(lab.host('rs').ipv4);
    }
    const h = [
      new Appliance(lab, 'h1', conf(61, 150) + lvs),
      new Appliance(lab, 'h2', conf(61, 100) + lvs),
    ];
    const k = [
      new KeepalivedPeer(lab, 'k1', conf(62, 150)),
      new KeepalivedPeer(lab, 'k2', conf(62, 100)),
    ];
    h.forEach((x) => x.start());
    k.forEach((x) => x.start());
    await until(
      'both pairs elected',
      20000,
      async () => [await h[0]!.state(), await h[1]!.state(), k[0]!.state(), k[1]!.state()],
      (s) => s.join() === 'master,backup,master,backup',
    );
    const before = await Promise.all(h.map(async (x) => (await x.instances())[0]?.stats));
    const kLines = k.map(
      (x) => (x.proc?.output.match(/Entering (MASTER|BACKUP|FAULT) STATE/g) ?? []).length,
    );
    const cap = await lab.capture('obs', 'proto 112');
    for (let i = 0; i < os.cpus().length; i++)
      hogs.push(lab.spawn('obs', ['sh', '-c', 'while :; do :; done']));
    console.log(`soaking ${SOAK_S} s with ${hogs.length} CPU hogs...`);
    await new Promise((r) => setTimeout(r, SOAK_S * 1000));
    for (const p of hogs) await p.kill('SIGKILL');
    await cap.end();
    const after = await Promise.all(h.map(async (x) => (await x.instances())[0]?.stats));
    const halbChanges = h.reduce(
      (n, _x, i) =>
        n +
        ((after[i]?.becameMaster ?? 0) - (before[i]?.becameMaster ?? 0)) +
        ((after[i]?.releasedMaster ?? 0) - (before[i]?.releasedMaster ?? 0)),
      0,
    );
    const keepalivedChanges = k.reduce(
      (n, x, i) =>
        n +
        (x.proc?.output.match(/Entering (MASTER|BACKUP|FAULT) STATE/g) ?? []).length -
        (kLines[i] ?? 0),
      0,
    );
    const pkts = readPcap(cap.file);
    const from = (host: string): number[] =>
      pkts.filter((p) => p.src === lab.host(host).ipv4).map((p) => p.timeUs);
    const result = {
      halb: {
        stateChanges: halbChanges,
        ...(CHECKED > 0
          ? { realServersUpAtEnd: (await h[0]!.status())?.realServers?.filter((r) => r.up).length }
          : {}),
        masterAdvertGaps: gaps(from('h1')),
        backupAdverts: from('h2').length,
      },
      keepalived: {
        stateChanges: keepalivedChanges,
        masterAdvertGaps: gaps(from('k1')),
        backupAdverts: from('k2').length,
      },
    };
    console.log(JSON.stringify(result, null, 2));
    writeResults(CHECKED > 0 ? 'vrrp-soak-checkers' : 'vrrp-soak', {
      date: new Date().toISOString(),
      command: `SOAK_S=${SOAK_S} SOAK_SCHED=${SCHED} SOAK_CHECKERS=${CHECKED} node build/bench/vrrp-soak.js`,
      checkedRealServersPerHalbBox: CHECKED,
      soakS: SOAK_S,
      scheduling: SCHED,
      advertIntervalS: 0.05,
      masterDownIntervalMs: 3 * 50 + ((256 - 100) * 50) / 256,
      cpuHogs: hogs.length,
      results: result,
      maxGapRatioHalbToKeepalived: ratio(
        result.halb.masterAdvertGaps.maxMs,
        result.keepalived.masterAdvertGaps.maxMs,
      ),
    });
  } finally {
    for (const p of hogs) await p.kill('SIGKILL').catch(() => undefined);
    await lab.dispose();
  }
}

runBench(main);
