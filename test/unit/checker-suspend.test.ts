/**
 * ha_suspend: which virtual servers' checkers are suspended for the box's
 * addresses (suspend.ts, pure); the engine's keepalived lines and reports;
 * a runner on a virtual clock runs no check while suspended, its timer still
 * ticking, and resumes. FILE_CHECK keeps this
 * tier off the network.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Pinger } from '../../src/checkers/checks/ping';
import { ok, type Check } from '../../src/checkers/check';
import { CheckerEngine } from '../../src/checkers/engine';
import { CheckerRunner } from '../../src/checkers/runner';
import { ScriptRunner } from '../../src/checkers/scripts';
import {
  canonicalAddress,
  haSuspendProblems,
  suspendedServices,
  usesHaSuspend,
} from '../../src/checkers/suspend';
import type { Logger } from '../../src/core/log';
import type { HealthReport } from '../../src/lvs/health';
import { setupFromText } from '../rigs/checker-setup';
import { VirtualClock } from '../rigs/virtual-clock';

const RS = (extra = ''): string =>
  `real_server 192.0.2.21 80 {\n    FILE_CHECK {\n      track_file health\n    }\n  }${extra}`;

function vs(header: string, body: string): string {
  return `virtual_server ${header} {\n  delay_loop 5\n  warmup 0\n${body}\n  ${RS()}\n}\n`;
}

const TRACK = (file: string): string => `track_file health {\n  file ${file}\n  weight 0\n}\n`;

describe('ha_suspend: which services are suspended', () => {
  const setup = setupFromText(
    TRACK('/nonexistent') +
      'virtual_server_group web {\n  192.0.2.50-52 80\n}\n' +
      vs('192.0.2.10 80', '  ha_suspend') +
      vs('2001:db8:0:0::10 443', '  ha_suspend') +
      vs('192.0.2.11 80', '') +
      vs('group web', '  ha_suspend') +
      vs('fwmark 7', '  ha_suspend'),
  );
  const lvs = setup.lvs;

  it('every ha_suspend service is suspended until the addresses are known', () => {
    assert.deepEqual(
      [...suspendedServices(lvs, undefined)].sort(),
      ['[192.0.2.10]:tcp:80', '[2001:db8:0:0::10]:tcp:443', 'group web'].sort(),
    );
    assert.ok(usesHaSuspend(lvs));
  });

  it('a service runs while its address is here, in any spelling; a group while any member is', () => {
    const local = new Set(['192.0.2.201', '192.0.2.10', '2001:db8::10', '192.0.2.51']);
    assert.deepEqual([...suspendedServices(lvs, local)], []);
    assert.deepEqual(
      [...suspendedServices(lvs, new Set(['192.0.2.11']))].sort(),
      ['[192.0.2.10]:tcp:80', '[2001:db8:0:0::10]:tcp:443', 'group web'].sort(),
      'a service without ha_suspend is never suspended',
    );
    assert.equal(canonicalAddress('2001:DB8:0:0::10'), '2001:db8::10');
  });

  it('fwmark services cannot use it (keepalived clears it, with its error)', () => {
    assert.deepEqual(haSuspendProblems(lvs), [
      'Virtual server FWM 7: cannot use ha_suspend with fwmarks - clearing ha_suspend',
    ]);
  });
});

describe('ha_suspend: the engine suspends and resumes checks', () => {
  it('keepalived lines at start and on each change; the report says so', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halb-suspend-'));
    const file = path.join(dir, 'health');
    fs.writeFileSync(file, '0\n');
    try {
      const setup = setupFromText(
        TRACK(file) +
          vs('192.0.2.10 80', '  ha_suspend') +
          vs('192.0.2.11 80', '').replace('192.0.2.21', '192.0.2.22'),
      );
      const clock = new VirtualClock();
      const lines: string[] = [];
      const log: Logger = {
        info: (l) => lines.push(l),
        warn: (l) => lines.push(l),
        error: (l) => lines.push(l),
        detail: () => {},
      };
      const reports: HealthReport[] = [];
      const e = new CheckerEngine(
        clock,
        () => 0,
        log,
        {
          scripts: new ScriptRunner({ scriptUser: undefined, scriptSecurity: false }),
          pinger: new Pinger(),
        },
        { report: (r) => reports.push(r), removed: () => {} },
      );
      const last = (vsId: string): HealthReport | undefined =>
        reports.filter((r) => r.service === vsId).at(-1);
      const SUSP = '[192.0.2.10]:tcp:80';
      const OTHER = '[192.0.2.11]:tcp:80';
      // Start: the addresses are not known yet.
      e.setSuspended(suspendedServices(setup.lvs, undefined));
      e.apply(setup);
      assert.ok(
        lines.includes(`Deactivating healthchecker for service [192.0.2.21]:tcp:80 for VS ${SUSP}`),
        lines.join('\n'),
      );
      assert.equal(last(SUSP)?.suspended, true);
      assert.equal(last(OTHER)?.suspended, undefined);
      assert.ok(
        !lines.some((l) => l.includes('healthchecker') && l.includes(OTHER)),
        'a service without ha_suspend says nothing',
      );

      // The VIP arrives (the VRRP instance became MASTER).
      e.setSuspended(suspendedServices(setup.lvs, new Set(['192.0.2.10'])));
      assert.ok(
        lines.includes(`Activating healthchecker for service [192.0.2.21]:tcp:80 for VS ${SUSP}`),
      );
      assert.equal(last(SUSP)?.suspended, undefined);

      // The VIP leaves (BACKUP again).
      e.setSuspended(suspendedServices(setup.lvs, new Set(['192.0.2.201'])));
      assert.ok(
        lines.includes(`Suspending healthchecker for service [192.0.2.21]:tcp:80 for VS ${SUSP}`),
      );
      assert.equal(last(SUSP)?.suspended, true);
      assert.equal(last(SUSP)?.up, true, 'health stays as it was');
      // The same set again changes nothing and says nothing.
      const n = lines.length;
      e.setSuspended(suspendedServices(setup.lvs, new Set(['192.0.2.201'])));
      assert.equal(lines.length, n);
      e.dispose();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ha_suspend: a suspended runner', () => {
  it('runs no check while its timer keeps ticking every delay_loop, and resumes', async () => {
    const clock = new VirtualClock();
    let runs = 0;
    const check: Check = {
      run: () => {
        runs++;
        return Promise.resolve(ok('connected'));
      },
    };
    const timing = { delayLoopMs: 5000, delayBeforeRetryMs: 1000, retry: 1, warmupMs: 0 };
    const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {}, detail: () => {} };
    const r = new CheckerRunner(
      check,
      timing,
      false,
      clock,
      () => 0,
      quiet,
      { type: 'TCP_CHECK', chk: '[192.0.2.21]:tcp:80', vs: '[192.0.2.10]:tcp:80' },
      { onResult: () => {} },
    );
    r.suspended = true;
    r.start();
    await clock.advance(30000);
    assert.equal(runs, 0);
    assert.equal(clock.pending, 1, 'the timer still ticks');
    r.suspended = false;
    // The next tick (at most one delay_loop away) runs the check.
    await clock.advance(5000);
    assert.equal(runs, 1);
    await clock.advance(10000);
    assert.equal(runs, 3);
    r.suspended = true;
    await clock.advance(20000);
    assert.equal(runs, 3);
    r.dispose();
    assert.equal(clock.pending, 0);
  });
});
