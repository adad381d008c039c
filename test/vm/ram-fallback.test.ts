/**
 * The firmware without its data partition: rcS says so on the console and
 * flags it; halb runs the shipped defaults in RAM, shows the config-error
 * pattern and DATA PARTITION MISSING in its status, and a VRRP instance that
 * nobody saved (written by hand into the RAM config) is not started: no VIP.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import type { DaemonStatus } from '../../src/core/status';
import { Vm } from '../rigs/vm';

const UNSAVED = `vrrp_instance VI_1 {
    interface lo
    virtual_router_id 61
    priority 150
    advert_int 1
    virtual_ipaddress {
        192.0.2.100/32
    }
}`;

describe('qemu-x86_64 firmware without its data partition', () => {
  let vm: Vm;
  before(async () => {
    vm = await Vm.boot({ board: 'qemu-x86_64', noDataDisk: true });
  });
  after(async () => {
    await vm?.dispose();
  });

  const status = async (): Promise<DaemonStatus> => {
    const r = await vm.run('halb status --json');
    assert.equal(r.code, 0, r.output);
    return JSON.parse(r.output.slice(r.output.indexOf('{'))) as DaemonStatus;
  };

  it('says so on the console, in status and on the front panel', async () => {
    await vm.waitFor('running on defaults in RAM');
    await vm.waitFor('halb: Startup complete');
    const s = await status();
    assert.equal(s.configStore?.volatile, true);
    assert.equal(s.led.pattern, 'config-error');
    assert.match((await vm.run('halb status')).output, /DATA PARTITION MISSING/);
  });

  it('does not start a VRRP instance nobody saved', async () => {
    const w = await vm.run(
      `cat >> /etc/keepalived/keepalived.conf <<'EOF'\n${UNSAVED}\nEOF\n` +
        `kill -HUP $(halb status --json | sed -n 's/^  "pid": \\([0-9]*\\),$/\\1/p')`,
    );
    assert.equal(w.code, 0, w.output);
    await vm.waitFor('data partition unavailable', 30000);
    assert.deepEqual((await status()).instances, []);
    const addrs = await vm.run('ip -o addr show dev lo');
    assert.doesNotMatch(addrs.output, /192\.0\.2\.100/);
  });
});
