import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseBoard, type Board } from '../../src/board/board';
import { parseBoardLeds } from '../../src/board/board-leds';
import { startLeds, FOLLOW_INTERVAL_MS } from '../../src/leds/daemon-leds';
import { ledPatternFor, type Role } from '../../src/leds/patterns';
import { panelText } from '../../src/leds/panel-text';
import { transportPair } from '../../src/leds/panel/transport';
import { PanelSimulator } from '../../src/leds/sim/panel-sim';
import { createLogger } from '../../src/core/log';
import { ledView, type DaemonStatus } from '../../src/core/status';
import { parseHalbArgs } from '../../src/cli/halb-args';
import { FakeSysfs } from '../rigs/fake-sysfs';
import { FakeTimers } from '../rigs/fake-timers';

const BOARDS = path.resolve(__dirname, '../../../board');
const qemuBoard = (): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(path.join(BOARDS, 'qemu-x86_64', 'board.json'), 'utf8'));

function status(roles: Role[], over: Partial<DaemonStatus> = {}): DaemonStatus {
  const base = { starting: false, configError: false, roles, realServersDown: 0 };
  return {
    version: '0',
    pid: 1,
    startedAt: '',
    uptimeS: 0,
    configFile: '/etc/keepalived/keepalived.conf',
    configGeneration: 1,
    configBlocks: {},
    lastReloadError: null,
    board: 'test',
    subsystems: { vrrp: true, check: true },
    instances: roles.map((state, i) => ({
      name: `VI_${i}`,
      state,
      priority: 100,
      effectivePriority: 100,
      masterAddress: null,
      vips: [`10.0.0.${100 + i}`],
    })),
    led: ledView(ledPatternFor(base)),
    ...over,
  };
}

describe('board leds', () => {
  it('existing boards have no LEDs and stay valid', () => {
    for (const name of fs.readdirSync(BOARDS)) {
      const b = parseBoard(fs.readFileSync(path.join(BOARDS, name, 'board.json'), 'utf8'));
      assert.deepEqual(b.leds, { sysfs: null, panel: null });
    }
  });
  it('takes a sysfs mapping and a panel, with defaults', () => {
    const leds = parseBoardLeds({
      sysfs: {
        status: { green: 'g', red: 'r' },
        netdev: [{ led: 'lan0', device: 'eth0' }],
      },
      panel: { device: '/dev/ttyS1', baud: 115200 },
    });
    assert.deepEqual(leds, {
      sysfs: {
        root: null,
        status: { green: 'g', red: 'r' },
        heartbeat: null,
        netdev: [{ led: 'lan0', device: 'eth0', link: true, tx: false, rx: false }],
      },
      panel: { device: '/dev/ttyS1', baud: 115200, statusLed: 0 },
    });
  });
  it('names the field that is wrong', () => {
    const bad = (leds: unknown) => () => parseBoard(JSON.stringify({ ...qemuBoard(), leds }));
    assert.throws(bad({ panel: { device: 'ttyS1', baud: 9600 } }), /'leds.panel.device'/);
    assert.throws(bad({ panel: { device: '/dev/ttyS1', baud: 0 } }), /'leds.panel.baud'/);
    assert.throws(
      bad({ panel: { device: '/dev/ttyS1', baud: 1, statusLed: 4 } }),
      /'leds.panel.statusLed'/,
    );
    assert.throws(bad({ sysfs: { status: { green: 'a/b' } } }), /'leds.sysfs.status.green'/);
    assert.throws(bad({ sysfs: { netdev: [{ led: 'x' }] } }), /'leds.sysfs.netdev\[0\].device'/);
    assert.throws(bad({ status: 'x' }), /'leds.status' must be absent/);
  });
});

describe('halb leds (hidden command)', () => {
  it('parses a pattern and a board file', () => {
    assert.deepEqual(parseHalbArgs(['leds', 'fault']), {
      kind: 'leds',
      pattern: 'fault',
      boardFile: '/etc/halb/board.json',
    });
    assert.deepEqual(parseHalbArgs(['leds', 'config-error', '--board', '/b.json']), {
      kind: 'leds',
      pattern: 'config-error',
      boardFile: '/b.json',
    });
    assert.throws(() => parseHalbArgs(['leds', 'purple']), /takes one pattern/);
    assert.throws(() => parseHalbArgs(['leds']), /takes one pattern/);
  });
});

describe('panel text', () => {
  it('shows hostname, role (masters of instances when several) and the VIP', () => {
    assert.deepEqual(panelText(status(['master']), 'lb-1'), [
      'lb-1',
      'MASTER',
      '10.0.0.100',
      'config gen 1',
    ]);
    assert.deepEqual(panelText(status(['backup', 'master', 'backup']), 'lb-1').slice(1, 3), [
      'MASTER 1/3',
      '10.0.0.101',
    ]);
    assert.deepEqual(panelText(status(['backup', 'backup']), 'lb-2').slice(1, 3), [
      'BACKUP 0/2',
      '10.0.0.100 +1',
    ]);
  });
});

describe('daemon LEDs', () => {
  function box() {
    const sysfs = new FakeSysfs();
    sysfs.addLed('st:green', { max: 1 });
    sysfs.addLed('st:red', { max: 1 });
    const [host, far] = transportPair();
    const sim = new PanelSimulator(far);
    const board = parseBoard(
      JSON.stringify({
        ...qemuBoard(),
        leds: {
          sysfs: { root: sysfs.root, status: { green: 'st:green', red: 'st:red' } },
          panel: { device: '/dev/ttyFAKE', baud: 115200 },
        },
      }),
    );
    const timers = new FakeTimers();
    const opened: string[] = [];
    const deps = {
      timers,
      sysfs,
      openSerial: async (d: string, b: number) => {
        opened.push(`${d}@${b}`);
        return host;
      },
      link: { ackTimeoutMs: 250, retries: 2 },
    };
    const lines: string[] = [];
    const log = createLogger({ ident: 'halb', detail: false, sink: (l) => lines.push(l) });
    return { sysfs, sim, board, timers, deps, opened, lines, log };
  }
  const sysfsLook = (s: FakeSysfs) =>
    ['st:green', 'st:red'].map((n) =>
      s.activeTrigger(n) === 'timer' ? 'blink' : s.attr(n, 'brightness') === '1' ? 'on' : 'off',
    );

  it('resets, then follows the applied state through a failover', async () => {
    const b = box();
    let current = status(['backup']);
    const leds = await startLeds(b.board, b.log, () => current, b.deps);
    assert.deepEqual(b.opened, ['/dev/ttyFAKE@115200']);
    assert.equal(b.sim.received[0]!.code, 6, 'the panel was cleared first');
    await b.timers.advance(0);
    await leds.controller.flushed();
    assert.deepEqual(sysfsLook(b.sysfs), ['blink', 'off']);
    assert.equal(b.sim.state().leds[0], 'green');
    assert.equal(b.sim.state().rows[1]!.trimEnd(), 'BACKUP');

    current = status(['master']);
    await b.timers.advance(FOLLOW_INTERVAL_MS);
    await leds.controller.flushed();
    assert.deepEqual(sysfsLook(b.sysfs), ['on', 'off']);
    assert.equal(b.sim.state().rows[1]!.trimEnd(), 'MASTER');
    assert.equal(b.sim.state().leds[0], 'green');

    current = status(['fault']);
    await b.timers.advance(FOLLOW_INTERVAL_MS);
    await leds.controller.flushed();
    assert.deepEqual(sysfsLook(b.sysfs), ['off', 'on']);
    assert.deepEqual(b.sim.state().leds, ['red', 'off', 'off', 'off']);
    assert.equal(b.sim.state().rows[1]!.trimEnd(), 'FAULT');

    const sent = b.sim.received.length;
    await b.timers.advance(FOLLOW_INTERVAL_MS * 10);
    assert.equal(b.sim.received.length, sent, 'an unchanged state sends nothing');

    await leds.dispose();
    assert.equal(b.timers.pending, 0, 'nothing left armed');
    b.sysfs.dispose();
  });

  it('a board without LEDs opens nothing, arms nothing and fails nothing', async () => {
    const b = box();
    const board: Board = { ...b.board, leds: { sysfs: null, panel: null } };
    const leds = await startLeds(board, b.log, () => status(['master']), b.deps);
    assert.deepEqual(leds.controller.sinks, []);
    assert.deepEqual(b.opened, []);
    assert.equal(b.timers.pending, 0);
    await leds.dispose();
    const none = await startLeds(null, b.log, () => status(['master']), b.deps);
    assert.deepEqual(none.controller.sinks, []);
    await none.dispose();
    b.sysfs.dispose();
  });

  it('a panel that cannot be opened is logged and left out', async () => {
    const b = box();
    const deps = {
      ...b.deps,
      openSerial: async () => {
        throw new Error('ENOENT: no such file');
      },
    };
    const leds = await startLeds(b.board, b.log, () => status(['master']), deps);
    assert.deepEqual(
      leds.controller.sinks.map((s) => s.name),
      ['sysfs'],
    );
    assert.ok(
      b.lines.some((l) => /front panel \/dev\/ttyFAKE: ENOENT.*running without it/.test(l)),
    );
    await leds.dispose();
    b.sysfs.dispose();
  });
});
