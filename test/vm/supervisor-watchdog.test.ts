/**
 * The supervisor in the qemu-x86_64 firmware, with QEMU's emulated i6300esb:
 * the watchdog is opened with the board's timeout and fed; killing the VRRP
 * daemon child is noticed and it is back within 2 s while the peer (a netns
 * host on the LAN) holds the VIP; a clean stop of halb does not reboot the
 * box; stopping the child's event loop (SIGSTOP) makes the watchdog reset
 * the VM (QEMU runs with -no-reboot, so the reset ends the emulator).
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { Appliance, until } from '../rigs/appliance';
import { Lab } from '../rigs/netns-lab';
import { Vm } from '../rigs/vm';

const conf = (prio: number) => `vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority ${prio}
    advert_int 1
    virtual_ipaddress {
        192.0.2.100/24
    }
}
`;

interface View {
  pid: number;
  children: { name: string; pid: number | null; restarts: number }[];
  watchdog: { identity: string; timeoutS: number; feeding: boolean } | null;
}

describe('supervisor and hardware watchdog (qemu-x86_64)', () => {
  let lab: Lab;
  let vm: Vm;
  let peer: Appliance;
  before(async () => {
    lab = await Lab.create({ hosts: ['peer'] });
    vm = await Vm.boot({ board: 'qemu-x86_64', lab });
    await vm.waitFor('halb: Startup complete');
    peer = new Appliance(lab, 'peer', conf(150));
    peer.start();
  });
  after(async () => {
    await vm?.dispose();
    await lab?.dispose();
  });

  const view = async (): Promise<View> => {
    const r = await vm.run('cat /run/halb/supervisor.json');
    return JSON.parse(r.output) as View;
  };

  it('opens the i6300esb with the board timeout and feeds it', async () => {
    const v = await until('supervisor view', 30000, view, (x) => x.watchdog !== null);
    assert.match(v.watchdog!.identity, /i6300ESB/i);
    assert.equal(v.watchdog!.timeoutS, 10);
    assert.equal(v.watchdog!.feeding, true);
    const s = await vm.run('halb status');
    assert.match(s.output, /watchdog \/dev\/watchdog .* timeout 10 s: fed/);
  });

  it('a killed VRRP child is back within 2 s while the peer holds the VIP', async () => {
    const sup = await view();
    const r = await vm.run(
      `printf '${conf(100).replace(/\n/g, '\\n')}' > /etc/keepalived/keepalived.conf && ` +
        'ip addr add 192.0.2.201/24 dev eth0 && ip link set eth0 up && ' +
        `kill -HUP ${sup.pid} && echo ok`,
    );
    assert.equal(r.code, 0, r.output);
    await until(
      'the VM backup, the peer master',
      30000,
      async () => [(await vm.run('halb status --json')).output, await peer.state()],
      ([s, p]) => /"state": "backup"/.test(s ?? '') && p === 'master',
    );
    const before = await view();
    const child = before.children.find((c) => c.name === 'daemon')!;
    await vm.run(`kill -9 ${child.pid}`);
    const t0 = Date.now();
    const after = await until('the daemon restarted', 10000, view, (v) => {
      const c = v.children.find((x) => x.name === 'daemon')!;
      return c.pid !== null && c.pid !== child.pid;
    });
    const elapsed = Date.now() - t0;
    assert.equal(after.children.find((c) => c.name === 'daemon')!.restarts, child.restarts + 1);
    assert.ok(elapsed < 2000 + 1500, `back in ${elapsed} ms (2 s, plus the console's polling)`);
    assert.equal(await peer.state(), 'master', 'the peer held the VIP throughout');
    assert.ok((await peer.addresses()).includes('192.0.2.100'));
  });

  it('a clean stop of halb does not reboot the box', async () => {
    const v = await view();
    await vm.run(`touch /run/halb/maintenance && kill -TERM ${v.pid}`);
    await vm.waitFor(/halb-init: halb exited with status 0/, 30000);
    await new Promise((r) => setTimeout(r, 15000)); // longer than the 10 s timeout
    const alive = await vm.run('echo alive');
    assert.match(alive.output, /alive/);
    await vm.run('rm /run/halb/maintenance');
    await vm.waitFor(/Supervisor for board qemu-x86_64/, 30000);
    await until('fed again', 30000, view, (x) => x.watchdog?.feeding === true);
  });

  it("a hung child's event loop makes the watchdog reset the box", async () => {
    const v = await until('daemon up', 30000, view, (x) =>
      x.children.some((c) => c.name === 'daemon' && c.pid !== null),
    );
    const child = v.children.find((c) => c.name === 'daemon')!;
    await vm.run(`kill -STOP ${child.pid}`);
    await vm.waitFor(/not feeding the watchdog: daemon silent/, 30000);
    // No reboot command, no rcK: the emulator ends because the i6300esb reset the guest.
    const ended = await Promise.race([
      vm.exited.then(() => 'reset'),
      new Promise((r) => setTimeout(() => r('still running'), 60000)),
    ]);
    assert.equal(ended, 'reset');
    assert.doesNotMatch(vm.outputSince('not feeding the watchdog'), /halb-init: clean stop/);
  });
});
