/**
 * The daemon's one hook into the LEDs: opens what the board has, resets it,
 * and then follows the daemon's applied state (the same status object as
 * `halb status`), polled so the daemon's code needs no call at each change.
 */
import * as os from 'node:os';
import type { Board } from '../board/board';
import type { DaemonStatus } from '../core/status';
import type { Logger } from '../core/log';
import { openLeds, realLedDeps, type LedDeps } from './open';
import { panelText } from './panel-text';
import type { LedController } from './controller';

export const FOLLOW_INTERVAL_MS = 200;

export interface DaemonLeds {
  readonly controller: LedController;
  /** Shows the current status now (also done every FOLLOW_INTERVAL_MS). */
  update(): void;
  dispose(): Promise<void>;
}

export async function startLeds(
  board: Board | null,
  log: Logger,
  status: () => DaemonStatus,
  deps: LedDeps = realLedDeps(),
): Promise<DaemonLeds> {
  const controller = await openLeds(
    board?.leds ?? { sysfs: null, panel: null },
    (m) => log.warn(m),
    deps,
  );
  await controller.start();
  if (controller.sinks.length > 0) {
    log.info(`LEDs: ${controller.sinks.map((s) => s.name).join(', ')} reset`);
  }
  controller.onKey((k) => {
    if (k.pressed) log.info(`front panel key ${k.key}`);
  });
  const hostname = os.hostname();
  const update = (): void => {
    const s = status();
    controller.show(s.led.pattern, panelText(s, hostname));
  };
  let timer: unknown;
  let stopped = false;
  let lastError = '';
  const tick = (): void => {
    if (stopped) return;
    try {
      update();
      lastError = '';
    } catch (e) {
      // The LEDs must never take the daemon down; say it once per distinct error.
      const msg = (e as Error).message;
      if (msg !== lastError) log.warn(`LEDs: ${msg}`);
      lastError = msg;
    }
    timer = deps.timers.setTimeout(tick, FOLLOW_INTERVAL_MS);
  };
  if (controller.sinks.length > 0) tick();
  return {
    controller,
    update,
    dispose: async () => {
      stopped = true;
      deps.timers.clearTimeout(timer);
      await controller.dispose();
    },
  };
}
