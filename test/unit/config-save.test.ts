import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigSaver } from '../../src/daemon/config-save';

describe('config_save_dir (keepalived save_config)', () => {
  it('numbers the reloads, makes a missing directory, and only logs what it cannot do', () => {
    const top = fs.mkdtempSync(path.join(os.tmpdir(), 'halb-save-'));
    const lines: string[] = [];
    const log = { info: (m: string) => lines.push(m), error: (m: string) => lines.push(m) };
    try {
      const saver = new ConfigSaver(log);
      const dir = path.join(top, 'saved');
      saver.save(undefined, 'pre', () => 'unused');
      saver.save(dir, 'pre', () => 'a');
      saver.save(dir, 'post', () => 'b');
      saver.save(dir, 'pre', () => 'c');
      const p = process.pid;
      assert.deepEqual(fs.readdirSync(dir).sort(), [
        `keepalived_vrrp.${p}.1.post`,
        `keepalived_vrrp.${p}.1.pre`,
        `keepalived_vrrp.${p}.2.pre`,
      ]);
      assert.equal(fs.readFileSync(path.join(dir, `keepalived_vrrp.${p}.1.post`), 'utf8'), 'b');
      assert.deepEqual(lines, []);

      const file = path.join(top, 'plain');
      fs.writeFileSync(file, '');
      saver.save(file, 'pre', () => 'x');
      saver.save(path.join(file, 'below'), 'pre', () => 'x');
      assert.equal(lines[0], `config_save_dir ${file} exists and is not a directory`);
      assert.match(lines[1] ?? '', /^config_save_dir .*below: ENOTDIR/);
      assert.equal(lines.length, 2);
    } finally {
      fs.rmSync(top, { recursive: true, force: true });
    }
  });
});
