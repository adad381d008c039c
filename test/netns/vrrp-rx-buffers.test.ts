/**
 * kernel_rx_buf_size and vrrp_rx_bufs_policy on the real executable: the
 * VRRP socket's receive buffer is the sum of its instances' shares, as the
 * kernel reports it back (getsockopt: twice the request, its bookkeeping
 * counted in; set past rmem_max, as root), and back to the kernel's default
 * when a reload takes the sizing away.
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { Appliance, until } from '../rigs/appliance';
import { Lab } from '../rigs/netns-lab';

const inst = (n: number, extra: string): string => `vrrp_instance VI_${n} {
    interface eth0
    virtual_router_id ${50 + n}
    priority 150
    advert_int 1
${extra}    virtual_ipaddress {
        192.0.2.${100 + n}/24
    }
}
`;

describe('VRRP socket receive buffers', () => {
  let lab: Lab | undefined;
  after(async () => {
    await lab?.dispose();
  });

  it("sum the instances' kernel_rx_buf_size, else the policy's share", async () => {
    lab = await Lab.create({ hosts: ['lb'] });
    const app = new Appliance(
      lab,
      'lb',
      `global_defs {\n    vrrp_rx_bufs_policy 50000\n}\n` +
        inst(1, '    kernel_rx_buf_size 100000\n') +
        inst(2, ''),
    );
    const proc = app.start();
    // 100000 + 50000, past the default rmem_max of 212992 once doubled.
    await proc.waitFor(
      'VRRP socket eth0/4/224.0.0.18: receive buffer 150000 bytes (the kernel reports 300000)',
      20000,
      'the buffer sized',
    );
    await until(
      'MASTER',
      20000,
      () => app.state(),
      (s) => s === 'master',
    );
    // A reload without either: the kernel's default again, as a new socket would have.
    const dflt = (await lab.exec('lb', ['cat', '/proc/sys/net/core/rmem_default'])).stdout.trim();
    fs.writeFileSync(app.conf, inst(1, '') + inst(2, ''));
    process.kill(proc.pid as number, 'SIGHUP');
    await proc.waitFor(
      `VRRP socket eth0/4/224.0.0.18: receive buffer back to the kernel's default (${dflt})`,
      10000,
      'the buffer back',
    );
    assert.equal(await app.state(), 'master');
  });

  it('vrrp_netlink_monitor_rcv_bufs / vrrp_netlink_cmd_rcv_bufs size the netlink sockets', async () => {
    const lab2 = await Lab.create({ hosts: ['nl'] });
    try {
      const app = new Appliance(
        lab2,
        'nl',
        `global_defs {\n    vrrp_netlink_monitor_rcv_bufs 8388608\n    vrrp_netlink_cmd_rcv_bufs 4194304\n}\n` +
          inst(1, ''),
      );
      app.start();
      await until(
        'MASTER',
        20000,
        () => app.state(),
        (st) => st === 'master',
      );
      // The namespace's netlink sockets are the daemon's: the kernel reports twice the request.
      const ss = (await lab2.exec('nl', ['ss', '-f', 'netlink', '-m'])).stdout;
      assert.match(ss, /rtnl:\d+ .*rb16777216/, 'the link and address watchers: 8 MiB');
      assert.match(ss, /rtnl:\d+ .*rb8388608/, 'a request socket: 4 MiB');
    } finally {
      await lab2.dispose();
    }
  });
});
