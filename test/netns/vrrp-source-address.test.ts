/**
 * The address adverts leave from, as addresses come and go, on the lab with
 * the real executable (keepalived_netlink.c): an instance whose interface has
 * no IPv4 address waits in FAULT and starts when one is added; one whose
 * address is removed takes the next (its backup sees the new master address,
 * no failover) or, with none left, goes to FAULT and its backup takes over.
 * And an interface that is down at start (no carrier: the address is there
 * but os.networkInterfaces() does not list it) does not keep the instance
 * from starting once the link is up. With track_src_ip, a configured
 * unicast_src_ip the interface does not hold means FAULT, at start too.
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { Appliance, until } from '../rigs/appliance';
import { Lab } from '../rigs/netns-lab';

const conf = (priority: number): string => `vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority ${priority}
    advert_int 1
    virtual_ipaddress {
        192.0.2.100/24
    }
}
`;

describe('advert source address', () => {
  let lab: Lab;
  after(async () => {
    await lab?.dispose();
  });

  it('waits in FAULT for an address, follows it, and hands over when none is left', async () => {
    lab = await Lab.create({ hosts: ['a', 'b'] });
    await lab.exec('a', ['ip', 'addr', 'flush', 'dev', 'eth0', 'scope', 'global']);
    // state MASTER: without a source it must not be MASTER even for a moment.
    const a = new Appliance(lab, 'a', conf(150).replace('state BACKUP', 'state MASTER'));
    const b = new Appliance(lab, 'b', conf(100));
    a.start();
    b.start();
    const one = async (x: Appliance): Promise<string> => {
      const i = (await x.instances())[0];
      return i ? `${i.state} ${i.masterAddress ?? '-'} ${i.lastTransition?.why ?? ''}` : 'none';
    };
    await until(
      'a in FAULT for want of an address',
      15000,
      () => one(a),
      (s) => /^fault .*no IPv4 address on eth0/.test(s),
    );
    await until(
      'b MASTER',
      15000,
      () => one(b),
      (s) => s.startsWith('master'),
    );
    assert.doesNotMatch(a.proc!.output, /\(VI_1\) Entering MASTER STATE/);

    await lab.exec('a', ['ip', 'addr', 'add', '192.0.2.21/24', 'dev', 'eth0']);
    await until(
      'a MASTER (preempts b)',
      15000,
      () => one(a),
      (s) => s.startsWith('master'),
    );
    await until(
      'b BACKUP of 192.0.2.21',
      15000,
      () => one(b),
      (s) => s.startsWith('backup 192.0.2.21'),
    );

    // Another address, then the first one goes: the adverts follow, nobody fails over.
    await lab.exec('a', ['ip', 'addr', 'add', '198.51.100.11/24', 'dev', 'eth0']);
    await lab.exec('a', ['ip', 'addr', 'del', '192.0.2.21/24', 'dev', 'eth0']);
    await until(
      'b BACKUP of 198.51.100.11',
      15000,
      () => one(b),
      (s) => s.startsWith('backup 198.51.100.11'),
    );
    assert.match(await one(a), /^master/);
    assert.match(a.proc!.output, /\(VI_1\) adverts now leave from 198\.51\.100\.11/);

    await lab.exec('a', ['ip', 'addr', 'del', '198.51.100.11/24', 'dev', 'eth0']);
    await until(
      'a FAULT',
      15000,
      () => one(a),
      (s) => s.startsWith('fault'),
    );
    await until(
      'b MASTER',
      15000,
      () => one(b),
      (s) => s.startsWith('master'),
    );
    assert.ok(!(await a.addresses()).includes('192.0.2.100'));
    assert.doesNotMatch(a.proc!.output + b.proc!.output, /cannot start/);
  });

  it('starts on an interface that is down, and runs once it is up', async () => {
    await lab.dispose();
    lab = await Lab.create({ hosts: ['a'] });
    await lab.linkSet('a', false);
    const a = new Appliance(lab, 'a', conf(150));
    a.start();
    await until(
      'a FAULT (link down)',
      15000,
      () => a.state(),
      (s) => s === 'fault',
    );
    await lab.linkSet('a', true);
    await until(
      'a MASTER',
      15000,
      () => a.state(),
      (s) => s === 'master',
    );
    assert.ok((await a.addresses()).includes('192.0.2.100'));
  });

  it('track_src_ip: FAULT while the interface lacks unicast_src_ip', async () => {
    await lab.dispose();
    lab = await Lab.create({ hosts: ['a', 'b'] });
    const a = new Appliance(
      lab,
      'a',
      conf(150).replace(
        '    advert_int 1',
        `    advert_int 1
    unicast_src_ip 192.0.2.21
    track_src_ip
    unicast_peer {
        ${lab.host('b').ipv4}
    }`,
      ),
    );
    a.start();
    const why = async (): Promise<string> => {
      const i = (await a.instances())[0];
      return i ? `${i.state} ${i.lastTransition?.why ?? ''}` : 'none';
    };
    await until('a FAULT', 15000, why, (s) =>
      /^fault .*eth0 does not hold 192\.0\.2\.21 \(track_src_ip\)/.test(s),
    );
    await lab.exec('a', ['ip', 'addr', 'add', '192.0.2.21/24', 'dev', 'eth0']);
    await until(
      'a MASTER',
      15000,
      () => a.state(),
      (s) => s === 'master',
    );
    // Its unicast adverts reach b from the configured address.
    const cap = await lab.capture('b', 'ip proto 112');
    await new Promise((r) => setTimeout(r, 2500));
    const packets = await cap.stop();
    const sources = new Set(packets.map((p) => (p.ip as Record<string, string>)['ip.src']));
    assert.deepEqual([...sources], ['192.0.2.21']);
    await lab.exec('a', ['ip', 'addr', 'del', '192.0.2.21/24', 'dev', 'eth0']);
    await until(
      'a FAULT again',
      15000,
      () => a.state(),
      (s) => s === 'fault',
    );
    assert.doesNotMatch(a.proc!.output, /cannot start|cannot bind/);
  });
});
