/**
 * Two qemu-x86_64 guests on the lab's private LAN, with a netns host beside
 * them: they reach each other and the host, and nothing else.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { Lab } from '../rigs/netns-lab';
import { Vm } from '../rigs/vm';

describe('guests on a private LAN', () => {
  let lab: Lab;
  let vms: Vm[] = [];
  before(async () => {
    lab = await Lab.create({ hosts: ['client'] });
    vms = await Promise.all([
      Vm.boot({ board: 'qemu-x86_64', lab }),
      Vm.boot({ board: 'qemu-x86_64', lab }),
    ]);
  });
  after(async () => {
    await Promise.all(vms.map((v) => v.dispose()));
    await lab?.dispose();
  });

  it('guests and a namespace host reach each other over the virtual LAN', async () => {
    const addrs = ['192.0.2.201', '192.0.2.202'];
    for (const [i, vm] of vms.entries()) {
      const r = await vm.run(
        `ip addr add ${addrs[i]}/24 dev eth0 && ip link set eth0 up && echo ok`,
      );
      assert.equal(r.code, 0, r.output);
    }
    const g2g = await vms[0]!.run(`ping -c 1 -W 5 ${addrs[1]}`, 30000);
    assert.equal(g2g.code, 0, g2g.output);
    const h2g = await lab.exec('client', ['ping', '-c', '1', '-W', '5', addrs[0]!]);
    assert.equal(h2g.code, 0, h2g.stdout + h2g.stderr);
    const g2h = await vms[1]!.run(`ping -c 1 -W 5 ${lab.host('client').ipv4}`, 30000);
    assert.equal(g2h.code, 0, g2h.output);
  });
});
