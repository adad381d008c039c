/**
 * Two and three halb appliances (the real executable) on one LAN: election by
 * priority and by address on a tie; SIGKILL and SIGTERM of the master each give
 * exactly one new master holding the VIP, which a client namespace reaches
 * (its ARP cache updated by the new master's gratuitous ARP).
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { Appliance, reach, until } from '../rigs/appliance';
import { Lab } from '../rigs/netns-lab';

const VIP = '192.0.2.100';
const conf = (prio: number, extra = '') => `global_defs {
    router_id test
}
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
    priority ${prio}
    advert_int 1
    ${extra}
    virtual_ipaddress {
        ${VIP}/24
    }
}
`;

async function states(nodes: Appliance[]): Promise<string[]> {
  return Promise.all(nodes.map((n) => n.state()));
}

const oneMaster = (s: string[]): boolean =>
  s.filter((x) => x === 'master').length === 1 &&
  s.every((x) => x === 'master' || x === 'backup' || x === 'down');

async function clientMac(lab: Lab): Promise<string | undefined> {
  const r = await lab.exec('client', ['ip', 'neigh', 'show', VIP]);
  return /lladdr ([0-9a-f:]+)/.exec(r.stdout)?.[1];
}

async function macOf(lab: Lab, host: string): Promise<string> {
  const r = await lab.exec(host, ['cat', '/sys/class/net/eth0/address']);
  return r.stdout.trim();
}

describe('halb VRRP failover', () => {
  const labs: Lab[] = [];
  after(async () => {
    for (const l of labs) await l.dispose();
  });

  it('three nodes: the highest priority wins; kill -9 and SIGTERM each hand the VIP to exactly one other', async () => {
    const lab = await Lab.create({ hosts: ['lb1', 'lb2', 'lb3', 'client'] });
    labs.push(lab);
    const nodes = [
      new Appliance(lab, 'lb1', conf(150)),
      new Appliance(lab, 'lb2', conf(120)),
      new Appliance(lab, 'lb3', conf(100)),
    ];
    nodes.forEach((n) => n.start());
    let s = await until(
      'one master',
      20000,
      () => states(nodes),
      (x) => oneMaster(x) && x[0] === 'master',
    );
    assert.deepEqual(s, ['master', 'backup', 'backup']);
    assert.ok((await nodes[0]!.addresses()).includes(VIP), 'the master holds the VIP');
    await until(
      'the client reaches the VIP',
      10000,
      async () => (await lab.exec('client', ['ping', '-c', '1', '-W', '1', VIP])).code,
      (c) => c === 0,
    );
    assert.equal(await clientMac(lab), await macOf(lab, 'lb1'));

    // kill -9: no priority 0, the next priority takes over after the master-down interval.
    await nodes[0]!.proc!.kill('SIGKILL');
    s = await until(
      'lb2 master',
      15000,
      () => states(nodes),
      (x) => x[1] === 'master',
    );
    assert.deepEqual(s, ['down', 'master', 'backup']);
    assert.ok((await nodes[1]!.addresses()).includes(VIP));
    const lb2Mac = await macOf(lab, 'lb2');
    await until(
      'the client ARP cache follows the GARP',
      5000,
      () => clientMac(lab),
      (m) => m === lb2Mac,
    );
    const ping = await lab.exec('client', ['ping', '-c', '1', '-W', '2', VIP]);
    assert.equal(ping.code, 0);

    // SIGTERM: priority 0 first, so lb3 takes over after its skew only; the VIP leaves lb2.
    const t0 = Date.now();
    await nodes[1]!.proc!.kill('SIGTERM');
    s = await until(
      'lb3 master',
      10000,
      () => states(nodes),
      (x) => x[2] === 'master',
    );
    assert.ok(
      Date.now() - t0 < 3000,
      `takeover after priority 0 took ${Date.now() - t0} ms (master-down would be 3.6 s)`,
    );
    assert.equal(s.filter((x) => x === 'master').length, 1);
    assert.ok(!(await nodes[1]!.addresses()).includes(VIP), 'a stopped master releases the VIP');
    assert.ok((await nodes[2]!.addresses()).includes(VIP));
  });

  it('two masters of equal priority meet: the higher address wins', async () => {
    const lab = await Lab.create({ hosts: ['lb1', 'lb2'] });
    labs.push(lab);
    const nodes = [new Appliance(lab, 'lb1', conf(100)), new Appliance(lab, 'lb2', conf(100))];
    // Apart, each becomes master; together, RFC 5798 §6.4.3 keeps the higher primary address.
    await lab.partition('lb1');
    nodes.forEach((n) => n.start());
    await reach(nodes, ['master', 'master'], 'both master apart', 20000);
    await lab.heal('lb1');
    const s = await until(
      'one master',
      10000,
      () => states(nodes),
      (x) => oneMaster(x),
    );
    assert.deepEqual(
      s,
      ['backup', 'master'],
      `lb2 (${lab.host('lb2').ipv4}) is above lb1 (${lab.host('lb1').ipv4})`,
    );
    await new Promise((r) => setTimeout(r, 2500));
    assert.deepEqual(await states(nodes), ['backup', 'master'], 'and it stays so');
  });

  it('link down on the master: it goes FAULT and the backup takes the VIP; link up: it preempts back', async () => {
    const lab = await Lab.create({ hosts: ['lb1', 'lb2'] });
    labs.push(lab);
    const nodes = [new Appliance(lab, 'lb1', conf(150)), new Appliance(lab, 'lb2', conf(100))];
    nodes.forEach((n) => n.start());
    await reach(nodes, ['master', 'backup'], 'lb1 master', 20000);
    await lab.linkSet('lb1', false);
    const s = await until(
      'lb2 takes over',
      15000,
      () => states(nodes),
      (x) => x[0] === 'fault' && x[1] === 'master',
    );
    assert.deepEqual(s, ['fault', 'master']);
    assert.ok(!(await nodes[0]!.addresses()).includes(VIP), 'a FAULT node releases the VIP');
    assert.ok((await nodes[1]!.addresses()).includes(VIP));
    await lab.linkSet('lb1', true);
    await reach(nodes, ['master', 'backup'], 'lb1 preempts', 20000);
  });

  it('dont_track_primary: link down on the master is no FAULT (keepalived: interface faults ignored)', async () => {
    const lab = await Lab.create({ hosts: ['lb1'] });
    labs.push(lab);
    const node = new Appliance(lab, 'lb1', conf(150, 'dont_track_primary'));
    node.start();
    await reach([node], ['master'], 'lb1 master', 20000);
    await lab.linkSet('lb1', false);
    // The test above shows the same link down as FAULT within the same second without it.
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(await node.state(), 'master');
    const [inst] = await node.instances();
    assert.doesNotMatch(inst?.lastTransition?.why ?? '', /down/);
  });

  it('track_script weight pushes the master below its peer, and back', async () => {
    const lab = await Lab.create({ hosts: ['lb1', 'lb2'] });
    labs.push(lab);
    const flag = `${lab.dir}/lb1-broken`;
    const tracked = `track_script {
        chk weight -60
    }`;
    const script = `vrrp_script chk {
    script "/bin/sh -c 'test ! -e ${flag}'"
    interval 1
    fall 1
    rise 1
}
`;
    const nodes = [
      new Appliance(lab, 'lb1', script + conf(150, tracked)),
      new Appliance(lab, 'lb2', conf(100)),
    ];
    nodes.forEach((n) => n.start());
    await reach(nodes, ['master', 'backup'], 'lb1 master', 20000);
    (await import('node:fs')).writeFileSync(flag, '');
    const s = await until(
      'lb2 preempts the weakened lb1',
      15000,
      () => states(nodes),
      (x) => x[0] === 'backup' && x[1] === 'master',
    );
    assert.deepEqual(s, ['backup', 'master']);
    assert.equal((await nodes[0]!.instances())[0]?.effectivePriority, 90);
    (await import('node:fs')).rmSync(flag);
    await reach(nodes, ['master', 'backup'], 'lb1 back', 15000);
  });

  it('SIGHUP: an unchanged instance keeps its state and VIP (no flap); a new one starts, a removed one stops', async () => {
    const lab = await Lab.create({ hosts: ['lb1'] });
    labs.push(lab);
    const vi2 = `vrrp_instance VI_2 {
    interface eth0
    virtual_router_id 52
    priority 100
    advert_int 1
    virtual_ipaddress {
        192.0.2.102/24
    }
}
`;
    const node = new Appliance(lab, 'lb1', conf(150));
    const proc = node.start();
    await until(
      'master',
      20000,
      () => node.state(),
      (s) => s === 'master',
    );
    const before = (await node.instances())[0]!;
    const fs = await import('node:fs');
    const hup = async (text: string, done: RegExp): Promise<void> => {
      fs.writeFileSync(node.conf, text);
      await lab.exec('lb1', ['kill', '-HUP', String(proc.pid)]);
      await proc.waitFor(done, 10000);
    };
    await hup(
      conf(150).replace('router_id test', 'router_id renamed') + vi2,
      /Reload complete \(configuration generation 2\)/,
    );
    const both = await until(
      'VI_2 master too',
      15000,
      () => node.instances(),
      (x) => x.length === 2 && x.every((i) => i.state === 'master'),
    );
    assert.deepEqual(
      both[0]!.lastTransition,
      before.lastTransition,
      'VI_1 did not go through a transition',
    );
    const masters = (): number => proc.output.split('(VI_1) Entering MASTER STATE').length - 1;
    assert.equal(masters(), 1, 'VI_1 became MASTER once only');
    assert.doesNotMatch(proc.output, /restarting the VRRP instances/);
    assert.ok((await node.addresses()).includes('192.0.2.102'));
    await hup(conf(150), /Reload complete \(configuration generation 3\)/);
    const one = await until(
      'VI_2 gone',
      10000,
      () => node.instances(),
      (x) => x.length === 1,
    );
    assert.equal(one[0]!.state, 'master');
    assert.equal(masters(), 1, 'VI_1 still in its first MASTER period');
    assert.ok(
      !(await node.addresses()).includes('192.0.2.102'),
      'the removed instance released its VIP',
    );
    assert.match(proc.output, /\(VI_2\) removed by the reload: stopping it/);
  });

  it('unicast peers: election and failover without multicast', async () => {
    const lab = await Lab.create({ hosts: ['lb1', 'lb2'] });
    labs.push(lab);
    const uni = (me: string, peer: string): string => `unicast_src_ip ${me}
    unicast_peer {
        ${peer}
    }`;
    const a = lab.host('lb1').ipv4;
    const b = lab.host('lb2').ipv4;
    const nodes = [
      new Appliance(lab, 'lb1', conf(150, uni(a, b))),
      new Appliance(lab, 'lb2', conf(100, uni(b, a))),
    ];
    const cap = await lab.capture('lb2', 'proto 112');
    nodes.forEach((n) => n.start());
    await reach(nodes, ['master', 'backup'], 'lb1 master', 20000);
    await new Promise((r) => setTimeout(r, 1500));
    const packets = await cap.stop();
    const dsts = new Set(
      packets.map((p) => ((p.ip as Record<string, string> | undefined) ?? {})['ip.dst']),
    );
    assert.ok(
      dsts.has(b) && !dsts.has('224.0.0.18'),
      `adverts go to the peer only, saw ${[...dsts].join(', ')}`,
    );
    await nodes[0]!.proc!.kill('SIGKILL');
    await until(
      'lb2 master',
      15000,
      () => states(nodes),
      (x) => x[1] === 'master',
    );
  });

  it('vrrp_sync_group: a member in FAULT takes the whole group with it, and back', async () => {
    const lab = await Lab.create({ hosts: ['lb1', 'lb2'] });
    labs.push(lab);
    const flag = `${lab.dir}/vi2-broken`;
    const group = (
      prio: number,
      script: boolean,
    ): string => `${script ? `vrrp_script chk {\n    script "/bin/sh -c 'test ! -e ${flag}'"\n    interval 1\n}\n` : ''}vrrp_sync_group G {
    group {
        VI_1
        VI_2
    }
}
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
    priority ${prio}
    advert_int 1
    virtual_ipaddress {
        192.0.2.100/24
    }
}
vrrp_instance VI_2 {
    interface eth0
    virtual_router_id 52
    priority ${prio}
    advert_int 1
    virtual_ipaddress {
        192.0.2.102/24
    }
    ${script ? 'track_script {\n        chk\n    }' : ''}
}
`;
    const nodes = [
      new Appliance(lab, 'lb1', group(150, true)),
      new Appliance(lab, 'lb2', group(100, false)),
    ];
    nodes.forEach((n) => n.start());
    const all = async (): Promise<string[]> =>
      (await Promise.all(nodes.map((n) => n.instances())))
        .flat()
        .map((i) => `${i.name}:${i.state}`);
    await until(
      'lb1 masters both',
      20000,
      all,
      (x) => x.join() === 'VI_1:master,VI_2:master,VI_1:backup,VI_2:backup',
    );
    (await import('node:fs')).writeFileSync(flag, '');
    const s = await until(
      'the group fails over',
      15000,
      all,
      (x) => x.join() === 'VI_1:fault,VI_2:fault,VI_1:master,VI_2:master',
    );
    assert.deepEqual(s, ['VI_1:fault', 'VI_2:fault', 'VI_1:master', 'VI_2:master']);
    assert.match(
      (await nodes[0]!.instances())[0]!.lastTransition!.why,
      /sync group G: VI_2 is in FAULT/,
    );
    (await import('node:fs')).rmSync(flag);
    await until(
      'the group comes back',
      20000,
      all,
      (x) => x.join() === 'VI_1:master,VI_2:master,VI_1:backup,VI_2:backup',
    );
  });

  it("vrrp_sync_group's own track_script acts on every member: FAULT together, and back", async () => {
    const lab = await Lab.create({ hosts: ['lb1'] });
    labs.push(lab);
    const flag = `${lab.dir}/group-broken`;
    const instance = (name: string, vrid: number, vip: string): string => `vrrp_instance ${name} {
    interface eth0
    virtual_router_id ${vrid}
    priority 150
    advert_int 1
    virtual_ipaddress {
        ${vip}/24
    }
}
`;
    const node = new Appliance(
      lab,
      'lb1',
      `vrrp_script chk {\n    script "/bin/sh -c 'test ! -e ${flag}'"\n    interval 1\n}\n` +
        `vrrp_sync_group G {\n    group {\n        VI_1\n        VI_2\n    }\n    track_script {\n        chk\n    }\n}\n` +
        instance('VI_1', 51, '192.0.2.100') +
        instance('VI_2', 52, '192.0.2.102'),
    );
    node.start();
    const states = async (): Promise<string> =>
      (await node.instances()).map((i) => `${i.name}:${i.state}`).join();
    await until('both master', 20000, states, (x) => x === 'VI_1:master,VI_2:master');
    (await import('node:fs')).writeFileSync(flag, '');
    await until('both FAULT', 15000, states, (x) => x === 'VI_1:fault,VI_2:fault');
    (await import('node:fs')).rmSync(flag);
    await until('both back', 20000, states, (x) => x === 'VI_1:master,VI_2:master');
  });

  it('a VIP removed by someone else while MASTER is put back', async () => {
    const lab = await Lab.create({ hosts: ['lb1'] });
    labs.push(lab);
    const node = new Appliance(lab, 'lb1', conf(150));
    const proc = node.start();
    await until(
      'master with the VIP',
      20000,
      async () => ((await node.state()) === 'master' ? await node.addresses() : []),
      (a) => a.includes(VIP),
    );
    await lab.exec('lb1', ['ip', 'addr', 'del', `${VIP}/24`, 'dev', 'eth0']);
    await until(
      'the VIP is back',
      5000,
      () => node.addresses(),
      (a) => a.includes(VIP),
    );
    assert.match(proc.output, /VIP 192\.0\.2\.100 was removed while MASTER: restoring it/);
    assert.equal(await node.state(), 'master');
  });

  it("writes state changes to the notify FIFO in keepalived's format", async () => {
    const lab = await Lab.create({ hosts: ['lb1'] });
    labs.push(lab);
    const fifo = `${lab.dir}/notify.fifo`;
    const node = new Appliance(
      lab,
      'lb1',
      `global_defs {\n    vrrp_notify_fifo ${fifo}\n}\n` + conf(150),
    );
    node.start();
    await until(
      'the FIFO exists',
      10000,
      async () => (await import('node:fs')).existsSync(fifo),
      (x) => x,
    );
    const reader = lab.spawn('lb1', ['cat', fifo]);
    await reader.waitFor('INSTANCE "VI_1" MASTER 150', 15000);
    assert.match(reader.output, /INSTANCE "VI_1" MASTER 150\n/);
  });

  it('vrrp_notify_fifo_script: runs the reader with the FIFO as its last argument, stops it at stop', async () => {
    const lab = await Lab.create({ hosts: ['lb1'] });
    labs.push(lab);
    const fifo = `${lab.dir}/notify.fifo`;
    const out = `${lab.dir}/read.out`;
    const script = `${lab.dir}/reader.sh`;
    const fs = await import('node:fs');
    fs.writeFileSync(
      script,
      `#!/bin/sh\necho "args: $*" > ${out}\nwhile read -r line; do echo "$line" >> ${out}; done < "$1"\n`,
      { mode: 0o755 },
    );
    const node = new Appliance(
      lab,
      'lb1',
      `global_defs {\n    script_user root\n    enable_script_security\n    vrrp_notify_fifo ${fifo}\n    vrrp_notify_fifo_script ${script}\n}\n` +
        conf(150),
    );
    const proc = node.start();
    await proc.waitFor(`Started FIFO script ${script} ${fifo} as root`, 15000);
    const text = await until(
      "the script's copy of the MASTER line",
      15000,
      async () => (fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : ''),
      (t) => t.includes('INSTANCE "VI_1" MASTER 150'),
    );
    assert.match(text, new RegExp(`^args: ${fifo}\n`), 'the FIFO is the last (only) argument');
    const pids = (await lab.exec('lb1', ['pgrep', '-f', script])).stdout.trim();
    assert.notEqual(pids, '', 'the script runs');
    await proc.kill('SIGTERM');
    await until(
      'the script stopped with the daemon',
      10000,
      async () => (await lab.exec('lb1', ['pgrep', '-f', script])).stdout.trim(),
      (p) => p === '',
    );
  });

  it('enable_script_security refuses a script others could change (the instance goes FAULT)', async () => {
    const lab = await Lab.create({ hosts: ['lb1'] });
    labs.push(lab);
    const fs = await import('node:fs');
    const script = `${lab.dir}/check.sh`;
    fs.writeFileSync(script, '#!/bin/sh\nexit 0\n');
    fs.chmodSync(script, 0o777);
    const node = new Appliance(
      lab,
      'lb1',
      `global_defs {\n    enable_script_security\n}\nvrrp_script chk {\n    script ${script}\n}\n` +
        conf(150, 'track_script {\n        chk\n    }'),
    );
    const proc = node.start();
    await until(
      'fault',
      15000,
      () => node.state(),
      (s) => s === 'fault',
    );
    assert.match(
      proc.output,
      /VRRP_Script\(chk\) refused: '.*check\.sh' is writable by group or others \(enable_script_security\)/,
    );
  });

  it('track_file: value x weight moves the priority; the peer takes over, then gives back', async () => {
    const lab = await Lab.create({ hosts: ['lb1', 'lb2'] });
    labs.push(lab);
    const fs = await import('node:fs');
    const file = `${lab.dir}/lb1-track`;
    const tracked = `${`track_file {
        tf
    }`}`;
    const head = `track_file tf {\n    file ${file}\n    weight -30\n    init_file 0 overwrite\n}\n`;
    const nodes = [
      new Appliance(lab, 'lb1', head + conf(150, tracked)),
      new Appliance(lab, 'lb2', conf(100)),
    ];
    nodes.forEach((n) => n.start());
    await reach(nodes, ['master', 'backup'], 'lb1 master', 20000);
    assert.equal(fs.readFileSync(file, 'utf8').trim(), '0', 'init_file wrote the initial value');
    fs.writeFileSync(file, '2\n');
    await reach(nodes, ['backup', 'master'], 'lb2 takes over', 15000);
    assert.equal((await nodes[0]!.instances())[0]?.effectivePriority, 90);
    fs.writeFileSync(file, '0\n');
    await reach(nodes, ['master', 'backup'], 'lb1 back', 15000);
  });
});
