/**
 * Builds the LED controller a board file describes. A board without LEDs
 * gets a controller with no sinks; a panel that cannot be opened is reported
 * and left out, so LEDs never stop the daemon.
 */
import type { BoardLeds } from '../board/board-leds';
import { LedController } from './controller';
import { DEFAULT_LINK_OPTIONS, PanelLink, type LinkOptions } from './panel/link';
import { FrontPanelSink } from './panel/front-panel';
import type { ByteTransport } from './panel/transport';
import { openSerial } from './panel/serial-transport';
import type { LedSink, Warn } from './sink';
import { realSysfs, type SysfsIo } from './sysfs/sysfs-io';
import { SysfsLedSink } from './sysfs/sysfs-leds';
import { realTimers, type Timers } from './timers';

export interface LedDeps {
  readonly timers: Timers;
  readonly sysfs: SysfsIo;
  readonly openSerial: (device: string, baud: number) => Promise<ByteTransport>;
  readonly link: LinkOptions;
}

export const realLedDeps = (): LedDeps => ({
  timers: realTimers,
  sysfs: realSysfs,
  openSerial,
  link: DEFAULT_LINK_OPTIONS,
});

export async function openLeds(leds: BoardLeds, warn: Warn, deps: LedDeps): Promise<LedController> {
  const sinks: LedSink[] = [];
  if (leds.sysfs) sinks.push(new SysfsLedSink(leds.sysfs, deps.sysfs, warn));
  if (leds.panel) {
    const { device, baud, statusLed } = leds.panel;
    try {
      const transport = await deps.openSerial(device, baud);
      const link = new PanelLink(transport, deps.timers, deps.link);
      sinks.push(new FrontPanelSink(link, statusLed, deps.timers, warn));
    } catch (e) {
      warn(`front panel ${device}: ${(e as Error).message}; running without it`);
    }
  }
  return new LedController(sinks);
}
