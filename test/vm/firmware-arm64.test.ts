/** The qemu-arm64 firmware (Debian's arm64 kernel, qemu-system-aarch64 -M virt) boots to halb run too. */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { Vm } from '../rigs/vm';

describe('qemu-arm64 firmware', () => {
  let vm: Vm;
  before(async () => {
    vm = await Vm.boot({ board: 'qemu-arm64' });
  });
  after(async () => {
    await vm?.dispose();
  });

  it('starts halb run from a read-only root on arm64', async () => {
    await vm.waitFor('halb-init: root filesystem is read-only');
    await vm.waitFor('halb: Startup complete', 240000);
    const v = await vm.run('halb version');
    assert.equal(v.code, 0, v.output);
    assert.match(v.output, /node v22\.\d+\.\d+ linux-arm64/);
    assert.match(v.output, /kernel Linux 6\.1\.\S+-arm64 aarch64/);
    assert.doesNotMatch(v.output, /FAILED/);
    const w = await vm.run('touch /probe 2>&1');
    assert.notEqual(w.code, 0);
    assert.match(w.output, /Read-only file system/);
  });
});
