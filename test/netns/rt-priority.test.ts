/**
 * vrrp_rt_priority puts the VRRP daemon on SCHED_RR, and only it: the checker
 * process and notify scripts it starts run at normal priority, so a checker
 * at full load can never share the adverts' real-time priority (they would
 * take turns of a whole time slice, long enough for a false failover).
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Appliance, until } from '../rigs/appliance';
import { Lab } from '../rigs/netns-lab';

const policy = (pid: number | string): number =>
  Number(/^policy\s*:\s*(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/sched`, 'utf8'))?.[1]);
const SCHED_OTHER = 0;
const SCHED_RR = 2;

describe('vrrp_rt_priority', () => {
  let lab: Lab | undefined;
  after(async () => {
    await lab?.dispose();
  });

  it('the daemon runs SCHED_RR; its checker process and notify scripts do not', async () => {
    lab = await Lab.create({ hosts: ['box', 'rs'] });
    const out = path.join(lab.dir, 'notify.policy');
    const rs = lab.host('rs').ipv4;
    const box = new Appliance(
      lab,
      'box',
      `global_defs {
    vrrp_rt_priority 50
}
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 9
    priority 150
    advert_int 1
    notify_master "/bin/sh -c 'grep ^policy /proc/self/sched > ${out}'"
    virtual_ipaddress {
        192.0.2.100/24
    }
}
virtual_server 192.0.2.100 80 {
    delay_loop 1
    protocol TCP
    real_server ${rs} 81 {
        TCP_CHECK {
            connect_timeout 1
        }
    }
}
`,
    );
    const proc = box.start();
    await until(
      'MASTER',
      20000,
      () => box.state(),
      (s) => s === 'master',
    );
    const started = await proc.waitFor(/Starting Healthcheck child process, pid=(\d+)/, 10000);
    assert.equal(policy(proc.pid as number), SCHED_RR, 'the VRRP daemon');
    assert.equal(policy(started[1] as string), SCHED_OTHER, 'the checker process');
    await until(
      'the notify script',
      10000,
      async () => fs.existsSync(out),
      (x) => x,
    );
    await until(
      'its output',
      10000,
      async () => fs.readFileSync(out, 'utf8'),
      (t) => t !== '',
    );
    assert.match(fs.readFileSync(out, 'utf8'), new RegExp(`:\\s*${SCHED_OTHER}\\s*$`, 'm'));
  });
});
