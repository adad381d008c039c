/** The supervisor's pure parts: restart backoff and escalation, heartbeat freshness, watchdog feeding. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Heartbeats } from '../../src/supervisor/heartbeats';
import { RestartPolicy } from '../../src/supervisor/restart-policy';
import {
  WatchdogFeeder,
  WDIOF_CARDRESET,
  type WatchdogDevice,
} from '../../src/supervisor/watchdog';

const policy = () =>
  new RestartPolicy({
    firstDelayMs: 500,
    maxDelayMs: 4000,
    stableMs: 60000,
    maxExits: 5,
    windowMs: 60000,
  });

describe('restart policy', () => {
  it('doubles the delay up to its cap', () => {
    const p = policy();
    const delays: number[] = [];
    // Exits spread out (70 s apart) so they never escalate, each after a short run.
    for (let i = 0; i < 5; i++) {
      const d = p.exited(i * 70000, i * 70000 + 1000);
      assert.equal(d.action, 'restart');
      if (d.action === 'restart') delays.push(d.afterMs);
    }
    assert.deepEqual(delays, [500, 1000, 2000, 4000, 4000]);
  });

  it('starts over after a stable run', () => {
    const p = policy();
    p.exited(0, 1000);
    p.exited(1500, 2000);
    const d = p.exited(3000, 3000 + 60000);
    assert.deepEqual(d, { action: 'restart', afterMs: 500 });
  });

  it('escalates to a reboot after five exits within a minute', () => {
    const p = policy();
    const out = [0, 1, 2, 3, 4].map((i) => p.exited(i * 1000, i * 1000 + 500).action);
    assert.deepEqual(out, ['restart', 'restart', 'restart', 'restart', 'reboot']);
  });
});

describe('heartbeats', () => {
  it('a child is stale when silent for longer than the limit, or when it says a child of its own is', () => {
    const h = new Heartbeats(5000);
    h.started('daemon', 0);
    assert.deepEqual(h.stale(4000), []);
    assert.match(h.stale(5100)[0] ?? '', /daemon silent for 5.1 s/);
    h.beat('daemon', { at: 5200, loopDelayMs: 3, staleGrandchildren: [] });
    assert.deepEqual(h.stale(6000), []);
    h.beat('daemon', { at: 7000, loopDelayMs: 3, staleGrandchildren: ['checkers silent for 9 s'] });
    assert.deepEqual(h.stale(7500), ['daemon: checkers silent for 9 s']);
    h.gone('daemon');
    assert.deepEqual(h.stale(100000), []);
  });
});

class FakeWatchdog implements WatchdogDevice {
  timeout = 0;
  feeds = 0;
  closed: boolean | null = null;
  constructor(private readonly boot = 0) {}
  setTimeout(s: number): number {
    this.timeout = s - (s % 2); // a driver that rounds to even seconds
    return this.timeout;
  }
  getTimeout(): number {
    return this.timeout;
  }
  keepalive(): void {
    this.feeds++;
  }
  bootStatus(): number {
    return this.boot;
  }
  identity(): string {
    return 'fake';
  }
  close(magic: boolean): void {
    this.closed = magic;
  }
}

describe('watchdog feeding', () => {
  it('reads back the timeout the driver set and the boot status', () => {
    const dev = new FakeWatchdog(WDIOF_CARDRESET);
    const f = new WatchdogFeeder(
      dev,
      '/dev/watchdog',
      31,
      () => [],
      () => undefined,
    );
    assert.equal(f.timeoutS, 30);
    assert.equal(f.view().lastRebootByWatchdog, true);
  });

  it('feeds only while nothing is stale, says why once, and resumes', () => {
    const dev = new FakeWatchdog();
    let problems: string[] = [];
    const said: string[] = [];
    const f = new WatchdogFeeder(
      dev,
      '/dev/watchdog',
      30,
      () => problems,
      (w) => said.push(w),
    );
    f.tick();
    f.tick();
    assert.equal(dev.feeds, 2);
    problems = ['daemon silent for 6 s'];
    f.tick();
    f.tick();
    assert.equal(dev.feeds, 2, 'not fed while a child is stale');
    assert.deepEqual(said, ['daemon silent for 6 s'], 'said once');
    assert.equal(f.view().withheldBecause, 'daemon silent for 6 s');
    problems = [];
    f.tick();
    assert.equal(dev.feeds, 3);
  });

  it('a deliberate stop closes with the magic character', () => {
    const dev = new FakeWatchdog();
    const f = new WatchdogFeeder(
      dev,
      '/dev/watchdog',
      30,
      () => [],
      () => undefined,
    );
    f.stop();
    assert.equal(dev.closed, true);
  });
});
