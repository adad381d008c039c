/**
 * config_save_dir with the real executable: a reload writes the VRRP
 * process's data before (.pre, the running config) and after (.post, the new
 * one) to keepalived_vrrp.PID.N.*, in a directory it makes when missing
 * (mode 0700), as keepalived 2.2.7's save_config.
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Appliance, until } from '../rigs/appliance';
import { Lab } from '../rigs/netns-lab';
import { masterInstance } from '../rigs/vrrp-conf';

const second = `vrrp_instance VI_2 {
    interface eth0
    virtual_router_id 52
    priority 100
    virtual_ipaddress {
        192.0.2.102/24
    }
}
`;

describe('config_save_dir', () => {
  let lab: Lab | undefined;
  after(async () => {
    await lab?.dispose();
  });

  it('a reload writes the data before and after it', async () => {
    lab = await Lab.create({ hosts: ['a'] });
    const dir = path.join(lab.dir, 'saved');
    const globals = `global_defs {\n    config_save_dir ${dir}\n}\n`;
    const app = new Appliance(lab, 'a', globals + masterInstance());
    const proc = app.start();
    await until(
      'MASTER',
      20000,
      () => app.state(),
      (s) => s === 'master',
    );
    assert.equal(fs.existsSync(dir), false, 'nothing saved at start');

    fs.writeFileSync(app.conf, globals + masterInstance() + second);
    process.kill(proc.pid as number, 'SIGHUP');
    const base = `keepalived_vrrp.${proc.pid}.1`;
    const files = await until(
      'pre and post',
      10000,
      async () => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []),
      (f) => f.length === 2,
    );
    assert.deepEqual(files, [`${base}.post`, `${base}.pre`]);
    assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
    const pre = fs.readFileSync(path.join(dir, `${base}.pre`), 'utf8');
    const post = fs.readFileSync(path.join(dir, `${base}.post`), 'utf8');
    assert.match(pre, /VI_1/);
    assert.doesNotMatch(pre, /VI_2/);
    assert.match(post, /VI_1/);
    assert.match(post, /VI_2/);
  });
});
