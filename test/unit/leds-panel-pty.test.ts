/**
 * The serial front panel end to end over a real pty pair: halb's side opens
 * its pty through `serialport` (the native binding the executable ships),
 * the simulator the other one, as it would QEMU's second serial port.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseBoard } from '../../src/board/board';
import { createLogger } from '../../src/core/log';
import { ledView, type DaemonStatus } from '../../src/core/status';
import { startLeds } from '../../src/leds/daemon-leds';
import { openSerial } from '../../src/leds/panel/serial-transport';
import type { KeyEvent } from '../../src/leds/panel/cfa635';
import { PanelSimulator } from '../../src/leds/sim/panel-sim';
import { ledPatternFor, type Role } from '../../src/leds/patterns';
import { run } from '../rigs/exec';
import { PtyPair, until } from '../rigs/pty-pair';
import { Proc } from '../rigs/process';
import { PanelLink } from '../../src/leds/panel/link';
import { FrontPanelSink } from '../../src/leds/panel/front-panel';
import { connectUnix } from '../../src/leds/panel/transport';
import { LOOKS } from '../../src/leds/looks';
import { realTimers } from '../../src/leds/timers';

const ROOT = path.resolve(__dirname, '../../..');
const board = (device: string) =>
  parseBoard(
    JSON.stringify({
      ...JSON.parse(fs.readFileSync(path.join(ROOT, 'board/qemu-x86_64/board.json'), 'utf8')),
      leds: { panel: { device, baud: 115200 } },
    }),
  );

function status(role: Role): DaemonStatus {
  return {
    version: '0',
    pid: 1,
    startedAt: '',
    uptimeS: 0,
    configFile: '',
    configGeneration: 3,
    configBlocks: {},
    lastReloadError: null,
    board: 'x',
    subsystems: { vrrp: true, check: true },
    instances: [
      {
        name: 'VI_1',
        state: role,
        priority: 100,
        effectivePriority: 100,
        masterAddress: null,
        vips: ['192.0.2.10'],
      },
    ],
    led: ledView(
      ledPatternFor({ starting: false, configError: false, roles: [role], realServersDown: 0 }),
    ),
  };
}

describe('front panel over a pty', () => {
  let ptys: PtyPair;
  let sim: PanelSimulator;
  before(async () => {
    ptys = await PtyPair.open();
    sim = new PanelSimulator(await openSerial(ptys.b, 115200));
  });
  after(async () => {
    await sim.close();
    await ptys.dispose();
  });

  it('follows MASTER -> FAULT, survives noise and lost answers, reports keys', async () => {
    const lines: string[] = [];
    const log = createLogger({ ident: 'halb', detail: false, sink: (l) => lines.push(l) });
    let role: Role = 'master';
    const leds = await startLeds(board(ptys.a), log, () => status(role));
    try {
      const rows = () => sim.state().rows.map((r) => r.trimEnd());
      await until(
        () => sim.state().leds[0] === 'green' && rows()[3] === 'config gen 3',
        5000,
        `MASTER on the panel (now ${JSON.stringify(sim.state())})`,
      );
      assert.deepEqual(rows(), [
        os.hostname().slice(0, 20),
        'MASTER',
        '192.0.2.10',
        'config gen 3',
      ]);

      sim.injectGarbage(Buffer.from([0x41, 0x16, 0x00, 0xff, 0x80]));
      sim.loseAnswers(1);
      role = 'fault';
      await until(
        () => sim.state().leds[0] === 'red' && rows()[1] === 'FAULT',
        5000,
        `FAULT on the panel (now ${JSON.stringify(sim.state())})`,
      );
      const panel = leds.controller.sinks[0] as unknown as { link: PanelLink };
      assert.ok(panel.link.counters.retries >= 1, 'the lost answer was retried');

      const keys: KeyEvent[] = [];
      leds.controller.onKey((k) => keys.push(k));
      sim.pressKey('enter');
      await until(() => keys.length === 2, 5000, 'the key press and release');
      assert.deepEqual(keys, [
        { key: 'enter', pressed: true },
        { key: 'enter', pressed: false },
      ]);
      assert.ok(!lines.some((l) => /WARNING/.test(l)), lines.join('\n'));
      assert.ok(
        lines.some((l) => /front panel key enter$/.test(l)),
        lines.join('\n'),
      );
    } finally {
      await leds.dispose();
    }
  });

  it("'halb leds fault' sets the panel from the shell when halb is not running", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halb-leds-'));
    try {
      const file = path.join(dir, 'board.json');
      const b = JSON.parse(
        fs.readFileSync(path.join(ROOT, 'board/qemu-x86_64/board.json'), 'utf8'),
      );
      fs.writeFileSync(
        file,
        JSON.stringify({ ...b, leds: { panel: { device: ptys.a, baud: 115200 } } }),
      );
      const main = path.join(ROOT, 'build/src/cli/main.js');
      const r = await run([process.execPath, main, 'leds', 'fault', '--board', file]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(sim.state().leds, ['red', 'off', 'off', 'off']);
      assert.equal(sim.state().rows[1]!.trimEnd(), 'HALB NOT RUNNING');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('panel simulator process over a unix socket (as QEMU -chardev socket)', () => {
  it('shows what the host sends and sends the keys it is told to press', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halb-sim-'));
    const sock = path.join(dir, 'panel.sock');
    const proc = new Proc([
      process.execPath,
      path.join(ROOT, 'build/src/leds/sim/main.js'),
      '--listen',
      sock,
    ]);
    try {
      await proc.waitFor('"listening"', 5000);
      const link = new PanelLink(await connectUnix(sock), realTimers);
      const panel = new FrontPanelSink(link, 1, realTimers, (m) => assert.fail(m));
      await panel.reset();
      panel.show(LOOKS.degraded, ['lb-9', 'DEGRADED']);
      await panel.flushed();
      await proc.waitFor('"leds":["off","amber","off","off"],"rows":["lb-9', 5000);
      const keys: KeyEvent[] = [];
      panel.onKey((k) => keys.push(k));
      proc.write('key up\n');
      await until(() => keys.length === 2, 5000, 'the key press and release');
      assert.deepEqual(keys[0], { key: 'up', pressed: true });
      await panel.dispose();
    } finally {
      await proc.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
