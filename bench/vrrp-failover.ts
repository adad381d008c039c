/**
 * Failover time, halb against keepalived 2.2.7 in the same run and lab: two
 * nodes of one implementation (priority 150 and 100), an observer capturing on
 * the LAN. Profiles: VRRPv2 at advert_int 1 and VRRPv3 at advert_int 0.05.
 * Events: the master is killed (SIGKILL) or loses its link (the backup waits
 * 3 x advert + skew), or is stopped (SIGTERM: priority 0, skew only).
 * Measured on the wire: from the old master's last advert (its priority-0
 * advert after SIGTERM) to the new master's first advert, and from that advert
 * to its first GARP.
 */
import { Appliance, until } from '../test/rigs/appliance';
import { KeepalivedPeer } from '../test/rigs/keepalived-peer';
import { Lab } from '../test/rigs/netns-lab';
import { readArp, readPcap } from '../test/rigs/pcap';
import { runBench, writeResults } from './report';
import { median, ratio } from './stats';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const VIP = '192.0.2.100';
type Impl = 'halb' | 'keepalived';
type Event = 'SIGKILL' | 'link-down' | 'SIGTERM';
interface Profile {
  readonly name: string;
  readonly version: 2 | 3;
  readonly advertS: number;
}
const PROFILES: readonly Profile[] = [
  { name: 'v2-advert-1s', version: 2, advertS: 1 },
  { name: 'v3-advert-50ms', version: 3, advertS: 0.05 },
];
const EVENTS: readonly Event[] = ['SIGKILL', 'link-down', 'SIGTERM'];
const BACKUP_PRIO = 100;

const conf = (p: Profile, prio: number): string => `vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    version ${p.version}
    virtual_router_id 51
    priority ${prio}
    advert_int ${p.advertS}
    virtual_ipaddress {
        ${VIP}/24
    }
}
`;

/** RFC 5798 6.1: master down interval, or the skew alone after priority 0 (ms). */
function protocolLimitMs(p: Profile, e: Event): number {
  const skew = ((256 - BACKUP_PRIO) * p.advertS) / 256;
  return Math.round((e === 'SIGTERM' ? skew : 3 * p.advertS + skew) * 1000 * 10) / 10;
}

interface Node {
  start(): void;
  kill(sig: NodeJS.Signals): Promise<void>;
  state(): Promise<string>;
}

function node(impl: Impl, lab: Lab, host: string, text: string): Node {
  if (impl === 'halb') {
    const a = new Appliance(lab, host, text);
    return {
      start: () => void a.start(),
      kill: async (s) => void (await a.proc?.kill(s)),
      state: () => a.state(),
    };
  }
  const k = new KeepalivedPeer(lab, host, text);
  return { start: () => void k.start(), kill: (s) => k.kill(s), state: async () => k.state() };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function once(
  impl: Impl,
  p: Profile,
  event: Event,
): Promise<{ failoverMs: number; garpAfterAdvertMs: number }> {
  const lab = await Lab.create({ hosts: ['a', 'b', 'obs'] });
  const a = node(impl, lab, 'a', conf(p, 150));
  const b = node(impl, lab, 'b', conf(p, BACKUP_PRIO));
  try {
    const cap = await lab.capture('obs', 'proto 112 or arp');
    a.start();
    b.start();
    await until(
      'a master',
      20000,
      async () => [await a.state(), await b.state()],
      (s) => s[0] === 'master' && s[1] === 'backup',
    );
    await sleep(2200);
    if (event === 'link-down') await lab.linkSet('a', false);
    else await a.kill(event);
    await until(
      'b master',
      20000,
      () => b.state(),
      (s) => s === 'master',
    );
    await sleep(500);
    await cap.end();
    const ip = readPcap(cap.file).filter((x) => x.protocol === 112);
    const aAddr = lab.host('a').ipv4;
    const bAddr = lab.host('b').ipv4;
    const fromA = ip.filter((x) => x.src === aAddr);
    const lastA = event === 'SIGTERM' ? fromA.find((x) => x.payload[2] === 0) : fromA.at(-1);
    // The new master's first advert after the old master went quiet.
    const firstB = ip.find((x) => x.src === bAddr && x.timeUs > (lastA?.timeUs ?? 0));
    const garp = readArp(cap.file).find(
      (f) =>
        f.senderIp === VIP &&
        f.targetIp === VIP &&
        f.srcMac === firstB?.srcMac &&
        f.timeUs >= (firstB?.timeUs ?? 0),
    );
    if (!lastA || !firstB || !garp)
      throw new Error(
        `${impl} ${p.name} ${event}: capture incomplete (lastA ${!!lastA}, firstB ${!!firstB}, garp ${!!garp})`,
      );
    return {
      failoverMs: (firstB.timeUs - lastA.timeUs) / 1000,
      garpAfterAdvertMs: (garp.timeUs - firstB.timeUs) / 1000,
    };
  } finally {
    if (event !== 'SIGKILL') await a.kill('SIGKILL').catch(() => undefined);
    await b.kill('SIGKILL').catch(() => undefined);
    await lab.dispose();
  }
}

async function main(): Promise<void> {
  const results: Record<string, Record<string, unknown>> = {};
  for (const p of PROFILES) {
    results[p.name] = {};
    for (const event of EVENTS) {
      const row: Record<string, { failoverMs: number; garpAfterAdvertMs: number; runs: number[] }> =
        {};
      // Alternated, so drifting machine load hits both implementations alike.
      const runs: Record<Impl, { failoverMs: number; garpAfterAdvertMs: number }[]> = {
        halb: [],
        keepalived: [],
      };
      for (let i = 0; i < RUNS; i++)
        for (const impl of ['halb', 'keepalived'] as const)
          runs[impl].push(await once(impl, p, event));
      for (const impl of ['halb', 'keepalived'] as const) {
        const r = runs[impl];
        row[impl] = {
          failoverMs: Math.round(median(r.map((x) => x.failoverMs)) * 10) / 10,
          garpAfterAdvertMs: Math.round(median(r.map((x) => x.garpAfterAdvertMs)) * 100) / 100,
          runs: r.map((x) => Math.round(x.failoverMs * 10) / 10),
        };
      }
      const limitMs = protocolLimitMs(p, event);
      results[p.name]![event] = {
        protocolLimitMs: limitMs,
        ...row,
        overLimitMs: {
          halb: Math.round((row.halb!.failoverMs - limitMs) * 10) / 10,
          keepalived: Math.round((row.keepalived!.failoverMs - limitMs) * 10) / 10,
        },
        failoverRatioHalbToKeepalived: ratio(row.halb!.failoverMs, row.keepalived!.failoverMs),
      };
      console.log(
        `${p.name} ${event}: failover halb ${row.halb!.failoverMs} ms, keepalived ${row.keepalived!.failoverMs} ms (protocol ${limitMs} ms); first GARP after first advert: halb ${row.halb!.garpAfterAdvertMs} ms, keepalived ${row.keepalived!.garpAfterAdvertMs} ms`,
      );
    }
  }
  writeResults('vrrp-failover', {
    date: new Date().toISOString(),
    command: 'node build/bench/vrrp-failover.js',
    runs: RUNS,
    results,
  });
}

runBench(main);
