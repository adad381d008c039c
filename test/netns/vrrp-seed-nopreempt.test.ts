/**
 * The seed 004-nopreempt configs behave as their document describes: A
 * (priority 80, nopreempt) and B (priority 70) both track a haproxy check with
 * weight -20. A is master; when its check fails (80 - 20 = 60 < 70) B takes
 * over; when the check recovers, A does not take the VIP back (nopreempt).
 * Only the check script (a flag file here) and the VIP (moved into the
 * documentation range) are changed from the seed files.
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Appliance, until } from '../rigs/appliance';
import { Lab } from '../rigs/netns-lab';

const SEEDS = path.resolve(__dirname, '../../../../shared/corpus/seed-configs');

describe('seed 004-nopreempt pair', () => {
  let lab: Lab | undefined;
  after(async () => {
    await lab?.dispose();
  });

  it('A master; A check fails -> B; A recovers -> B keeps the VIP', async () => {
    lab = await Lab.create({ hosts: ['a', 'b'] });
    // Each box checks its own haproxy: one flag file per box.
    const flag = path.join(lab.dir, 'a-haproxy-down');
    const adapt = (file: string, down: string): string =>
      fs
        .readFileSync(path.join(SEEDS, file), 'utf8')
        .replace('script "/etc/check.sh"', `script "/bin/sh -c 'test ! -e ${down}'"`)
        .replace('192.168.0.7', '192.0.2.7');
    const a = new Appliance(lab, 'a', adapt('004-nopreempt-a.conf', flag));
    const b = new Appliance(
      lab,
      'b',
      adapt('004-nopreempt-b.conf', path.join(lab.dir, 'b-haproxy-down')),
    );
    const both = async (): Promise<string[]> => [await a.state(), await b.state()];
    // A comes up first, as in the document: their master-down intervals differ by only 40 ms, and
    // with nopreempt A would not take the VIP from a B that happened to start a little earlier.
    a.start();
    await until(
      'A master alone',
      20000,
      () => a.state(),
      (s) => s === 'master',
    );
    b.start();
    assert.deepEqual(
      await until('B backup', 20000, both, (s) => s[0] === 'master' && s[1] === 'backup'),
      ['master', 'backup'],
    );
    fs.writeFileSync(flag, '');
    assert.deepEqual(
      await until('B takes over', 20000, both, (s) => s[0] === 'backup' && s[1] === 'master'),
      ['backup', 'master'],
    );
    assert.equal((await a.instances())[0]?.effectivePriority, 60);
    fs.rmSync(flag);
    await until(
      'A priority back to 80',
      15000,
      async () => (await a.instances())[0]?.effectivePriority,
      (p) => p === 80,
    );
    await new Promise((r) => setTimeout(r, 5000));
    assert.deepEqual(await both(), ['backup', 'master'], 'nopreempt: A does not take the VIP back');
  });
});
