/**
 * The checker engine across reloads, and the checker child process under its
 * supervisor: reports flow as JSON lines, a killed child is started again
 * and the table follows, a reload removes what left the config. FILE_CHECK
 * keeps this tier off the network.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Pinger } from '../../src/checkers/checks/ping';
import { CheckerEngine } from '../../src/checkers/engine';
import { ScriptRunner } from '../../src/checkers/scripts';
import { CheckerSupervisor } from '../../src/checkers/supervisor';
import type { Logger } from '../../src/core/log';
import type { HealthReport } from '../../src/lvs/health';
import { setupFromText, until } from '../rigs/checker-setup';
import { VirtualClock } from '../rigs/virtual-clock';

const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {}, detail: () => {} };
const MAIN = path.resolve(__dirname, '../../src/cli/main.js');

function conf(servers: string[], extra = ''): string {
  return `${extra}
virtual_server 192.0.2.10 80 {
  delay_loop 5
  warmup 100000
${servers.map((s) => `  real_server ${s}`).join('\n')}
}
`;
}

describe('checker engine', () => {
  it('a reload keeps unchanged servers, restarts changed ones, removes gone ones', () => {
    const clock = new VirtualClock();
    const reports: HealthReport[] = [];
    const removed: string[] = [];
    const e = new CheckerEngine(
      clock,
      () => 0.5,
      quiet,
      {
        scripts: new ScriptRunner({ scriptUser: undefined, scriptSecurity: false }),
        pinger: new Pinger(),
      },
      { report: (r) => reports.push(r), removed: (k) => removed.push(k) },
    );
    const a = '192.0.2.21 80 {\n    TCP_CHECK {\n      retry 3\n    }\n  }';
    const b = '192.0.2.22 80 {\n    alpha\n    TCP_CHECK {\n    }\n  }';
    e.apply(setupFromText(conf([a, b])));
    assert.deepEqual(
      reports.slice(0, 2).map((r) => [r.server, r.up]),
      [
        ['[192.0.2.21]:tcp:80', true],
        ['[192.0.2.22]:tcp:80', false],
      ],
      'one report per server at start; alpha starts down',
    );
    assert.equal(clock.pending, 2, 'one timer per checker');
    const known = new CheckerEngine(
      clock,
      () => 0.5,
      quiet,
      {
        scripts: new ScriptRunner({ scriptUser: undefined, scriptSecurity: false }),
        pinger: new Pinger(),
      },
      { report: (r) => reports.push(r), removed: () => {} },
    );
    known.apply(setupFromText(conf([a])), { '[192.0.2.10]:tcp:80 [192.0.2.21]:tcp:80': false });
    assert.equal(reports.at(-1)?.up, false, 'a server known down starts down');
    known.dispose();
    reports.length = 0;
    e.apply(setupFromText(conf([a, b])));
    assert.equal(reports.length, 0, 'an identical reload changes nothing');
    const a2 = a.replace('retry 3', 'retry 4');
    e.apply(setupFromText(conf([a2])));
    assert.deepEqual(
      reports.map((r) => r.server),
      ['[192.0.2.21]:tcp:80'],
      'the changed server restarts',
    );
    assert.deepEqual(removed, ['[192.0.2.10]:tcp:80 [192.0.2.22]:tcp:80']);
    assert.equal(clock.pending, 1, 'the removed checker left no timer');
    assert.deepEqual([...e.table().keys()], ['[192.0.2.10]:tcp:80 [192.0.2.21]:tcp:80']);
    e.dispose();
    assert.equal(clock.pending, 0);
  });
});

describe('checker process and its supervisor', () => {
  it('a starting child has a minute to say its first word before it is stale', async () => {
    const sup = new CheckerSupervisor({
      // A child that never says a word.
      entry: [process.execPath, '-e', 'setInterval(() => {}, 1000)'],
      log: quiet,
      childLog: () => {},
    });
    try {
      const t0 = performance.now();
      sup.start(setupFromText(conf(['192.0.2.21 80 {\n  }'])));
      assert.equal(sup.stale(5000, t0 + 6000), false, 'silent for 6 s while starting');
      assert.equal(sup.stale(5000, t0 + 59000), false, 'silent for 59 s while starting');
      assert.equal(sup.stale(5000, performance.now() + 61000), true, 'silent for over a minute');
    } finally {
      await sup.dispose();
    }
  });

  it("a child that ignores SIGTERM is killed after the grace (child_wait_time), with keepalived's line", async () => {
    const lines: string[] = [];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halb-chk-'));
    const ready = path.join(dir, 'ready');
    const sup = new CheckerSupervisor({
      entry: [
        process.execPath,
        '-e',
        `process.on('SIGTERM', () => {}); require('fs').writeFileSync(${JSON.stringify(ready)}, ''); setInterval(() => {}, 1000)`,
      ],
      log: { ...quiet, info: (m: string) => lines.push(m) },
      childLog: () => {},
    });
    sup.start(setupFromText(conf(['192.0.2.21 80 {\n  }'])));
    const child = sup.pid as number;
    try {
      await until('its SIGTERM handler in place', () => fs.existsSync(ready));
      const t0 = performance.now();
      await sup.dispose(300);
      assert.ok(performance.now() - t0 >= 290, 'waited the grace');
      assert.throws(() => process.kill(child, 0), /ESRCH/, 'gone');
      assert.ok(lines.includes('Healthcheck child process failed to die - forcing termination'));
    } finally {
      await sup.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports, survives a killed child, follows reloads, stops its child', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halb-chk-'));
    const file = path.join(dir, 'health');
    fs.writeFileSync(file, '0\n');
    const childLines: string[] = [];
    const sup = new CheckerSupervisor({
      entry: [process.execPath, MAIN],
      log: quiet,
      childLog: (l) => childLines.push(l),
      restartDelaysMs: [0],
    });
    const changes: Array<HealthReport | { removed: string }> = [];
    sup.onChange((c) => changes.push(c));
    const key = '[192.0.2.10]:tcp:80 [192.0.2.21]:tcp:80';
    const text = (servers: string[]) =>
      conf(servers, `track_file health {\n  file ${file}\n  weight 0\n}`);
    const rs =
      '192.0.2.21 80 {\n    weight 4\n    FILE_CHECK {\n      track_file health\n    }\n  }';
    try {
      sup.start(setupFromText(text([rs])));
      await until('the first report', () => sup.table.get(key) !== undefined);
      assert.equal(sup.stale(), false);
      const childNow = sup.pid as number;
      process.kill(childNow, 'SIGSTOP');
      try {
        await until('a stopped child goes stale', () => sup.stale(1500));
      } finally {
        process.kill(childNow, 'SIGCONT');
      }
      await until('fresh again', () => !sup.stale(1500));
      assert.equal(sup.table.get(key)?.up, true);
      fs.writeFileSync(file, '1\n');
      await until('down', () => sup.table.get(key)?.up === false);
      assert.ok(
        childLines.some((l) =>
          / halb_healthcheckers: Removing service \[192\.0\.2\.21\]:tcp:80 from VS \[192\.0\.2\.10\]:tcp:80$/.test(
            l,
          ),
        ),
        childLines.join('\n'),
      );
      const first = sup.pid;
      assert.ok(first);
      const seen = changes.length;
      const readyAgain = sup.ready();
      process.kill(first, 'SIGKILL');
      await until('a new child', () => sup.pid !== undefined && sup.pid !== first);
      assert.equal(sup.restarts, 1);
      await readyAgain;
      await until('the new child has checked', () => sup.table.get(key)?.detail === 'value 1');
      assert.deepEqual(
        changes.slice(seen),
        [],
        'the new child started the server where the old one left it (down): no flap up',
      );
      fs.writeFileSync(file, '0\n');
      await until('up again', () => sup.table.get(key)?.up === true);
      const ready = sup.ready();
      sup.update(setupFromText(text([])));
      await ready;
      assert.equal(sup.table.size, 0);
      assert.deepEqual(changes.at(-1), { removed: key });
      const last = sup.pid as number;
      await sup.dispose();
      assert.throws(() => process.kill(last, 0), /ESRCH/, 'the child is gone');
    } finally {
      await sup.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stopping the child also ends a MISC_CHECK script still running', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halb-chk-'));
    const pidFile = path.join(dir, 'pid');
    const script = path.join(dir, 'slow.sh');
    fs.writeFileSync(script, `#!/bin/sh\necho $$ > ${pidFile}\nexec sleep 60\n`, { mode: 0o755 });
    const sup = new CheckerSupervisor({
      entry: [process.execPath, MAIN],
      log: quiet,
      childLog: () => {},
    });
    try {
      sup.start(
        setupFromText(`virtual_server 192.0.2.10 80 {
  delay_loop 1
  warmup 0
  real_server 192.0.2.21 80 {
    MISC_CHECK {
      misc_path ${script}
      misc_timeout 100
    }
  }
}
`),
      );
      await until(
        'the script running',
        () => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').trim() !== '',
      );
      const scriptPid = Number(fs.readFileSync(pidFile, 'utf8'));
      process.kill(scriptPid, 0);
      const child = sup.pid as number;
      await sup.dispose();
      assert.throws(() => process.kill(child, 0), /ESRCH/, 'the checker process is gone');
      await until('the script gone', () => {
        try {
          process.kill(scriptPid, 0);
          return false;
        } catch {
          return true;
        }
      });
    } finally {
      await sup.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
