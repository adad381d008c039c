/** reload_time_file: the time's forms (keepalived's parse_datetime) and the monitor on a real directory. */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseReloadTime } from '../../src/daemon/reload-time';
import { ReloadTimeMonitor, SETTLE_MS } from '../../src/daemon/reload-monitor';

const NOON = Date.UTC(2026, 11, 6, 12, 0, 0);

describe('reload time', () => {
  const tz = process.env.TZ;
  before(() => {
    process.env.TZ = 'Europe/Berlin';
  });
  after(() => {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  });
  it('takes a time alone as today, or tomorrow once passed', () => {
    assert.deepEqual(parseReloadTime('12:30:00Z', NOON), {
      ok: true,
      at: NOON + 30 * 60000,
      dateSpecified: false,
    });
    const r = parseReloadTime('11:00:00Z', NOON);
    assert.ok(r.ok && r.at === NOON + 23 * 3600000);
    const same = parseReloadTime('12:00:00Z', NOON);
    assert.ok(same.ok && same.at === NOON + 86400000, 'now itself is passed');
  });
  it('reads local time in the process TZ', () => {
    const r = parseReloadTime('14:00:00', NOON); // 13:00 in Berlin (CET) is noon UTC
    assert.ok(r.ok && r.at === NOON + 3600000);
  });
  it('takes two- and four-digit years with a date, and ignores a date in the past', () => {
    const r = parseReloadTime('27-01-02 03:04:05Z', NOON);
    assert.ok(r.ok && r.at === Date.UTC(2027, 0, 2, 3, 4, 5) && r.dateSpecified);
    const past = parseReloadTime('2026-12-06 11:59:59Z', NOON);
    assert.ok(!past.ok && past.past);
    assert.match(past.message, /in the past - ignoring/);
  });
  it('refuses other forms and times that do not exist', () => {
    for (const bad of [
      '12:00',
      ' 12:00:00',
      '12:00:00 ',
      '2026-12-07T12:00:00',
      '2027-02-30 12:00:00Z',
      '25:00:00',
      '2027-03-28 02:30:00', // the spring-forward gap in Berlin
    ]) {
      const r = parseReloadTime(bad, NOON);
      assert.ok(!r.ok && !r.past, bad);
      assert.match(r.message, /^Invalid reload time/);
    }
  });
});

describe('reload time monitor', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halb-reload-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  /** A clock LEAD ms before noon UTC, moving with the real one: a reload at 12:00:00Z is LEAD ms away. */
  const LEAD = 400;
  const clock = (): (() => number) => {
    const start = Date.now();
    return () => NOON - LEAD + (Date.now() - start);
  };
  const monitor = (file: string, repeat: boolean) => {
    const said: string[] = [];
    let reloads = 0;
    const m = new ReloadTimeMonitor(file, repeat, {
      info: (s) => said.push(s),
      reload: () => reloads++,
      now: clock(),
    });
    return { m, said, reloads: () => reloads };
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('reloads at the time in the file, and removes the file', async () => {
    const file = path.join(dir, 'at-noon');
    fs.writeFileSync(file, '12:00:00Z\n');
    const t = monitor(file, false);
    t.m.start();
    assert.match(t.said[0]!, /^Scheduling reload for /);
    await sleep(LEAD + 300);
    assert.equal(t.reloads(), 1);
    assert.ok(!fs.existsSync(file));
    t.m.stop();
  });
  it('keeps a time-only file with reload_repeat, not a dated one', async () => {
    const daily = path.join(dir, 'daily');
    const dated = path.join(dir, 'dated');
    fs.writeFileSync(daily, '12:00:00Z\n');
    fs.writeFileSync(dated, '2026-12-06 12:00:00Z\n');
    const a = monitor(daily, true);
    const b = monitor(dated, true);
    a.m.start();
    b.m.start();
    await sleep(LEAD + 300);
    assert.deepEqual([a.reloads(), b.reloads()], [1, 1]);
    assert.deepEqual([fs.existsSync(daily), fs.existsSync(dated)], [true, false]);
    a.m.stop();
    b.m.stop();
  });
  it('follows the file: written later, changed, removed', async () => {
    const file = path.join(dir, 'later');
    const t = monitor(file, false);
    t.m.start();
    assert.deepEqual(t.said, []);
    fs.writeFileSync(file, '12:30:00Z\n');
    await sleep(SETTLE_MS + 150);
    assert.match(t.said.at(-1)!, /^Scheduling reload for /);
    fs.writeFileSync(file, '12:45:00Z\n');
    await sleep(SETTLE_MS + 150);
    assert.match(t.said.at(-1)!, /^Reload time updated from .* to /);
    fs.rmSync(file);
    await sleep(SETTLE_MS + 150);
    assert.match(t.said.at(-1)!, /^Cancelling reload scheduled for /);
    assert.equal(t.m.scheduledAt, 0);
    assert.equal(t.reloads(), 0);
    t.m.stop();
  });
  it('stops when its directory goes', async () => {
    const sub = path.join(dir, 'sub');
    fs.mkdirSync(sub);
    fs.writeFileSync(path.join(sub, 'f'), '12:30:00Z\n');
    const t = monitor(path.join(sub, 'f'), false);
    t.m.start();
    fs.rmSync(sub, { recursive: true });
    await sleep(SETTLE_MS + 150);
    assert.match(t.said.join('\n'), /Monitoring stopped/);
    assert.equal(t.m.scheduledAt, 0);
    t.m.stop();
  });
});
