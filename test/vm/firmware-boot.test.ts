/**
 * The qemu-x86_64 firmware boots to `halb run` from a read-only root, answers
 * on its serial console, refuses writes to /, and keeps what is written to the
 * data partition across a clean reboot and across a power cut.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { Vm } from '../rigs/vm';

describe('qemu-x86_64 firmware', () => {
  let vm: Vm;
  before(async () => {
    vm = await Vm.boot({ board: 'qemu-x86_64' });
  });
  after(async () => {
    await vm?.dispose();
  });

  it('starts halb run from the read-only root', async () => {
    await vm.waitFor('halb-init: root filesystem is read-only');
    await vm.waitFor(/halb: Starting halb v\d+\.\d+\.\d+/);
    await vm.waitFor('halb: Startup complete');
    const mounts = await vm.run('grep " / " /proc/mounts');
    assert.match(mounts.output, /squashfs ro/);
    const ps = await vm.run('pidof halb');
    assert.equal(ps.code, 0, 'halb is running');
  });

  it('answers halb version over the serial console', async () => {
    const r = await vm.run('halb version');
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /^halb \d+\.\d+\.\d+ \(.+\) node v22\.\d+\.\d+ linux-x64$/m);
    // Addons load in place from the read-only root, nothing unpacked.
    assert.match(r.output, /addon netlink: installed \/usr\/lib\/halb\/addons\/netlink\.node/);
    assert.match(r.output, /addon halb_sys: installed /);
    const status = await vm.run('halb status --json');
    assert.equal(status.code, 0, status.output);
    assert.equal(JSON.parse(status.output).board, 'qemu-x86_64');
  });

  it('refuses writes to the root filesystem', async () => {
    const r = await vm.run('echo x > /halb-probe 2>&1; touch /etc/halb-probe 2>&1');
    assert.notEqual(r.code, 0);
    assert.match(r.output, /Read-only file system/);
  });

  it('keeps data-partition files across a clean reboot and a power cut', async () => {
    const stamp = `probe-${Date.now()}`;
    let r = await vm.run(
      `echo ${stamp} > /data/probe && echo edited > /etc/keepalived/user-file && sync`,
    );
    assert.equal(r.code, 0, r.output);
    await vm.reboot();
    await vm.waitFor('halb-init: data partition /dev/vdb mounted on /data');
    r = await vm.run('cat /data/probe /etc/keepalived/user-file');
    assert.equal(r.output.trim(), `${stamp}\nedited`);

    r = await vm.run(`echo after-cut-${stamp} > /data/probe2 && sync`);
    assert.equal(r.code, 0);
    await vm.powerCut();
    vm.powerOn();
    await vm.waitFor('halb-init: data partition /dev/vdb mounted on /data');
    r = await vm.run('cat /data/probe2');
    assert.equal(r.output.trim(), `after-cut-${stamp}`);
  });
});
