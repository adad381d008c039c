/**
 * An interface deleted and made again under the same name (a new index), on
 * the lab with the real executable, as keepalived_netlink.c follows it: the
 * instances go to FAULT while it is gone ("Interface eth0 deleted"), and
 * once it is back and up they hear and send adverts again on new sockets.
 * With sockets still bound to the old index the box would be deaf and mute:
 * a backup would become MASTER beside the real one, a master would never be
 * heard again. Both roles, a VMAC instance among them (its macvlan goes with
 * the interface and is made again on the new one). And dynamic_interfaces: an
 * instance whose interface does not exist yet starts when it is made.
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { Appliance, until } from '../rigs/appliance';
import { Lab } from '../rigs/netns-lab';

const conf = (priority: number): string => `vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority ${priority}
    version 3
    advert_int 0.5
    virtual_ipaddress {
        192.0.2.100/24
    }
}
vrrp_instance VI_2 {
    state BACKUP
    interface eth0
    use_vmac vrrp.52
    virtual_router_id 52
    priority ${priority}
    version 3
    advert_int 0.5
    virtual_ipaddress {
        192.0.2.101/24
    }
}
`;

describe('interface deleted and made again', () => {
  let lab: Lab;
  const labs: Lab[] = [];
  after(async () => {
    for (const l of labs) await l.dispose();
  });

  const states = async (x: Appliance): Promise<string> =>
    (await x.instances())
      .map((i) => `${i.name}=${i.state}`)
      .sort()
      .join(' ');

  const vips = async (host: string): Promise<string[]> => {
    const r = await lab.exec(host, ['ip', '-o', '-4', 'addr', 'show']);
    return [...r.stdout.matchAll(/inet (192\.0\.2\.10[01])\//g)].map((m) => m[1] as string).sort();
  };

  it('the backup and then the master come back on new sockets: one master', async () => {
    lab = await Lab.create({ hosts: ['a', 'b'] });
    labs.push(lab);
    const a = new Appliance(lab, 'a', conf(200));
    const b = new Appliance(lab, 'b', conf(100));
    a.start();
    b.start();
    const aMaster = 'VI_1=master VI_2=master';
    const bBackup = 'VI_1=backup VI_2=backup';
    await until(
      'a MASTER',
      20000,
      () => states(a),
      (s) => s === aMaster,
    );
    await until(
      'b BACKUP',
      20000,
      () => states(b),
      (s) => s === bBackup,
    );

    // The backup's interface: gone, back. It must hear a again, not take over.
    await lab.recreateEth0('b');
    await until(
      'b logs the deletion and the return',
      10000,
      async () => b.proc!.output,
      (o) => /Interface eth0 deleted[\s\S]*Interface eth0 added/.test(o),
    );
    await until(
      'b BACKUP again',
      20000,
      () => states(b),
      (s) => s === bBackup,
    );
    // Three master-down intervals (1.5 s and a bit) on: a deaf b would be MASTER by now.
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(await states(b), bBackup);
    assert.equal(await states(a), aMaster);
    assert.deepEqual(await vips('b'), []);
    assert.match(b.proc!.output, /\(VI_2\) VMAC vrrp\.52 .* up on eth0 again/);

    // The master's interface: b takes over while it is gone; a preempts on its return.
    await lab.recreateEth0('a');
    await until(
      'a MASTER again',
      20000,
      () => states(a),
      (s) => s === aMaster,
    );
    await until(
      'b BACKUP once a is heard',
      20000,
      () => states(b),
      (s) => s === bBackup,
    );
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(await states(b), bBackup, 'b hears the master on its new interface');
    assert.equal(await states(a), aMaster);
    assert.deepEqual(await vips('a'), ['192.0.2.100', '192.0.2.101']);
    assert.deepEqual(await vips('b'), []);
    assert.match(b.proc!.output, /\(VI_1\) Entering MASTER STATE/, 'b took over meanwhile');
  });

  it('a socket that cannot be made again is tried again until it is', async () => {
    lab = await Lab.create({ hosts: ['a', 'b'] });
    labs.push(lab);
    const one = (p: number): string => conf(p).slice(0, conf(p).indexOf('vrrp_instance VI_2'));
    const a = new Appliance(lab, 'a', one(200));
    const b = new Appliance(lab, 'b', one(100));
    a.start();
    const proc = b.start();
    await until(
      'a MASTER',
      20000,
      () => states(a),
      (s) => s === 'VI_1=master',
    );
    await until(
      'b BACKUP',
      20000,
      () => states(b),
      (s) => s === 'VI_1=backup',
    );
    // No descriptor left for b (its soft RLIMIT_NOFILE down to its lowest free descriptor):
    // the interface made again (down, no address yet), its new socket cannot be opened.
    const pid = proc.pid as number;
    const limits = fs.readFileSync(`/proc/${pid}/limits`, 'utf8');
    const soft = /Max open files\s+(\d+)/.exec(limits)?.[1] as string;
    const used = new Set(fs.readdirSync(`/proc/${pid}/fd`).map(Number));
    let free = 0;
    while (used.has(free)) free++;
    const prlimit = (n: string) => lab.exec('b', ['prlimit', `--pid=${pid}`, `--nofile=${n}:`]);
    assert.equal((await prlimit(String(free))).code, 0);
    await lab.recreateEth0('b', { bare: true });
    await proc.waitFor(
      /cannot open the VRRP socket on eth0 again: .*; trying again every 1 s/,
      10000,
    );
    assert.equal((await prlimit(soft)).code, 0);
    await proc.waitFor('VRRP sockets on eth0 open again', 10000);
    // Only then the address and the link: no event of theirs made the sockets again.
    await lab.configureEth0('b');
    await until(
      'b BACKUP, hearing a',
      20000,
      () => states(b),
      (s) => s === 'VI_1=backup',
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${proc.output}`);
    });
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(await states(b), 'VI_1=backup', 'b hears the master on its new socket');
    assert.equal(await states(a), 'VI_1=master');
  });

  it('dynamic_interfaces: an instance waits for its interface to be made', async () => {
    lab = await Lab.create({ hosts: ['c'] });
    labs.push(lab);
    const c = new Appliance(
      lab,
      'c',
      `global_defs {
    dynamic_interfaces
}
vrrp_instance VI_9 {
    state BACKUP
    interface eth1
    virtual_router_id 9
    priority 100
    advert_int 1
    virtual_ipaddress {
        203.0.113.100/24
    }
}
`,
    );
    c.start();
    await until(
      'c waits for eth1',
      15000,
      async () => c.proc!.output,
      (o) => /\(VI_9\) interface eth1 does not exist yet: starting when it does/.test(o),
    );
    await lab.addInterfaces('c', ['eth1']);
    await lab.exec('c', ['ip', 'addr', 'add', '203.0.113.1/24', 'dev', 'eth1']);
    await until(
      'VI_9 MASTER on eth1',
      20000,
      () => states(c),
      (s) => s === 'VI_9=master',
    );
    const r = await lab.exec('c', ['ip', '-o', '-4', 'addr', 'show', 'dev', 'eth1']);
    assert.match(r.stdout, /inet 203\.0\.113\.100\//);
  });
});
