/**
 * The preemption matrix on the lab (the rest of it — track_script weight,
 * sync groups, preempt by default — lives in vrrp-failover): B (priority 100)
 * is master alone, then A (higher) arrives: with preempt_delay A waits that
 * long before it takes over; with nopreempt it never does until B goes; an
 * address owner (priority 255) takes over at once.
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { Appliance, reach } from '../rigs/appliance';
import { Lab } from '../rigs/netns-lab';

const conf = (prio: number, extra = '') => `vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority ${prio}
    advert_int 1
    ${extra}
    virtual_ipaddress {
        192.0.2.100/24
    }
}
`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** B master alone first, then A starts. */
async function bThenA(lab: Lab, aPrio: number, aExtra: string): Promise<Appliance[]> {
  const b = new Appliance(lab, 'b', conf(100));
  b.start();
  await reach([b], ['master'], 'b master alone', 15000);
  const a = new Appliance(lab, 'a', conf(aPrio, aExtra));
  a.start();
  return [a, b];
}

describe('preemption', () => {
  const labs: Lab[] = [];
  after(async () => {
    for (const l of labs) await l.dispose();
  });
  const lab = async (): Promise<Lab> => {
    const l = await Lab.create({ hosts: ['a', 'b'] });
    labs.push(l);
    return l;
  };

  it('preempt_delay: the higher priority waits that long before it takes over', async () => {
    const l = await lab();
    const nodes = await bThenA(l, 150, 'preempt_delay 5');
    await reach(nodes, ['master', 'backup'], 'a preempts after the delay', 20000);
    const [a] = await nodes[0]!.instances();
    assert.equal(a?.lastTransition?.why, 'preempting a lower-priority master after preempt_delay');
    // Counted in B's adverts (one a second) rather than in wall-clock time: A
    // heard about five of them before it took over; without the delay it
    // preempts on the first.
    assert.ok(
      (a?.stats?.advertsReceived ?? 0) >= 4,
      `A heard ${a?.stats?.advertsReceived} adverts from B before preempting`,
    );
    assert.ok((await nodes[0]!.addresses()).includes('192.0.2.100'));
  });

  it('nopreempt: the higher priority stays backup until the master goes', async () => {
    const l = await lab();
    const nodes = await bThenA(l, 150, 'nopreempt');
    await reach(nodes, ['backup', 'master'], 'a up as backup', 10000);
    await sleep(4500); // past A's master-down interval: no takeover
    assert.deepEqual(await Promise.all(nodes.map((n) => n.state())), ['backup', 'master']);
    await nodes[1]!.proc!.kill('SIGTERM');
    await reach(nodes, ['master', 'down'], 'a takes over when b stops', 10000);
  });

  it('priority 255: the address owner takes over at once', async () => {
    const l = await lab();
    const nodes = await bThenA(l, 255, '');
    await reach(nodes, ['master', 'backup'], 'the owner is master', 10000);
    const [a] = await nodes[0]!.instances();
    assert.equal(a?.lastTransition?.why, 'address owner (priority 255)');
    assert.doesNotMatch(
      nodes[0]!.proc!.output,
      /Entering BACKUP STATE\n/,
      'the owner never waits as backup',
    );
  });
});
