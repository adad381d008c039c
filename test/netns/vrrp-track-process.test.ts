/**
 * vrrp_track_process with the real executable and the kernel's process
 * events: a master whose tracked process dies loses its weight (the backup
 * takes over) and gets it back when the process runs again; with weight 0
 * the instance is in FAULT while no such process runs. The tracked program
 * is a copy of sleep under a name of this run, so nothing else matches.
 * The process-event socket's receive buffer is 4 MiB, or
 * process_monitor_rcv_bufs when that is larger (read back with ss).
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { Appliance, until } from '../rigs/appliance';
import { Lab } from '../rigs/netns-lab';
import type { Proc } from '../rigs/process';

function conf(prio: number, track: string, block: string, globals = ''): string {
  return `global_defs {
    router_id tp
${globals}}
${block}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority ${prio}
    advert_int 1
    ${track}
    virtual_ipaddress {
        192.0.2.100/24
    }
}
`;
}

/**
 * The receive buffer (ss's skmem rb: twice what was asked, the kernel's
 * bookkeeping) of the process's connector socket. The connector lives in the
 * initial network namespace, this test's (HALB_INIT_NETNS), where other tests'
 * daemons may have one too: the socket is found by its inode among the
 * process's descriptors, its port id in /proc/net/netlink, and its line in ss
 * by that port id.
 */
function connectorRcvbuf(pid: number): number | undefined {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1] as string);
    } catch {
      /* closed meanwhile */
    }
  }
  // sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode; NETLINK_CONNECTOR is 11.
  const row = fs
    .readFileSync('/proc/net/netlink', 'utf8')
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .find((r) => r[1] === '11' && inodes.has(r[9] as string));
  if (!row) return undefined;
  const port = Number(row[2]);
  const ids = [port, port >= 2 ** 31 ? port - 2 ** 32 : port].map(String);
  const out = execFileSync('ss', ['-f', 'netlink', '-a', '-m'], { encoding: 'utf8' });
  for (const l of out.split('\n')) {
    const m = /connector:\S*\/(-?\d+)\s.*rb(\d+)/.exec(l);
    if (m && ids.includes(m[1] as string)) return Number(m[2]);
  }
  return undefined;
}

describe('vrrp_track_process', () => {
  const labs: Lab[] = [];
  after(async () => {
    for (const l of labs) await l.dispose();
  });

  async function setup(weight: string, globals = '') {
    const lab = await Lab.create({ hosts: ['hi', 'lo'] });
    labs.push(lab);
    const name = `tp${crypto.randomBytes(4).toString('hex')}`;
    const program = path.join(lab.dir, name);
    fs.copyFileSync('/bin/sleep', program);
    fs.chmodSync(program, 0o755);
    const block = `vrrp_track_process SVC {\n    process ${name}\n    ${weight}\n}`;
    const hi = new Appliance(
      lab,
      'hi',
      conf(150, 'track_process {\n        SVC\n    }', block, globals),
    );
    const lo = new Appliance(lab, 'lo', conf(100, '', ''));
    const run = (): Proc => lab.spawn('hi', [program, 'infinity']);
    const states = async (): Promise<string[]> => [await hi.state(), await lo.state()];
    return { lab, hi, lo, run, states };
  }

  it('weight -60: the process dies, the backup takes over; it runs again, the master is back', async () => {
    const { hi, lo, run, states } = await setup('weight -60');
    let svc = run();
    hi.start();
    lo.start();
    await until('election', 20000, states, (s) => s.join() === 'master,backup');
    assert.equal(connectorRcvbuf(hi.proc!.pid!), 2 * 4 * 1024 * 1024);
    await svc.kill('SIGKILL');
    await until('takeover', 15000, states, (s) => s.join() === 'backup,master');
    assert.equal((await hi.instances())[0]?.effectivePriority, 90);
    svc = run();
    await until('back', 15000, states, (s) => s.join() === 'master,backup');
    assert.equal((await hi.instances())[0]?.effectivePriority, 150);
    await hi.proc!.waitFor(/Quorum gained for tracked process SVC/, 5000, 'the log line');
    await svc.kill('SIGKILL');
  });

  it('weight 0: FAULT while no such process runs, out of it when one starts', async () => {
    const { hi, lo, run, states } = await setup('weight 0');
    hi.start();
    lo.start();
    await until('fault', 20000, states, (s) => s.join() === 'fault,master');
    const svc = run();
    await until('recovered', 20000, states, (s) => s.join() === 'master,backup');
    await svc.kill('SIGTERM');
    await until('fault again', 15000, states, (s) => s[0] === 'fault');
  });

  it("process_monitor_rcv_bufs above halb's own 4 MiB sizes the process-event socket", async () => {
    const { hi, run, states } = await setup('weight 0', '    process_monitor_rcv_bufs 16777216\n');
    const svc = run();
    hi.start();
    await until('master', 20000, states, (s) => s[0] === 'master');
    assert.equal(connectorRcvbuf(hi.proc!.pid!), 2 * 16777216);
    await svc.kill('SIGKILL');
  });
});
