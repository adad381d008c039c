/**
 * Health-check throughput: TCP checks per second per core. The checker engine
 * (the code `halb checkers` runs) checks many real servers with a short
 * delay_loop, so it always has work; small TCP servers listen on the same
 * namespace's loopback (in a lab namespace: nothing on the root namespace's
 * network). Checks per CPU-second of the checker process is the number that
 * matters (the machine is shared); the wall-clock rate and the CPU share are
 * written beside it. Target: at least 10,000 per second per core.
 */

import * as os from 'node:os';
import * as path from 'node:path';
import { Pinger } from '../src/checkers/checks/ping';
import { realClock } from '../src/checkers/clock';
import { CheckerEngine } from '../src/checkers/engine';
import { ScriptRunner } from '../src/checkers/scripts';
import type { Logger } from '../src/core/log';
import { setupFromText } from '../test/rigs/checker-setup';
import { Lab } from '../test/rigs/netns-lab';
import { runBench, writeResults } from './report';

const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 10000);
const SERVERS = Number(process.env.BENCH_CHECKERS ?? 2000);
const PORTS = [9001, 9002, 9003, 9004];
const DELAY_LOOP_S = 0.05;
const TOYS = path.resolve(__dirname, '../test/rigs/toy-servers.js');

function config(servers: number): string {
  const out = ['virtual_server 198.51.100.1 80 {', `  delay_loop ${DELAY_LOOP_S}`, '  warmup 0'];
  // The same few listeners, many real servers: 127.0.0.0/8 gives each its own address.
  for (let i = 0; i < servers; i++) {
    const a = `127.0.${Math.floor(i / 250)}.${(i % 250) + 1}`;
    out.push(
      `  real_server ${a} ${PORTS[i % PORTS.length]} {`,
      '    TCP_CHECK {',
      '      connect_timeout 2',
      '    }',
      '  }',
    );
  }
  out.push('}');
  return out.join('\n') + '\n';
}

/** Runs inside the lab namespace: the engine alone in this process, measured. */
async function worker(): Promise<void> {
  let failures = 0;
  const log: Logger = {
    info: (m) => {
      if (m.includes('failed')) failures++;
    },
    warn: () => {},
    error: () => {},
    detail: () => {},
  };
  const engine = new CheckerEngine(
    realClock(),
    Math.random,
    log,
    {
      scripts: new ScriptRunner({ scriptUser: undefined, scriptSecurity: false }),
      pinger: new Pinger(),
    },
    { report: () => {}, removed: () => {} },
  );
  engine.apply(setupFromText(config(SERVERS)));
  await new Promise((r) => setTimeout(r, 2000)); // warm up: JIT, connection churn steady
  const a0 = engine.attempts();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, WINDOW_MS));
  const attempts = engine.attempts() - a0;
  const cpu = process.cpuUsage(c0);
  const wallS = (performance.now() - t0) / 1000;
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const down = [...engine.table().values()].filter((r) => !r.up).length;
  engine.dispose();
  process.stdout.write(JSON.stringify({ attempts, wallS, cpuS, failures, down }) + '\n');
}

async function main(): Promise<void> {
  const lab = await Lab.create({ hosts: ['bench'] });
  try {
    // A deep accept queue: the bench measures the checker, not the listeners' accept().
    await lab.exec('bench', [
      'sysctl',
      '-qw',
      'net.core.somaxconn=65535',
      'net.ipv4.tcp_max_syn_backlog=65535',
    ]);
    for (const port of PORTS) {
      const p = lab.spawn('bench', [process.execPath, TOYS, 'tcp', '0.0.0.0', String(port)]);
      await p.waitFor('listening', 10000, `server on ${port}`);
    }
    // 127.0.0.0/8 on lo answers every address (the kernel's default; said here so it holds).
    await lab.exec('bench', ['ip', 'route', 'replace', 'local', '127.0.0.0/8', 'dev', 'lo']);
    const w = lab.spawn('bench', [process.execPath, __filename, 'worker'], {
      env: { ...process.env, BENCH_WINDOW_MS: String(WINDOW_MS), BENCH_CHECKERS: String(SERVERS) },
    });
    const m = await w.waitFor(/\{.*\}\n/, WINDOW_MS + 60000, 'the worker result');
    const r = JSON.parse(m[0]) as {
      attempts: number;
      wallS: number;
      cpuS: number;
      failures: number;
      down: number;
    };
    const perCore = Math.round(r.attempts / r.cpuS);
    const result = {
      date: new Date().toISOString(),
      what: 'TCP_CHECK attempts by the checker engine against local TCP servers in a lab namespace',
      checkers: SERVERS,
      delayLoopS: DELAY_LOOP_S,
      windowS: Number(r.wallS.toFixed(2)),
      attempts: r.attempts,
      checksPerSecondWall: Math.round(r.attempts / r.wallS),
      checkerCpuSeconds: Number(r.cpuS.toFixed(2)),
      cpuShareOfOneCore: Number((r.cpuS / r.wallS).toFixed(2)),
      checksPerSecondPerCore: perCore,
      target: 10000,
      meetsTarget: perCore >= 10000,
      failedChecks: r.failures,
      serversDownAtEnd: r.down,
      machine: `${os.cpus().length} cores, shared`,
    };
    console.log(JSON.stringify(result, null, 2));
    writeResults('checkers', result);
  } finally {
    await lab.dispose();
  }
}

if (process.argv[2] === 'worker') runBench(worker);
else runBench(main);
