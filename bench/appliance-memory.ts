/**
 * Memory of the whole appliance runtime, as on a box (a board file present):
 * the supervisor, the VRRP daemon and the checker process, with 250 VRRP
 * instances (advert_int 1, all MASTER) and 20 virtual servers x 5 real
 * servers checked by TCP_CHECK every second against a lab host. PSS and RSS of
 * each process after the runtime settled. keepalived 2.2.7 cannot run its
 * checker here (the host kernel has no IPVS), so the same-run reference is
 * keepalived and halb with the VRRP instances only.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Appliance, until } from '../test/rigs/appliance';
import { binaryPath } from '../test/rigs/binary';
import { KeepalivedPeer } from '../test/rigs/keepalived-peer';
import { Lab } from '../test/rigs/netns-lab';
import { ROOT } from '../test/rigs/vm';
import { memoryKb, tree } from './proc-stats';
import { runBench, writeResults } from './report';
import { INSTANCES, lvsConf, RS_PORTS, vrrpConf } from './appliance-conf';

/** Past the runtime's second trim of start-up executable pages (platform/trim.ts, at 20 s). */
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 25000);
const SAMPLE_MS = Number(process.env.BENCH_SAMPLE_MS ?? 40000);
const SAMPLE_EVERY_MS = 5000;
interface PerProcess {
  readonly process: string;
  readonly pssKb: number;
  readonly rssKb: number;
}

function perProcess(pids: number[]): PerProcess[] {
  return pids.map((pid) => {
    let name = String(pid);
    try {
      name = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, 2).join(' ');
      name = name.replace(/^\S*\//, '');
    } catch {
      /* gone */
    }
    return { process: name, ...memoryKb([pid]) };
  });
}

/**
 * The tree's memory in its steady state: sampled every SAMPLE_EVERY_MS from
 * SETTLE_MS to SETTLE_MS + SAMPLE_MS, the largest total PSS reported (pages
 * dropped by a trim and faulted back in by periodic work count).
 */
async function settledMemory(pid: number): Promise<{
  total: object;
  processes: PerProcess[];
  samplesPssKb: number[];
}> {
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  let worst: { total: { pssKb: number }; processes: PerProcess[] } | undefined;
  const samplesPssKb: number[] = [];
  for (let t = 0; t <= SAMPLE_MS; t += SAMPLE_EVERY_MS) {
    if (t > 0) await new Promise((r) => setTimeout(r, SAMPLE_EVERY_MS));
    const pids = tree(pid);
    const total = memoryKb(pids);
    samplesPssKb.push(total.pssKb);
    if (!worst || total.pssKb > worst.total.pssKb) worst = { total, processes: perProcess(pids) };
  }
  return { ...worst!, samplesPssKb };
}

async function halb(
  withChecks: boolean,
  trim = true,
): Promise<{ total: object; processes: PerProcess[] }> {
  const lab = await Lab.create({ hosts: ['lb', 'rs'] });
  try {
    const ports = JSON.stringify(RS_PORTS);
    lab.spawn('rs', [
      process.execPath,
      '-e',
      `for (const p of ${ports}) require('net').createServer((s) => s.end()).listen(p)`,
    ]);
    const conf = vrrpConf() + (withChecks ? lvsConf(lab.host('rs').ipv4) : '');
    const a = new Appliance(lab, 'lb', conf);
    const board = JSON.parse(
      fs.readFileSync(path.join(ROOT, 'board', 'qemu-x86_64', 'board.json'), 'utf8'),
    ) as Record<string, unknown>;
    const boardFile = path.join(lab.dir, 'board.json');
    fs.writeFileSync(boardFile, JSON.stringify({ ...board, watchdog: null, leds: {} }));
    const proc = lab.spawn(
      'lb',
      [binaryPath('x64'), 'run', '-f', a.conf, '--runtime-dir', a.runtime, '--board', boardFile],
      {
        env: {
          ...process.env,
          HALB_ADDON_DIR: path.join(lab.dir, 'addons'),
          ...(trim ? {} : { HALB_TRIM: '0' }),
        },
      },
    );
    await until(
      `${INSTANCES} masters`,
      120000,
      async () => (await a.instances()).filter((i) => i.state === 'master').length,
      (n) => n >= INSTANCES,
    );
    return await settledMemory(proc.pid as number);
  } finally {
    await lab.dispose();
  }
}

async function keepalived(): Promise<{ total: object; processes: PerProcess[] }> {
  const lab = await Lab.create({ hosts: ['lb'] });
  try {
    const k = new KeepalivedPeer(lab, 'lb', vrrpConf());
    const proc = k.start();
    await until(
      `${INSTANCES} masters`,
      120000,
      async () => [...k.states().values()].filter((s) => s === 'master').length,
      (n) => n >= INSTANCES,
    );
    return await settledMemory(proc.pid as number);
  } finally {
    await lab.dispose();
  }
}

runBench(async () => {
  const results = {
    halbWholeRuntime: await halb(true),
    halbVrrpOnly: await halb(false),
    /** What platform/trim.ts saves: the whole runtime again with it off. */
    halbWholeRuntimeNoTrim: await halb(true, false),
    keepalivedVrrpOnly: await keepalived(),
  };
  for (const [k, v] of Object.entries(results))
    console.log(
      `${k}: ${JSON.stringify(v.total)} ${v.processes.map((p) => `${p.process} ${p.pssKb}`).join(', ')}`,
    );
  writeResults('appliance-memory', {
    date: new Date().toISOString(),
    command: 'node build/bench/appliance-memory.js',
    what: `${INSTANCES} VRRP instances (MASTER, advert_int 1) + 20 virtual servers x 5 real servers (TCP_CHECK every 1 s); supervised (board file, no watchdog); PSS/RSS: the largest of samples every ${SAMPLE_EVERY_MS} ms from ${SETTLE_MS} to ${SETTLE_MS + SAMPLE_MS} ms after all were MASTER`,
    target: 'whole runtime within 64 MB PSS',
    results,
  });
});
