/**
 * `halb leds PATTERN [--board FILE]` (hidden): sets the front panel once and
 * exits, for init when halb is not running (`halb leds fault` after it
 * exits), so a dead daemon never keeps saying MASTER. A board file that is
 * missing or has no LEDs is not an error.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { loadBoard } from '../../board/board';
import { openLeds, realLedDeps } from '../../leds/open';
import type { LedPattern } from '../../leds/patterns';

export const NOT_RUNNING_TEXT = 'HALB NOT RUNNING';

export async function ledsCommand(
  pattern: LedPattern,
  boardFile: string,
  err: (s: string) => void,
): Promise<number> {
  if (!fs.existsSync(boardFile)) return 0;
  const board = loadBoard(boardFile);
  const controller = await openLeds(board.leds, (m) => err(`halb leds: ${m}`), realLedDeps());
  try {
    await Promise.all(controller.sinks.map((s) => s.reset()));
    controller.show(pattern, [os.hostname(), NOT_RUNNING_TEXT, pattern.toUpperCase(), '']);
    await controller.flushed();
  } finally {
    await controller.dispose();
  }
  return 0;
}
