import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  dumpFileName,
  instanceIdent,
  instanceNaming,
  pidFilePath,
} from '../../src/config/instance-naming';
import { PidFile, runStateDir } from '../../src/daemon/pid-file';
import { loadText } from '../rigs/config-text';

const VRRP = `vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
    priority 100
    virtual_ipaddress {
        192.0.2.100/24
    }
}
`;

function naming(top: string) {
  const loaded = loadText(top + VRRP);
  assert.deepEqual(
    loaded.diagnostics.map((d) => d.message),
    [],
    'instance, use_pid_dir and data_use_instance load without a word',
  );
  return { n: instanceNaming(loaded.model), model: loaded.model };
}

describe('instance naming (keepalived main.c / pidfile.c)', () => {
  it('places the pid file as keepalived 2.2.7 does, a -p given first', () => {
    const plain = naming('').n;
    assert.equal(pidFilePath(plain, undefined, true), '/run/keepalived.pid');
    assert.equal(pidFilePath(plain, undefined, false), undefined, 'halb run: none unless asked');
    assert.equal(pidFilePath(plain, '/x/k.pid', false), '/x/k.pid');
    const dir = naming('use_pid_dir\n').n;
    assert.equal(pidFilePath(dir, undefined, true), '/run/keepalived/keepalived.pid');
    assert.equal(pidFilePath(dir, undefined, false), '/run/keepalived/keepalived.pid');
    const inst = naming('instance edge\n').n;
    assert.equal(pidFilePath(inst, undefined, false, '/r'), '/r/keepalived/keepalived_edge.pid');
    assert.equal(pidFilePath(inst, '/given.pid', true), '/given.pid');
  });

  it('adds the namespace and instance names to the log ident and the data file', () => {
    const both = { instance: 'edge', netns: 'blue', pidDir: true };
    assert.equal(instanceIdent('halb', both), 'halb_blue_edge');
    assert.equal(instanceIdent('halb', naming('').n), undefined);
    const { n, model } = naming('instance edge\nglobal_defs {\n data_use_instance\n}\n');
    assert.equal(instanceIdent('halb', n), 'halb_edge');
    assert.equal(dumpFileName('keepalived.data', n, model), 'keepalived.edge.data');
    assert.equal(dumpFileName('keepalived.data', both, model), 'keepalived.blue_edge.data');
    const off = naming('instance edge\nglobal_defs {\n data_use_instance false\n}\n');
    assert.equal(dumpFileName('keepalived.data', off.n, off.model), 'keepalived.data');
    const unset = naming('instance edge\n');
    assert.equal(dumpFileName('keepalived.data', unset.n, unset.model), 'keepalived.data');
  });

  it('writes the pid file whole and removes the directory it made, unless shared', () => {
    const top = fs.mkdtempSync(path.join(os.tmpdir(), 'halb-pid-'));
    try {
      const a = new PidFile(path.join(top, 'keepalived', 'keepalived_a.pid'));
      const b = new PidFile(path.join(top, 'keepalived', 'keepalived_b.pid'));
      a.write(1234);
      b.write(5678);
      assert.equal(fs.readFileSync(a.file as string, 'utf8'), '1234\n');
      assert.deepEqual(fs.readdirSync(path.join(top, 'keepalived')).sort(), [
        'keepalived_a.pid',
        'keepalived_b.pid',
      ]);
      a.remove();
      assert.ok(fs.existsSync(path.join(top, 'keepalived')), "b's file keeps the directory");
      b.remove();
      a.remove();
      assert.deepEqual(fs.readdirSync(top), []);
      new PidFile(undefined).write();
      assert.equal(runStateDir({}), '/run');
      assert.equal(runStateDir({ HALB_RUNSTATEDIR: 'rel' }), '/run');
      assert.equal(runStateDir({ HALB_RUNSTATEDIR: '/tmp/r' }), '/tmp/r');
    } finally {
      fs.rmSync(top, { recursive: true, force: true });
    }
  });
});
