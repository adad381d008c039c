/**
 * The box's own interface addresses against the real kernel (in a lab
 * namespace): `halb net apply` (the executable, as rcS runs it) brings eth0
 * up with the addresses saved in interfaces.conf; changing them through the
 * rtnetlink adapter adds the new ones and removes only those no longer wanted.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createLogger } from '../../src/core/log';
import { INTERFACES_FILE } from '../../src/store/secrets';
import { SettingsFile } from '../../src/store/settings-file';
import { nodeStoreFs } from '../../src/store/store-fs';
import { binaryPath } from '../rigs/binary';
import { Lab } from '../rigs/netns-lab';

describe('interface addresses (interfaces.conf) on the real kernel', () => {
  let lab: Lab;
  let dataDir: string;

  before(async () => {
    lab = await Lab.create({ hosts: ['box'], lan4: '198.51.100', lan6: '2001:db8:5::' });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'halb-netconf-'));
  });
  after(async () => {
    await lab?.dispose();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const addrs = async (): Promise<string[]> => {
    const r = await lab.exec('box', ['ip', '-o', 'addr', 'show', 'dev', 'eth0']);
    return [...r.stdout.matchAll(/inet6? ([0-9a-f.:]+\/\d+)/g)].map((m) => m[1] as string);
  };

  it('halb net apply sets the saved addresses; a second run changes nothing', async () => {
    const log = createLogger({ ident: 't', detail: false, sink: () => undefined });
    new SettingsFile(path.join(dataDir, INTERFACES_FILE), nodeStoreFs(), log).set(
      'eth0',
      '198.51.100.77/24 2001:db8:5::77/64',
    );
    await lab.exec('box', ['ip', 'link', 'set', 'eth0', 'down']);
    const r = await lab.exec('box', [binaryPath('x64'), 'net', 'apply', '--data-dir', dataDir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /eth0: added 198\.51\.100\.77\/24/);
    assert.match(r.stdout, /eth0: added 2001:db8:5::77\/64/);
    const now = await addrs();
    assert.ok(now.includes('198.51.100.77/24') && now.includes('2001:db8:5::77/64'), now.join(' '));
    const link = await lab.exec('box', ['ip', '-o', 'link', 'show', 'dev', 'eth0']);
    assert.match(link.stdout, /[<,]UP[,>]/);
    const again = await lab.exec('box', [binaryPath('x64'), 'net', 'apply', '--data-dir', dataDir]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout.trim(), '', 'nothing to add the second time');
  });

  it('a change adds the new address and removes only the one no longer wanted', async () => {
    const script = `
      const { InterfaceAddresses } = require(${JSON.stringify(path.resolve(__dirname, '../../src/netconf/apply.js'))});
      const { parseAddressList } = require(${JSON.stringify(path.resolve(__dirname, '../../src/netconf/model.js'))});
      const before = parseAddressList('198.51.100.77/24 2001:db8:5::77/64').value;
      const after = parseAddressList('198.51.100.78/24 2001:db8:5::77/64').value;
      const rt = new InterfaceAddresses();
      rt.apply('eth0', before, after).then((l) => { console.log(l.join('\\n')); rt.dispose(); },
        (e) => { console.error(e.message); process.exit(1); });`;
    const r = await lab.exec('box', [process.execPath, '-e', script]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), [
      'eth0: removed 198.51.100.77/24',
      'eth0: added 198.51.100.78/24',
    ]);
    const now = await addrs();
    assert.ok(now.includes('198.51.100.78/24'), now.join(' '));
    assert.ok(!now.includes('198.51.100.77/24'), now.join(' '));
    assert.ok(now.includes('2001:db8:5::77/64'), 'the unchanged address stays');
    assert.ok(now.includes(`${lab.host('box').ipv4}/24`), "the lab's own address is not touched");
  });
});
