/**
 * vrrp_track_process with the real executable and the kernel's process
 * events: a master whose tracked process dies loses its weight (the backup
 * takes over) and gets it back when the process runs again; with weight 0
 * the instance is in FAULT while no such process runs. The tracked program
 * is a copy of sleep under a name of this run, so nothing else matches.
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Appliance, until } from '../rigs/appliance';
import { Lab } from '../rigs/netns-lab';
import type { Proc } from '../rigs/process';

function conf(prio: number, track: string, block: string): string {
  return `global_defs {
    router_id tp
}
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

describe('vrrp_track_process', () => {
  const labs: Lab[] = [];
  after(async () => {
    for (const l of labs) await l.dispose();
  });

  async function setup(weight: string) {
    const lab = await Lab.create({ hosts: ['hi', 'lo'] });
    labs.push(lab);
    const name = `tp${crypto.randomBytes(4).toString('hex')}`;
    const program = path.join(lab.dir, name);
    fs.copyFileSync('/bin/sleep', program);
    fs.chmodSync(program, 0o755);
    const block = `vrrp_track_process SVC {\n    process ${name}\n    ${weight}\n}`;
    const hi = new Appliance(lab, 'hi', conf(150, 'track_process {\n        SVC\n    }', block));
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
});
