/**
 * Many instances changing state in the same moment: B is master of 150
 * instances, A (higher priority) arrives and preempts all of them at once, then
 * A is killed and B takes all 150 back at once. Each wave is 150 VIPs removed
 * on one side and added on the other within a few milliseconds, a burst of
 * rtnetlink address events, GARPs and VIP restore checks. The daemon used to
 * abort here (an rtnetlink event socket overran and the netlink package threw
 * an unheard error inside its native callback): both daemons must live
 * through both waves and end with the right VIPs.
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { Appliance, until } from '../rigs/appliance';
import { Lab } from '../rigs/netns-lab';

const N = 150;

function conf(prio: number): string {
  let s = '';
  for (let i = 1; i <= N; i++)
    s += `vrrp_instance VI_${i} {
    state BACKUP
    interface eth0
    virtual_router_id ${i}
    priority ${prio}
    advert_int 1
    virtual_ipaddress {
        198.51.100.${i}/24
    }
}
`;
  return s;
}

const vips = (addrs: string[]): number => addrs.filter((a) => a.startsWith('198.51.100.')).length;

/** Instances of `a` in that state; throws at once (with its log) if its daemon died. */
async function count(a: Appliance, state: string): Promise<number> {
  const proc = a.proc;
  if (proc && !proc.running) {
    const how = await proc.exited;
    await new Promise((r) => setTimeout(r, 300)); // the last output after 'exit'
    throw new Error(
      `${a.host}'s daemon died (${JSON.stringify(how)}):\n${proc.output.slice(-3000)}`,
    );
  }
  return (await a.instances()).filter((i) => i.state === state).length;
}
const masters = (a: Appliance): Promise<number> => count(a, 'master');

describe('mass transition', () => {
  let lab: Lab | undefined;
  after(async () => {
    await lab?.dispose();
  });

  it(`${N} instances preempted at once, then taken back at once: both daemons live, VIPs follow`, async () => {
    lab = await Lab.create({ hosts: ['a', 'b'] });
    const b = new Appliance(lab, 'b', conf(100));
    b.start();
    await until(
      `b master of all ${N}`,
      60000,
      () => masters(b),
      (n) => n === N,
    );
    assert.equal(vips(await b.addresses()), N);

    const a = new Appliance(lab, 'a', conf(200));
    a.start();
    await until(
      `a preempts all ${N}`,
      60000,
      () => masters(a),
      (n) => n === N,
    );
    await until(
      `b backup for all ${N}`,
      30000,
      () => count(b, 'backup'),
      (n) => n === N,
    );
    assert.ok(b.proc?.running, `b's daemon died:\n${b.proc?.output.slice(-2000)}`);
    await until(
      'b let go of every VIP',
      15000,
      async () => vips(await b.addresses()),
      (n) => n === 0,
    );
    assert.equal(vips(await a.addresses()), N);

    await a.proc!.kill('SIGKILL');
    await until(
      `b takes all ${N} back`,
      60000,
      () => masters(b),
      (n) => n === N,
    );
    await until(
      'b holds every VIP again',
      15000,
      async () => vips(await b.addresses()),
      (n) => n === N,
    );
    assert.ok(b.proc?.running, `b's daemon died:\n${b.proc?.output.slice(-2000)}`);
    assert.doesNotMatch(b.proc!.output, /terminate called|Napi::Error/);
  });
});
