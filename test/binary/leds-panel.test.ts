/**
 * The executables drive a serial front panel through serialport's native
 * binding as embedded in them: `halb leds fault` against the panel simulator
 * on a pty (arm64 under qemu-user).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openSerial } from '../../src/leds/panel/serial-transport';
import { PanelSimulator } from '../../src/leds/sim/panel-sim';
import { runBinary } from '../rigs/binary';
import { PtyPair } from '../rigs/pty-pair';
import { ROOT } from '../rigs/vm';

describe('single executable: serial front panel', () => {
  let ptys: PtyPair;
  let sim: PanelSimulator;
  let dir: string;
  before(async () => {
    ptys = await PtyPair.open();
    sim = new PanelSimulator(await openSerial(ptys.b, 115200));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halb-leds-bin-'));
  });
  after(async () => {
    await sim.close();
    await ptys.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const [arch, pattern, color] of [
    ['x64', 'fault', 'red'],
    ['arm64', 'degraded', 'amber'],
  ] as const) {
    it(`${arch}: 'halb leds ${pattern}' sets the panel over a pty`, async () => {
      const board = JSON.parse(
        fs.readFileSync(path.join(ROOT, 'board/qemu-x86_64/board.json'), 'utf8'),
      );
      const file = path.join(dir, `board-${arch}.json`);
      fs.writeFileSync(
        file,
        JSON.stringify({ ...board, leds: { panel: { device: ptys.a, baud: 115200 } } }),
      );
      const r = await runBinary(arch, ['leds', pattern, '--board', file], {
        HALB_ADDON_DIR: path.join(dir, `addons-${arch}`),
      });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '', 'no warning: the panel answered');
      assert.equal(sim.state().leds[0], color);
      assert.equal(sim.state().rows[2]!.trimEnd(), pattern.toUpperCase());
    });
  }
});
