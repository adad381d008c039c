/**
 * make demo: two appliances (the real dist/halb-linux-x64) and a client in
 * network namespaces on one LAN. Prints each appliance's state and front-panel
 * LED live; keys: 1/2 fail that appliance (kill -9), r restart failed ones,
 * q quit. Without a terminal (CI), it plays the same story by itself.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Lab } from '../test/rigs/netns-lab';
import type { Proc } from '../test/rigs/process';
import { ROOT } from '../test/rigs/vm';

const BIN = path.join(ROOT, 'dist', 'halb-linux-x64');
const VIP = '192.0.2.100';

interface Node {
  readonly name: string;
  readonly priority: number;
  readonly conf: string;
  readonly runtime: string;
  proc: Proc | undefined;
}

function config(name: string, priority: number): string {
  return `! ${name}: written by make demo
global_defs {
    router_id ${name}
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority ${priority}
    advert_int 1
    virtual_ipaddress {
        ${VIP}/24
    }
}
`;
}

function start(lab: Lab, n: Node): void {
  n.proc = lab.spawn(n.name, [BIN, 'run', '-f', n.conf, '--runtime-dir', n.runtime], {
    env: { ...process.env, HALB_ADDON_DIR: path.join(lab.dir, 'addons') },
  });
}

async function row(lab: Lab, n: Node): Promise<string> {
  const head = `${n.name.padEnd(5)} prio ${String(n.priority).padStart(3)}`;
  if (!n.proc?.running) return `${head}  DOWN (killed)                       LED off`;
  const r = await lab.exec(n.name, [BIN, 'status', '--json', '--runtime-dir', n.runtime], {
    timeoutMs: 5000,
  });
  if (r.code !== 0) return `${head}  starting...`;
  const s = JSON.parse(r.stdout) as {
    pid: number;
    instances: Array<{ name: string; state: string; vips: string[] }>;
    led: { pattern: string; look: string };
  };
  const states =
    s.instances.length > 0
      ? s.instances.map((i) => `${i.name} ${i.state.toUpperCase()} ${i.vips.join(',')}`).join('; ')
      : 'running, no VRRP engine yet (issue #4)';
  return `${head}  pid ${String(s.pid).padEnd(7)} ${states.padEnd(40)} LED ${s.led.pattern} (${s.led.look})`;
}

async function show(lab: Lab, nodes: Node[], note: string): Promise<void> {
  const rows = await Promise.all(nodes.map((n) => row(lab, n)));
  const vip = await lab.exec('client', ['ping', '-c', '1', '-W', '1', VIP], { timeoutMs: 5000 });
  console.log(`--- ${new Date().toISOString().slice(11, 19)} ${note}`);
  for (const r of rows) console.log(`  ${r}`);
  console.log(`  client -> ${VIP}: ${vip.code === 0 ? 'answers' : 'no answer'}`);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  if (!fs.existsSync(BIN)) throw new Error(`${BIN} missing: run 'make binary'`);
  const lab = await Lab.create({ hosts: ['lb1', 'lb2', 'client'] });
  const nodes: Node[] = [
    {
      name: 'lb1',
      priority: 150,
      conf: path.join(lab.dir, 'lb1.conf'),
      runtime: path.join(lab.dir, 'lb1'),
      proc: undefined,
    },
    {
      name: 'lb2',
      priority: 100,
      conf: path.join(lab.dir, 'lb2.conf'),
      runtime: path.join(lab.dir, 'lb2'),
      proc: undefined,
    },
  ];
  try {
    console.log(`halb demo: ${BIN}`);
    console.log(
      `LAN 192.0.2.0/24 in namespaces ${lab.id}-*; lb1 ${lab.host('lb1').ipv4}, lb2 ${lab.host('lb2').ipv4}, client ${lab.host('client').ipv4}, VIP ${VIP}`,
    );
    for (const n of nodes) {
      fs.writeFileSync(n.conf, config(n.name, n.priority));
      start(lab, n);
    }
    await Promise.all(nodes.map((n) => n.proc!.waitFor('Startup complete', 60000)));
    if (process.stdin.isTTY) await interactive(lab, nodes);
    else await scripted(lab, nodes);
  } finally {
    await lab.dispose();
    console.log('demo: namespaces removed, appliances stopped');
  }
}

async function masterOf(lab: Lab, nodes: Node[]): Promise<Node | undefined> {
  for (const n of nodes) {
    if (!n.proc?.running) continue;
    const r = await lab.exec(n.name, [BIN, 'status', '--json', '--runtime-dir', n.runtime], {
      timeoutMs: 5000,
    });
    if (
      r.code === 0 &&
      (JSON.parse(r.stdout) as { instances: Array<{ state: string }> }).instances.some(
        (i) => i.state === 'master',
      )
    )
      return n;
  }
  return undefined;
}

/** Shows the state every second until `done` holds (or 20 s pass). */
async function watch(
  lab: Lab,
  nodes: Node[],
  note: string,
  done: (m: Node | undefined) => boolean,
): Promise<Node | undefined> {
  for (let i = 0; i < 20; i++) {
    await show(lab, nodes, note);
    const m = await masterOf(lab, nodes);
    if (done(m)) return m;
    await sleep(1000);
  }
  return masterOf(lab, nodes);
}

async function scripted(lab: Lab, nodes: Node[]): Promise<void> {
  console.log('(no terminal: playing the story by itself)');
  const first = await watch(lab, nodes, 'both appliances up, electing', (m) => m !== undefined);
  if (!first) throw new Error('no appliance became MASTER');
  console.log(`>>> ${first.name} is MASTER; failing it (kill -9)`);
  await first.proc?.kill('SIGKILL');
  const second = await watch(
    lab,
    nodes,
    `${first.name} failed (kill -9)`,
    (m) => m !== undefined && m !== first,
  );
  if (!second || second === first) throw new Error('the backup did not take over');
  console.log(`>>> ${second.name} took over; restarting ${first.name}`);
  start(lab, first);
  await first.proc!.waitFor('Startup complete', 60000);
  await watch(
    lab,
    nodes,
    `${first.name} restarted`,
    (m) => m === first || (first.priority <= second.priority && m === second),
  );
  await show(lab, nodes, 'final');
}

async function interactive(lab: Lab, nodes: Node[]): Promise<void> {
  console.log('keys: 1/2 fail that appliance, r restart failed ones, q quit');
  process.stdin.setRawMode(true);
  process.stdin.resume();
  let quit = false;
  let note = 'running';
  process.stdin.on('data', (b: Buffer) => {
    const k = b.toString();
    if (k === 'q' || k === '\u0003') quit = true;
    else if (k === '1' || k === '2') {
      const n = nodes[Number(k) - 1]!;
      void n.proc?.kill('SIGKILL');
      note = `${n.name} failed (kill -9)`;
    } else if (k === 'r') {
      for (const n of nodes) if (!n.proc?.running) start(lab, n);
      note = 'restarted failed appliances';
    }
  });
  while (!quit) {
    await show(lab, nodes, note);
    await sleep(1000);
  }
  process.stdin.setRawMode(false);
  process.stdin.pause();
}

main().catch((err: unknown) => {
  console.error(`demo: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
