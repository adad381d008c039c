/**
 * keepalived's `instance NAME` with the real executable: the pid file goes to
 * RUNSTATEDIR/keepalived/keepalived_NAME.pid (HALB_RUNSTATEDIR stands for /run
 * here), the log ident gains _NAME, SIGUSR1 writes keepalived.NAME.data with
 * data_use_instance, and a clean stop removes the pid file and the directory
 * it made.
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Appliance, until } from '../rigs/appliance';
import { Lab } from '../rigs/netns-lab';
import { masterInstance } from '../rigs/vrrp-conf';

const CONF = `instance lab1
global_defs {
    data_use_instance
}
${masterInstance()}`;

describe('instance names', () => {
  let lab: Lab;
  const saved = { TMPDIR: process.env.TMPDIR, HALB_RUNSTATEDIR: process.env.HALB_RUNSTATEDIR };
  after(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await lab?.dispose();
  });

  it('pid file, log ident and data file carry the instance name; a stop removes the pid file', async () => {
    lab = await Lab.create({ hosts: ['a'] });
    const run = path.join(lab.dir, 'run');
    const tmp = path.join(lab.dir, 'tmp');
    fs.mkdirSync(run);
    fs.mkdirSync(tmp);
    process.env.HALB_RUNSTATEDIR = run;
    process.env.TMPDIR = tmp;
    const hb = new Appliance(lab, 'a', CONF);
    const proc = hb.start();
    await until(
      'MASTER',
      20000,
      () => hb.state(),
      (s) => s === 'master',
    );
    const pidFile = path.join(run, 'keepalived', 'keepalived_lab1.pid');
    assert.equal(fs.readFileSync(pidFile, 'utf8'), `${proc.pid}\n`);
    await proc.waitFor('Changing syslog ident to halb_lab1', 5000);
    assert.match(proc.output, /: halb_lab1: Startup complete/);

    process.kill(proc.pid as number, 'SIGUSR1');
    const data = await until(
      'keepalived.lab1.data',
      10000,
      async () => fs.readdirSync(tmp),
      (files) => files.includes('keepalived.lab1.data'),
    );
    assert.deepEqual(data, ['keepalived.lab1.data']);

    await proc.kill('SIGTERM', 10000);
    assert.equal(fs.existsSync(pidFile), false, 'pid file removed');
    assert.equal(fs.existsSync(path.dirname(pidFile)), false, 'the pid directory it made removed');
  });
});
