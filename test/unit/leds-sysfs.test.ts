import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { ClassLed, parseTriggers } from '../../src/leds/sysfs/led-class';
import { SysfsLedSink } from '../../src/leds/sysfs/sysfs-leds';
import { realSysfs } from '../../src/leds/sysfs/sysfs-io';
import { LOOKS } from '../../src/leds/looks';
import type { SysfsLeds } from '../../src/board/board-leds';
import { FakeSysfs } from '../rigs/fake-sysfs';

let fakes: FakeSysfs[] = [];
function fake(): FakeSysfs {
  const f = new FakeSysfs();
  fakes.push(f);
  return f;
}
afterEach(() => {
  for (const f of fakes) f.dispose();
  fakes = [];
});

const code = (f: () => void): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code;
  }
};

describe('fake sysfs enforces the kernel rules', () => {
  it('delay_on exists only while the timer trigger is active', () => {
    const s = fake();
    s.addLed('a');
    const delay = path.join(s.root, 'a', 'delay_on');
    assert.equal(
      code(() => s.write(delay, '100')),
      'ENOENT',
    );
    s.write(path.join(s.root, 'a', 'trigger'), 'timer');
    assert.equal(s.attr('a', 'delay_on'), '500');
    s.write(delay, '100');
    s.write(path.join(s.root, 'a', 'trigger'), 'none');
    assert.equal(s.attr('a', 'delay_on'), undefined);
    assert.equal(
      code(() => s.write(delay, '100')),
      'ENOENT',
    );
  });
  it('refuses unknown triggers, read-only attributes and non-numbers', () => {
    const s = fake();
    s.addLed('a', { triggers: ['none', 'heartbeat'] });
    assert.equal(
      code(() => s.write(path.join(s.root, 'a', 'trigger'), 'timer')),
      'EINVAL',
    );
    assert.equal(
      code(() => s.write(path.join(s.root, 'a', 'max_brightness'), '1')),
      'EACCES',
    );
    assert.equal(
      code(() => s.write(path.join(s.root, 'a', 'brightness'), 'on')),
      'EINVAL',
    );
  });
  it('clamps brightness to max_brightness; 0 removes the trigger', () => {
    const s = fake();
    s.addLed('a', { max: 1 });
    s.write(path.join(s.root, 'a', 'brightness'), '255');
    assert.equal(s.attr('a', 'brightness'), '1');
    s.write(path.join(s.root, 'a', 'trigger'), 'heartbeat');
    s.write(path.join(s.root, 'a', 'brightness'), '0');
    assert.equal(s.activeTrigger('a'), 'none');
  });
});

describe('LED class device', () => {
  it('parses the trigger list with the active one in brackets', () => {
    assert.deepEqual(parseTriggers('none rfkill-any [timer] heartbeat netdev\n'), {
      available: ['none', 'rfkill-any', 'timer', 'heartbeat', 'netdev'],
      active: 'timer',
    });
  });
  it('blinks by setting the timer trigger before its delays, at max_brightness', () => {
    const s = fake();
    s.addLed('st', { max: 7 });
    new ClassLed(s.root, 'st', s).blink(1000, 250);
    assert.deepEqual(s.writes, [
      'st/trigger=none',
      'st/brightness=7',
      'st/trigger=timer',
      'st/delay_on=1000',
      'st/delay_off=250',
    ]);
    assert.equal(s.activeTrigger('st'), 'timer');
    assert.equal(s.attr('st', 'delay_off'), '250');
  });
  it('sets netdev device and modes after choosing the trigger', () => {
    const s = fake();
    s.addLed('lan');
    new ClassLed(s.root, 'lan', s).netdev('eth0', { link: true, tx: true, rx: false });
    assert.deepEqual(
      ['trigger', 'device_name', 'link', 'tx', 'rx'].map((a) => s.attr('lan', a)),
      ['none timer heartbeat [netdev]', 'eth0', '1', '1', '0'],
    );
  });
  it('the real io never creates a missing attribute (ENOENT, as sysfs)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halb-sysfs-'));
    try {
      assert.equal(
        code(() => realSysfs.write(path.join(dir, 'delay_on'), '1')),
        'ENOENT',
      );
      assert.equal(fs.existsSync(path.join(dir, 'delay_on')), false);
      fs.writeFileSync(path.join(dir, 'brightness'), '0\n');
      realSysfs.write(path.join(dir, 'brightness'), '1');
      assert.equal(fs.readFileSync(path.join(dir, 'brightness'), 'utf8'), '1\n');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sysfs LED sink', () => {
  const board = (root: string, over: Partial<SysfsLeds> = {}): SysfsLeds => ({
    root,
    status: { green: 'halb:green:status', red: 'halb:red:status' },
    heartbeat: 'halb:green:alive',
    netdev: [{ led: 'halb:green:lan0', device: 'eth0', link: true, tx: true, rx: true }],
    ...over,
  });
  const box = () => {
    const s = fake();
    for (const n of [
      'halb:green:status',
      'halb:red:status',
      'halb:green:alive',
      'halb:green:lan0',
    ]) {
      s.addLed(n, { max: 1 });
    }
    return s;
  };
  const look = (s: FakeSysfs) =>
    ['green', 'red'].map((c) => {
      const n = `halb:${c}:status`;
      const t = s.activeTrigger(n);
      return t === 'timer'
        ? `blink ${s.attr(n, 'delay_on')}/${s.attr(n, 'delay_off')}`
        : s.attr(n, 'brightness') === '1'
          ? 'on'
          : 'off';
    });

  it('reset turns the status LEDs off and sets heartbeat and netdev', async () => {
    const s = box();
    s.write(path.join(s.root, 'halb:green:status', 'brightness'), '1');
    const sink = new SysfsLedSink(board(s.root), s, () => assert.fail('no warning'));
    await sink.reset();
    assert.deepEqual(look(s), ['off', 'off']);
    assert.equal(s.activeTrigger('halb:green:alive'), 'heartbeat');
    assert.equal(s.activeTrigger('halb:green:lan0'), 'netdev');
    assert.equal(s.attr('halb:green:lan0', 'device_name'), 'eth0');
  });

  it('shows each pattern on the bicolor status LED', async () => {
    const s = box();
    const sink = new SysfsLedSink(board(s.root), s, () => assert.fail('no warning'));
    await sink.reset();
    const seen: Record<string, string[]> = {};
    for (const p of [
      'booting',
      'master',
      'backup',
      'fault',
      'degraded',
      'config-error',
      'idle',
    ] as const) {
      sink.show(LOOKS[p]);
      seen[p] = look(s);
    }
    assert.deepEqual(seen, {
      booting: ['blink 500/500', 'blink 500/500'],
      master: ['on', 'off'],
      backup: ['blink 1000/1000', 'off'],
      fault: ['off', 'on'],
      degraded: ['on', 'on'],
      'config-error': ['off', 'blink 125/125'],
      idle: ['off', 'off'],
    });
  });

  it('a board without these LEDs, or a kernel without timer, warns once and fails nothing', async () => {
    const s = fake();
    s.addLed('halb:green:status', { triggers: ['none', 'heartbeat'] });
    const warnings: string[] = [];
    const sink = new SysfsLedSink(board(s.root), s, (m) => warnings.push(m));
    await sink.reset();
    sink.show(LOOKS.backup);
    sink.show(LOOKS.backup);
    assert.equal(s.attr('halb:green:status', 'brightness'), '255', 'solid instead of blinking');
    assert.deepEqual(
      warnings.sort(),
      [
        "LED halb:green:status: kernel has no 'timer' trigger",
        `LED halb:green:alive: no such LED class device in ${path.join(s.root, 'halb:green:alive')}`,
        `LED halb:green:lan0: no such LED class device in ${path.join(s.root, 'halb:green:lan0')}`,
        `LED halb:red:status: no such LED class device in ${path.join(s.root, 'halb:red:status')}`,
      ].sort(),
    );
  });
});
