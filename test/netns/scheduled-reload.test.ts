/**
 * reload_time_file and reload_file with the real executable: a time written
 * into the file while halb runs schedules a reload, which happens no earlier
 * than that time and removes the file; reload_file exists while the
 * configuration is read at that reload and is gone afterwards (and one left
 * over from before the start is removed).
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Appliance, reach, until } from '../rigs/appliance';
import { Lab } from '../rigs/netns-lab';
import { masterInstance } from '../rigs/vrrp-conf';

/** keepalived's 'YYYY-MM-DD HH:MM:SSZ', whole seconds. */
function utcStamp(t: number): string {
  return `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

describe('scheduled reloads', () => {
  let lab: Lab;
  let watcher: fs.FSWatcher | undefined;
  after(async () => {
    watcher?.close();
    await lab?.dispose();
  });

  it('reloads at the time in reload_time_file, with reload_file there while it reads', async () => {
    lab = await Lab.create({ hosts: ['a'] });
    const dir = path.join(lab.dir, 'sched');
    fs.mkdirSync(dir);
    const timeFile = path.join(dir, 'reload-at');
    const busyFile = path.join(dir, 'reloading');
    fs.writeFileSync(busyFile, 'left over\n');
    const a = new Appliance(
      lab,
      'a',
      `global_defs {
    reload_time_file ${timeFile}
    reload_file ${busyFile}
}
${masterInstance()}`,
    );
    a.start();
    await reach([a], ['master'], 'VI_1 is master', 20000);
    assert.ok(!fs.existsSync(busyFile), 'the reload_file left from before the start is removed');
    const events: string[] = [];
    watcher = fs.watch(dir, (ev, name) => {
      if (name === 'reloading') events.push(`${ev}:${fs.existsSync(busyFile) ? 'there' : 'gone'}`);
    });
    const out = (): string => a.proc!.output;
    assert.ok(!out().includes('Reloading'));
    const at = (Math.floor(Date.now() / 1000) + 3) * 1000;
    fs.writeFileSync(timeFile, `${utcStamp(at)}\n`);
    await until(
      'the reload is scheduled',
      5000,
      async () => out(),
      (o) => /Scheduling reload for/.test(o),
    );
    await until(
      'the reload happens',
      15000,
      async () => out(),
      (o) => /Reload complete/.test(o),
    );
    assert.ok(Date.now() >= at, 'not before the time in the file');
    assert.ok(!fs.existsSync(timeFile), 'a dated reload_time_file is removed when it is done');
    assert.ok(!fs.existsSync(busyFile), 'reload_file is gone once the files are read');
    assert.ok(
      events.some((e) => e.startsWith('rename')),
      `reload_file was made and removed during the reload: ${events.join(' ')}`,
    );
    assert.equal(out().match(/Reloading/g)?.length, 1, 'one reload');
  });
});
