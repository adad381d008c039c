/**
 * The checkers' scheduling on a virtual clock: warmup, delay_loop, retries
 * spaced by delay_before_retry, alpha, keepalived's log lines, and how several
 * checkers of one real server combine.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Check, CheckResult } from '../../src/checkers/check';
import type { LineContext } from '../../src/checkers/log-lines';
import { CheckerRunner } from '../../src/checkers/runner';
import { afterResult, initialState, type Timing } from '../../src/checkers/schedule';
import { ServerHealth } from '../../src/checkers/server-health';
import type { RealServerConfig } from '../../src/config/lvs-config';
import type { Logger } from '../../src/core/log';
import type { HealthReport } from '../../src/lvs/health';
import { VirtualClock } from '../rigs/virtual-clock';

const T: Timing = { delayLoopMs: 6000, delayBeforeRetryMs: 1000, retry: 2, warmupMs: 0 };

function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(m),
    warn: (m) => lines.push(`WARNING - ${m}`),
    error: (m) => lines.push(`ERROR - ${m}`),
    detail: (m) => lines.push(`(detail) ${m}`),
  };
}

/** A check whose answer the test sets; it records when it ran. */
class Scripted implements Check {
  healthy = true;
  times: number[] = [];
  constructor(private readonly clock: VirtualClock) {}
  run(): Promise<CheckResult> {
    this.times.push(this.clock.now());
    return Promise.resolve(
      this.healthy ? { ok: true, detail: 'connected' } : { ok: false, detail: 'ECONNREFUSED' },
    );
  }
}

const LINE: LineContext = {
  type: 'TCP_CHECK',
  chk: '[192.0.2.21]:tcp:80',
  vs: '[192.0.2.10]:tcp:80',
};

function rs(over: Partial<RealServerConfig> = {}): RealServerConfig {
  return {
    address: '192.0.2.21',
    port: 80,
    weight: 3,
    inhibitOnFailure: false,
    upperThreshold: undefined,
    lowerThreshold: undefined,
    notifyUp: { argv: ['/bin/up'] },
    notifyDown: { argv: ['/bin/down', 'x'] },
    smtpAlert: false,
    alpha: false,
    checkers: [],
    ...over,
  };
}

describe('checker schedule (pure rules, keepalived tcp_epilog)', () => {
  it('goes down after retry + 1 failures in a row, retrying after delay_before_retry', () => {
    let s = initialState(false);
    const first = afterResult(s, true, T);
    assert.deepEqual(first.verdict, { kind: 'success' }, 'the first success is logged');
    assert.equal(first.transition, undefined, 'it was already up');
    s = first.state;
    const f1 = afterResult(s, false, T);
    assert.deepEqual(
      [f1.delayMs, f1.transition, f1.verdict],
      [1000, undefined, { kind: 'retrying', attempt: 1 }],
    );
    const f2 = afterResult(f1.state, false, T);
    assert.deepEqual([f2.delayMs, f2.transition], [1000, undefined]);
    const f3 = afterResult(f2.state, false, T);
    assert.deepEqual(
      [f3.delayMs, f3.transition, f3.verdict],
      [6000, 'down', { kind: 'failed', afterRetries: 2 }],
    );
    const again = afterResult(f3.state, false, T);
    assert.deepEqual(
      [again.delayMs, again.transition, again.verdict],
      [6000, undefined, undefined],
      'a server already down is not retried and not logged again',
    );
    const back = afterResult(again.state, true, T);
    assert.deepEqual([back.delayMs, back.transition], [6000, 'up']);
  });

  it('a success in the middle of the retries resets them', () => {
    const f1 = afterResult({ up: true, hasRun: true, retryIt: 0 }, false, T);
    const ok = afterResult(f1.state, true, T);
    assert.equal(ok.state.retryIt, 0);
    const f2 = afterResult(ok.state, false, T);
    assert.equal(f2.transition, undefined, 'the count starts again');
  });

  it('retry 0 takes the server down at the first failure; alpha starts down', () => {
    const t0 = { ...T, retry: 0 };
    const f = afterResult({ up: true, hasRun: true, retryIt: 0 }, false, t0);
    assert.deepEqual(
      [f.transition, f.verdict],
      ['down', { kind: 'failed', afterRetries: undefined }],
    );
    const a = initialState(true);
    assert.equal(a.up, false);
    const firstFail = afterResult(a, false, T);
    assert.deepEqual([firstFail.transition, firstFail.delayMs], [undefined, 6000]);
    assert.equal(afterResult(a, true, T).transition, 'up');
  });
});

describe('checker runner on a virtual clock', () => {
  it('first check after the warmup draw, then every delay_loop; down after the retries; back up', async () => {
    const clock = new VirtualClock();
    const check = new Scripted(clock);
    const log = recorder();
    const states: Array<[number, boolean]> = [];
    const r = new CheckerRunner(
      check,
      { ...T, warmupMs: 10000 },
      false,
      clock,
      () => 0.25,
      log,
      LINE,
      { onResult: (s) => states.push([clock.now(), s.up]) },
    );
    r.start();
    await clock.advance(2499);
    assert.deepEqual(check.times, [], 'nothing before the warmup delay (0.25 x 10 s)');
    await clock.advance(1);
    assert.deepEqual(check.times, [2500]);
    await clock.advance(12000);
    assert.deepEqual(check.times, [2500, 8500, 14500], 'every delay_loop');
    check.healthy = false;
    await clock.advance(6000 + 1000 + 1000);
    assert.deepEqual(check.times.slice(3), [20500, 21500, 22500], 'two retries, 1 s apart');
    assert.deepEqual(states.at(-1), [22500, false], 'down at the third failure');
    await clock.advance(12000);
    assert.deepEqual(check.times.slice(6), [28500, 34500], 'down: back to delay_loop, no retries');
    check.healthy = true;
    await clock.advance(6000);
    assert.deepEqual(states.at(-1), [40500, true]);
    assert.deepEqual(
      log.lines.filter((l) => !l.startsWith('(detail)')),
      [
        'TCP connection to [192.0.2.21]:tcp:80 success.',
        'TCP_CHECK on service [192.0.2.21]:tcp:80 failed after 2 retries.',
        'TCP connection to [192.0.2.21]:tcp:80 success.',
      ],
    );
    assert.deepEqual(
      log.lines.filter((l) => l.startsWith('(detail)')),
      [
        '(detail) TCP connection to [192.0.2.21]:tcp:80 failed.',
        '(detail) TCP connection to [192.0.2.21]:tcp:80 failed.',
      ],
      'each failed attempt that is retried is a detail line',
    );
    r.dispose();
    r.dispose();
    assert.equal(clock.pending, 0, 'dispose leaves no timer');
  });

  it('log_all_failures: every failed attempt is an info line', async () => {
    const clock = new VirtualClock();
    const check = new Scripted(clock);
    check.healthy = false;
    const log = recorder();
    const r = new CheckerRunner(
      check,
      T,
      false,
      clock,
      () => 0,
      log,
      { ...LINE, logAllFailures: true },
      {
        onResult: () => undefined,
      },
    );
    r.start();
    await clock.advance(2000);
    assert.deepEqual(log.lines, [
      'TCP connection to [192.0.2.21]:tcp:80 failed.',
      'TCP connection to [192.0.2.21]:tcp:80 failed.',
      'TCP_CHECK on service [192.0.2.21]:tcp:80 failed after 2 retries.',
    ]);
    r.dispose();
  });

  it('a slow check delays the next one: attempts never overlap', async () => {
    const clock = new VirtualClock();
    let running = 0;
    let maxRunning = 0;
    const times: number[] = [];
    const slow: Check = {
      run: () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        times.push(clock.now());
        return new Promise((resolve) =>
          clock.setTimer(4000, () => {
            running--;
            resolve({ ok: true, detail: 'slow' });
          }),
        );
      },
    };
    const r = new CheckerRunner(
      slow,
      { ...T, delayLoopMs: 1000 },
      false,
      clock,
      () => 0,
      recorder(),
      LINE,
      {
        onResult: () => undefined,
      },
    );
    r.start();
    await clock.advance(20000);
    assert.equal(maxRunning, 1);
    assert.deepEqual(times, [0, 5000, 10000, 15000, 20000]);
    r.dispose();
  });

  it('alpha: the server stays out until its first success', async () => {
    const clock = new VirtualClock();
    const check = new Scripted(clock);
    check.healthy = false;
    const ups: boolean[] = [];
    const r = new CheckerRunner(check, T, true, clock, () => 0, recorder(), LINE, {
      onResult: (s) => ups.push(s.up),
    });
    r.start();
    await clock.advance(6000);
    check.healthy = true;
    await clock.advance(6000);
    assert.deepEqual(ups, [false, false, true]);
    r.dispose();
  });
});

describe('one real server, several checkers (keepalived ipwrapper.c)', () => {
  const ok: CheckResult = { ok: true, detail: 'fine' };
  const bad: CheckResult = { ok: false, detail: 'broken' };
  const up = { up: true, hasRun: true, retryIt: 0 };
  const down = { up: false, hasRun: true, retryIt: 0 };

  function server(over: Partial<RealServerConfig> = {}, initial = [true, true]) {
    const reports: HealthReport[] = [];
    const notified: string[][] = [];
    const moved: string[] = [];
    const log = recorder();
    const h = new ServerHealth(
      '[192.0.2.10]:tcp:80',
      '[192.0.2.21]:tcp:80',
      rs(over),
      initial,
      log,
      (script) => notified.push([...script.argv]),
      (r) => reports.push(r),
      1000,
      (i, checkerUp, serverMoved, serverUp) =>
        moved.push(
          `${i} ${checkerUp ? 'up' : 'down'}${serverMoved ? ` server ${serverUp ? 'up' : 'down'}` : ''}`,
        ),
    );
    return { h, reports, notified, log, moved };
  }

  it('says which checker changed and whether the server changed with it (mail alerts)', () => {
    const { h, moved } = server();
    h.update(0, up, ok, 1);
    h.update(1, down, bad, 2);
    h.update(0, down, bad, 3);
    h.update(1, up, ok, 4);
    h.update(0, up, ok, 5);
    assert.deepEqual(moved, ['1 down server down', '0 down', '1 up', '0 up server up']);
  });

  it('is up only while every checker is up; reports only changes', () => {
    const { h, reports, notified, log } = server();
    assert.equal(h.report.up, true);
    h.update(0, up, ok, 1);
    assert.deepEqual(
      reports.map((r) => [r.up, r.detail]),
      [[true, 'fine']],
      'the first result is reported',
    );
    h.update(1, up, ok, 1);
    assert.equal(reports.length, 1, 'later: no change, no report');
    reports.length = 0;
    h.update(1, down, bad, 2);
    assert.deepEqual(reports.at(-1), {
      service: '[192.0.2.10]:tcp:80',
      server: '[192.0.2.21]:tcp:80',
      up: false,
      detail: 'broken',
      at: 2,
    });
    h.update(0, down, bad, 3);
    assert.equal(reports.length, 1, 'still down');
    h.update(1, up, ok, 4);
    assert.equal(reports.length, 1, 'one checker is still down');
    h.update(0, up, ok, 5);
    assert.equal(reports.at(-1)?.up, true);
    assert.deepEqual(notified, [['/bin/down', 'x'], ['/bin/up']]);
    assert.deepEqual(log.lines, [
      'Removing service [192.0.2.21]:tcp:80 from VS [192.0.2.10]:tcp:80',
      'Adding service [192.0.2.21]:tcp:80 to VS [192.0.2.10]:tcp:80',
    ]);
  });

  it('inhibit_on_failure speaks of disabling and enabling', () => {
    const { h, log } = server({ inhibitOnFailure: true }, [true]);
    h.update(0, down, bad, 1);
    h.update(0, up, ok, 2);
    assert.deepEqual(log.lines, [
      'Disabling service [192.0.2.21]:tcp:80 of VS [192.0.2.10]:tcp:80',
      'Enabling service [192.0.2.21]:tcp:80 of VS [192.0.2.10]:tcp:80',
    ]);
  });

  it('dynamic weights: a MISC_CHECK exit status sets the weight, a failure drops it', () => {
    const { h, reports, log } = server({}, [true]);
    h.update(0, up, { ok: true, detail: 'exited with status 12', weightDelta: 10 - 3 }, 1);
    assert.equal(reports.at(-1)?.weight, 10);
    assert.equal(
      log.lines.at(-1),
      'Changing weight from 3 to 10 for active service [192.0.2.21]:tcp:80 of VS [192.0.2.10]:tcp:80',
    );
    h.update(0, up, { ok: true, detail: 'exited with status 0', weightDelta: 0 }, 2);
    assert.equal(reports.at(-1)?.weight, undefined, 'the configured weight again');
    h.update(0, up, { ok: true, detail: 'x', weightDelta: 100000 }, 3);
    assert.equal(reports.at(-1)?.weight, 65535, 'clamped to IPVS_WEIGHT_MAX');
    h.update(0, down, bad, 4);
    assert.deepEqual([reports.at(-1)?.up, reports.at(-1)?.weight], [false, undefined]);
  });

  it('alpha checkers start the server down; a server with no checker is up', () => {
    assert.equal(server({}, [true, false]).h.report.up, false);
    const none = server({}, []);
    assert.deepEqual([none.h.report.up, none.h.report.detail], [true, 'no checker']);
  });
});
