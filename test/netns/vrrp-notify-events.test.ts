/**
 * keepalived's two event notifications besides state changes, with the real
 * executable: notify_priority_changes writes MASTER_PRIORITY / BACKUP_PRIORITY
 * lines on the notify FIFO when the effective priority moves (here by a
 * track_file), and notify_master_rx_lower_pri runs its script and writes a
 * MASTER_RX_LOWER_PRI line when a MASTER hears a lower priority. A sync
 * group's own scripts and GROUP lines run when all its members agree, and
 * say STOP at shutdown.
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { encodeAdvert } from '../../src/vrrp/packet';
import { Appliance, until } from '../rigs/appliance';
import { Lab } from '../rigs/netns-lab';
import type { Proc } from '../rigs/process';
import { sendFrom } from '../rigs/send-vrrp';

/** `cat` on the notify FIFO once the daemon has made it. */
async function fifoReader(lab: Lab, fifo: string): Promise<Proc> {
  await until(
    'the FIFO exists',
    10000,
    async () => fs.existsSync(fifo),
    (x) => x,
  );
  return lab.spawn('lb1', ['cat', fifo]);
}

describe('notify_priority_changes and notify_master_rx_lower_pri', () => {
  const labs: Lab[] = [];
  after(async () => {
    for (const l of labs) await l.dispose();
  });

  it('FIFO lines for priority changes and a lower-priority advert; the script runs', async () => {
    const lab = await Lab.create({ hosts: ['lb1', 'x'] });
    labs.push(lab);
    const fifo = `${lab.dir}/notify.fifo`;
    const weightFile = `${lab.dir}/weight`;
    const marker = `${lab.dir}/lower.out`;
    const script = `${lab.dir}/lower.sh`;
    fs.writeFileSync(weightFile, '0\n');
    fs.writeFileSync(script, `#!/bin/sh\necho "lower $*" >> ${marker}\n`, { mode: 0o755 });
    const node = new Appliance(
      lab,
      'lb1',
      `global_defs {
    script_user root
    enable_script_security
    vrrp_notify_fifo ${fifo}
}
track_file TF {
    file ${weightFile}
    weight 1
}
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
    priority 150
    advert_int 1
    notify_priority_changes
    notify_master_rx_lower_pri ${script}
    track_file {
        TF
    }
    virtual_ipaddress {
        192.0.2.100/24
    }
}
`,
    );
    const proc = node.start();
    const reader = await fifoReader(lab, fifo);
    await reader.waitFor('INSTANCE "VI_1" MASTER 150', 15000);
    fs.writeFileSync(weightFile, '-10\n');
    await reader.waitFor('INSTANCE "VI_1" MASTER_PRIORITY 140', 15000);
    await proc.waitFor('(VI_1) Changing effective priority from 150 to 140', 5000);
    // A valid advert of priority 50 from another box: the master hears a lower priority.
    const advert = encodeAdvert(
      {
        version: 2,
        vrid: 51,
        priority: 50,
        advertIntervalCs: 100,
        addresses: ['192.0.2.100'],
        authType: 'none',
        authData: Buffer.alloc(8),
      },
      { family: 4, src: lab.host('x').ipv4, dst: '224.0.0.18' },
    );
    await sendFrom(lab, 'x', 255, '224.0.0.18', advert);
    await reader.waitFor('INSTANCE "VI_1" MASTER_RX_LOWER_PRI 140', 10000);
    const ran = await until(
      'the script ran',
      10000,
      async () => (fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8') : ''),
      (t) => t.includes('lower'),
    );
    assert.equal(ran, 'lower \n', 'run without arguments, as keepalived');
    assert.equal(await node.state(), 'master');
  });

  it('a reload that removes instances notifies FAULT, or DELETED with notify_deleted; fifo_write_vrrp_states_on_reload', async () => {
    const lab = await Lab.create({ hosts: ['lb1'] });
    labs.push(lab);
    const fifo = `${lab.dir}/notify.fifo`;
    const instance = (n: number, extra = ''): string => `vrrp_instance VI_${n} {
    interface eth0
    virtual_router_id ${n}
    priority 100
    advert_int 1
    ${extra}
    virtual_ipaddress {
        192.0.2.${100 + n}/24
    }
}
`;
    const globals = `global_defs {\n    vrrp_notify_fifo ${fifo}\n}\n`;
    const node = new Appliance(
      lab,
      'lb1',
      globals + instance(1) + instance(2, 'notify_deleted') + instance(3),
    );
    const proc = node.start();
    const reader = await fifoReader(lab, fifo);
    for (const n of [1, 2, 3]) await reader.waitFor(`INSTANCE "VI_${n}" MASTER 100`, 15000);
    fs.writeFileSync(node.conf, globals + instance(1));
    process.kill(proc.pid as number, 'SIGHUP');
    await reader.waitFor('INSTANCE "VI_2" DELETED 100', 10000);
    await reader.waitFor('INSTANCE "VI_3" FAULT 100', 10000);
    assert.doesNotMatch(reader.output, /VI_[23]" STOP/, 'no STOP for a deleted instance');
    assert.doesNotMatch(reader.output, /VI_1" (STOP|FAULT|DELETED)/, 'the kept one is untouched');

    // fifo_write_vrrp_states_on_reload: the kept instance's state once more, and no flap.
    const count = (): number => reader.output.match(/INSTANCE "VI_1" MASTER 100/g)?.length ?? 0;
    assert.equal(count(), 1);
    fs.writeFileSync(
      node.conf,
      `global_defs {\n    vrrp_notify_fifo ${fifo}\n    fifo_write_vrrp_states_on_reload\n}\n` +
        instance(1),
    );
    process.kill(proc.pid as number, 'SIGHUP');
    await until(
      'the state written again',
      10000,
      async () => count(),
      (n) => n === 2,
    );
    assert.equal(proc.output.match(/\(VI_1\) Entering MASTER STATE/g)?.length, 1, 'no flap');
  });

  it("a sync group's notify scripts and GROUP lines when its members agree, STOP at shutdown", async () => {
    const lab = await Lab.create({ hosts: ['lb1'] });
    labs.push(lab);
    const fifo = `${lab.dir}/notify.fifo`;
    const marks = `${lab.dir}/group.out`;
    const script = `${lab.dir}/group.sh`;
    fs.writeFileSync(script, `#!/bin/sh\necho "$*" >> ${marks}\n`, { mode: 0o755 });
    const inst = (n: number): string => `vrrp_instance VI_${n} {
    interface eth0
    virtual_router_id ${50 + n}
    priority 150
    advert_int 1
    virtual_ipaddress {
        192.0.2.${100 + n}/24
    }
}
`;
    const node = new Appliance(
      lab,
      'lb1',
      `global_defs {
    vrrp_notify_fifo ${fifo}
}
vrrp_sync_group G1 {
    group {
        VI_1
        VI_2
    }
    notify_backup "${script} backup"
    notify_master "${script} master"
    notify_stop "${script} stop"
    notify ${script}
}
${inst(1)}${inst(2)}`,
    );
    const proc = node.start();
    const reader = await fifoReader(lab, fifo);
    await reader.waitFor('GROUP "G1" MASTER 0', 15000);
    await proc.kill('SIGTERM', 10000);
    await reader.waitFor('GROUP "G1" STOP 0', 5000);
    const lines = reader.output.split('\n').filter((l) => l.startsWith('GROUP'));
    assert.deepEqual(lines, ['GROUP "G1" BACKUP 0', 'GROUP "G1" MASTER 0', 'GROUP "G1" STOP 0']);
    const ran = await until(
      'the scripts ran',
      5000,
      async () => (fs.existsSync(marks) ? fs.readFileSync(marks, 'utf8') : ''),
      (t) => t.split('\n').length > 6,
    );
    assert.deepEqual(ran.trim().split('\n').sort(), [
      'GROUP G1 BACKUP 0',
      'GROUP G1 MASTER 0',
      'GROUP G1 STOP 0',
      'backup',
      'master',
      'stop',
    ]);
  });
});
