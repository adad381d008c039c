import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FrontPanelSink } from '../../src/leds/panel/front-panel';
import { PanelLink } from '../../src/leds/panel/link';
import { transportPair } from '../../src/leds/panel/transport';
import { LOOKS } from '../../src/leds/looks';
import { PanelSimulator } from '../../src/leds/sim/panel-sim';
import type { KeyEvent } from '../../src/leds/panel/cfa635';
import { FakeTimers, settle } from '../rigs/fake-timers';

async function rig(statusLed = 0) {
  const timers = new FakeTimers();
  const [host, far] = transportPair();
  const sim = new PanelSimulator(far);
  const warnings: string[] = [];
  const link = new PanelLink(host, timers, { ackTimeoutMs: 250, retries: 2 });
  const panel = new FrontPanelSink(link, statusLed, timers, (m) => warnings.push(m));
  return { timers, sim, panel, link, warnings };
}

describe('front panel over the simulator', () => {
  it('reset clears the screen and turns all eight LED dies off', async () => {
    const r = await rig();
    await r.panel.reset();
    const codes = r.sim.received.map((p) => p.code);
    assert.equal(codes[0], 6, 'clear screen first');
    const pins = r.sim.received.filter((p) => p.code === 34).map((p) => [...p.data]);
    assert.deepEqual(
      pins.sort((a, b) => a[0]! - b[0]!),
      [5, 6, 7, 8, 9, 10, 11, 12].map((pin) => [pin, 0]),
    );
    assert.deepEqual(r.sim.state().leds, ['off', 'off', 'off', 'off']);
    await r.panel.dispose();
  });

  it('MASTER is solid green with hostname, role and VIP on the rows', async () => {
    const r = await rig();
    await r.panel.reset();
    r.panel.show(LOOKS.master, ['lb-1', 'MASTER', '10.0.0.100']);
    await r.panel.flushed();
    const s = r.sim.state();
    assert.deepEqual(s.leds, ['green', 'off', 'off', 'off']);
    assert.deepEqual(
      s.rows.map((x) => x.trimEnd()),
      ['lb-1', 'MASTER', '10.0.0.100', ''],
    );
    await r.timers.advance(5000);
    assert.deepEqual(r.sim.state().leds, ['green', 'off', 'off', 'off'], 'solid: no blinking');
    await r.panel.dispose();
  });

  it('BACKUP blinks green slowly, config error blinks red fast, on the board-chosen LED', async () => {
    const r = await rig(2);
    await r.panel.reset();
    r.panel.show(LOOKS.backup, ['lb-1', 'BACKUP']);
    await r.panel.flushed();
    assert.equal(r.sim.state().leds[2], 'green');
    await r.timers.advance(999);
    assert.equal(r.sim.state().leds[2], 'green');
    await r.timers.advance(1);
    assert.equal(r.sim.state().leds[2], 'off');
    await r.timers.advance(1000);
    assert.equal(r.sim.state().leds[2], 'green');
    r.panel.show(LOOKS['config-error'], ['lb-1', 'CONFIG ERROR']);
    await settle();
    assert.equal(r.sim.state().leds[2], 'red');
    await r.timers.advance(125);
    assert.equal(r.sim.state().leds[2], 'off');
    await r.timers.advance(125);
    assert.equal(r.sim.state().leds[2], 'red');
    assert.deepEqual(r.sim.state().leds.slice(0, 2), ['off', 'off']);
    await r.panel.dispose();
    assert.equal(r.timers.pending, 0, 'dispose stops the blinking');
  });

  it('degraded is amber (both dies), fault is red', async () => {
    const r = await rig();
    await r.panel.reset();
    r.panel.show(LOOKS.degraded, []);
    await r.panel.flushed();
    assert.equal(r.sim.state().leds[0], 'amber');
    r.panel.show(LOOKS.fault, []);
    await r.panel.flushed();
    assert.equal(r.sim.state().leds[0], 'red');
    await r.panel.dispose();
  });

  it('after a burst sends the latest state only, and only what changed', async () => {
    const r = await rig();
    await r.panel.reset();
    const before = r.sim.received.length;
    r.panel.show(LOOKS.fault, ['a', 'FAULT']);
    r.panel.show(LOOKS.master, ['a', 'MASTER']);
    await r.panel.flushed();
    const sent = r.sim.received.slice(before).map((p) => [p.code, ...p.data.subarray(0, 2)]);
    // The first command (red on) left at once; then only the latest wanted state:
    // green on, red off, rows 0 and 1 (2 and 3 stay blank); 'FAULT' is never written.
    assert.deepEqual(sent, [
      [34, 12, 100],
      [34, 11, 100],
      [34, 12, 0],
      [31, 0, 0],
      [31, 0, 1],
    ]);
    assert.equal(r.sim.state().rows[1]!.trimEnd(), 'MASTER');
    await r.panel.dispose();
  });

  it('recovers from lost answers and line noise', async () => {
    const r = await rig();
    await r.panel.reset();
    r.sim.loseAnswers(1);
    r.sim.injectGarbage(Buffer.from([0x00, 0x41, 0x16, 0x99]));
    r.panel.show(LOOKS.master, ['lb-1', 'MASTER']);
    await r.timers.advance(250);
    await r.panel.flushed();
    assert.deepEqual(r.sim.state().leds, ['green', 'off', 'off', 'off']);
    assert.equal(r.sim.state().rows[1]!.trimEnd(), 'MASTER');
    assert.equal(r.link.counters.retries, 1);
    assert.deepEqual(r.warnings, []);
    await r.panel.dispose();
  });

  it('a panel that stops answering is reported once and caught up when it answers again', async () => {
    const r = await rig();
    await r.panel.reset();
    r.sim.loseAnswers(3); // first try + 2 retries: the command fails
    r.panel.show(LOOKS.fault, ['lb-1', 'FAULT']);
    await r.timers.advance(750);
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0]!, /did not answer/);
    await r.timers.advance(2000); // the pump's retry
    await r.panel.flushed();
    assert.deepEqual(r.sim.state().leds, ['red', 'off', 'off', 'off']);
    assert.equal(r.sim.state().rows[1]!.trimEnd(), 'FAULT');
    await r.panel.dispose();
  });

  it('a panel that does not answer costs one command per retry period, no more', async () => {
    const r = await rig();
    r.sim.loseAnswers(1000);
    const reset = r.panel.reset();
    await r.timers.advance(750); // clear screen: first try and 2 retries
    await reset;
    assert.equal(r.sim.received.length, 3);
    r.panel.show(LOOKS.master, ['lb-1', 'MASTER']);
    r.panel.show(LOOKS.fault, ['lb-1', 'FAULT']);
    await r.timers.advance(1999);
    assert.equal(r.sim.received.length, 3, 'nothing sent while waiting to retry');
    await r.timers.advance(1);
    assert.equal(r.sim.received.length, 4, 'one try after retryMs');
    assert.equal(r.warnings.length, 1, 'said once');
    r.sim.answerAgain(); // the panel is back: the retry of that command is answered
    await r.timers.advance(250);
    await r.panel.flushed();
    assert.deepEqual(r.sim.state().leds, ['red', 'off', 'off', 'off']);
    assert.equal(r.sim.state().rows[1]!.trimEnd(), 'FAULT');
    await r.panel.dispose();
    assert.equal(r.timers.pending, 0);
  });

  it('surfaces key presses from the panel', async () => {
    const r = await rig();
    const keys: KeyEvent[] = [];
    r.link.onKey((k) => keys.push(k));
    r.sim.pressKey('down');
    await settle();
    assert.deepEqual(keys, [
      { key: 'down', pressed: true },
      { key: 'down', pressed: false },
    ]);
    await r.panel.dispose();
  });

  it('the simulator refuses what a panel cannot do with an error response', async () => {
    const r = await rig();
    const codes = await Promise.all([
      r.link.request({ type: 0, code: 34, data: Buffer.from([13, 100]) }).catch((e) => e.code),
      r.link.request({ type: 0, code: 31, data: Buffer.from([0, 4, 0x41]) }).catch((e) => e.code),
      r.link.request({ type: 0, code: 50, data: Buffer.alloc(0) }).catch((e) => e.code),
    ]);
    assert.deepEqual(codes, ['rejected', 'rejected', 'rejected']);
    await r.panel.dispose();
  });
});
