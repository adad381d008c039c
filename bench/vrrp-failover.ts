/**
 * Failover time, halb against keepalived 2.2.7 in the same run and lab: two
 * nodes of one implementation (priority 150 and 100, advert_int 1, VRRPv2),
 * an observer capturing on the LAN. The master is killed (SIGKILL: the
 * backup waits 3 x advert + skew = 3.609 s) or stopped (SIGTERM: priority 0,
 * skew only = 0.609 s). Measured on the wire: from the old master's last advert
 * (SIGKILL) or its priority-0 advert (SIGTERM) to the new master's first advert,
 * and from that advert to its first GARP.
 */
import { Appliance, until } from '../test/rigs/appliance';
import { KeepalivedPeer } from '../test/rigs/keepalived-peer';
import { Lab } from '../test/rigs/netns-lab';
import { readArp, readPcap } from '../test/rigs/pcap';
import { runBench, writeResults } from './report';
import { median, ratio } from './stats';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const VIP = '192.0.2.100';
const conf = (prio: number): string => `vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority ${prio}
    advert_int 1
    virtual_ipaddress {
        ${VIP}/24
    }
}
`;

interface Node {
  start(): void;
  kill(sig: NodeJS.Signals): Promise<void>;
  state(): Promise<string>;
}

function node(impl: 'halb' | 'keepalived', lab: Lab, host: string, prio: number): Node {
  if (impl === 'halb') {
    const a = new Appliance(lab, host, conf(prio));
    return {
      start: () => void a.start(),
      kill: async (s) => void (await a.proc?.kill(s)),
      state: () => a.state(),
    };
  }
  const k = new KeepalivedPeer(lab, host, conf(prio));
  return { start: () => void k.start(), kill: (s) => k.kill(s), state: async () => k.state() };
}

async function once(
  impl: 'halb' | 'keepalived',
  signal: 'SIGKILL' | 'SIGTERM',
): Promise<{ failoverMs: number; garpAfterAdvertMs: number }> {
  const lab = await Lab.create({ hosts: ['a', 'b', 'obs'] });
  try {
    const a = node(impl, lab, 'a', 150);
    const b = node(impl, lab, 'b', 100);
    const cap = await lab.capture('obs', 'proto 112 or arp');
    a.start();
    b.start();
    await until(
      'a master',
      20000,
      async () => [await a.state(), await b.state()],
      (s) => s[0] === 'master' && s[1] === 'backup',
    );
    await new Promise((r) => setTimeout(r, 2200));
    await a.kill(signal);
    await until(
      'b master',
      20000,
      () => b.state(),
      (s) => s === 'master',
    );
    await new Promise((r) => setTimeout(r, 500));
    await cap.stop();
    const ip = readPcap(cap.file).filter((p) => p.protocol === 112);
    const aAddr = lab.host('a').ipv4;
    const bAddr = lab.host('b').ipv4;
    // SIGKILL: from the last advert of the old master; SIGTERM: from its priority-0 advert.
    const fromA = ip.filter((p) => p.src === aAddr);
    const lastA = signal === 'SIGTERM' ? fromA.find((p) => p.payload[2] === 0) : fromA.at(-1);
    const firstB = ip.find((p) => p.src === bAddr);
    const bMac = ip.find((p) => p.src === bAddr)?.srcMac;
    const garp = readArp(cap.file).find(
      (f) =>
        f.senderIp === VIP &&
        f.targetIp === VIP &&
        f.srcMac === bMac &&
        f.timeUs >= (firstB?.timeUs ?? 0),
    );
    if (!lastA || !firstB || !garp)
      throw new Error(
        `${impl}: capture incomplete (lastA ${!!lastA}, firstB ${!!firstB}, garp ${!!garp})`,
      );
    return {
      failoverMs: (firstB.timeUs - lastA.timeUs) / 1000,
      garpAfterAdvertMs: (garp.timeUs - firstB.timeUs) / 1000,
    };
  } finally {
    await lab.dispose();
  }
}

async function main(): Promise<void> {
  const results: Record<string, unknown> = {};
  for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
    const row: Record<string, { failoverMs: number; garpAfterAdvertMs: number; runs: number[] }> =
      {};
    for (const impl of ['halb', 'keepalived'] as const) {
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await once(impl, signal));
      row[impl] = {
        failoverMs: Math.round(median(runs.map((r) => r.failoverMs))),
        garpAfterAdvertMs: Math.round(median(runs.map((r) => r.garpAfterAdvertMs)) * 100) / 100,
        runs: runs.map((r) => Math.round(r.failoverMs)),
      };
    }
    const limitMs = signal === 'SIGKILL' ? 3609 : 609;
    results[signal] = {
      protocolLimitMs: limitMs,
      ...row,
      failoverRatioHalbToKeepalived: ratio(row.halb!.failoverMs, row.keepalived!.failoverMs),
    };
    console.log(
      `${signal}: failover halb ${row.halb!.failoverMs} ms, keepalived ${row.keepalived!.failoverMs} ms (protocol: ${limitMs} ms); first GARP after first advert: halb ${row.halb!.garpAfterAdvertMs} ms, keepalived ${row.keepalived!.garpAfterAdvertMs} ms`,
    );
  }
  writeResults('vrrp-failover', {
    date: new Date().toISOString(),
    command: 'node build/bench/vrrp-failover.js',
    runs: RUNS,
    advertIntervalS: 1,
    version: 2,
    results,
  });
}

runBench(main);
