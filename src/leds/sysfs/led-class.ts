/**
 * One Linux LED class device (/sys/class/leds/<name>), following the kernel's
 * rules (Documentation/leds/leds-class.rst, drivers/leds/trigger/):
 *  - `brightness` is 0..max_brightness (the kernel clamps higher values);
 *    writing 0 also removes the active trigger;
 *  - `trigger` lists the triggers, the active one in brackets; a trigger's
 *    own attributes (timer: delay_on, delay_off; netdev: device_name, link,
 *    tx, rx) exist only while it is active, so it is written first;
 *  - changing away from a trigger turns the LED off.
 */
import * as path from 'node:path';
import type { SysfsIo } from './sysfs-io';

export interface TriggerList {
  readonly available: readonly string[];
  readonly active: string;
}

export function parseTriggers(text: string): TriggerList {
  const available: string[] = [];
  let active = 'none';
  for (const word of text.trim().split(/\s+/)) {
    if (!word) continue;
    const m = /^\[(.+)\]$/.exec(word);
    if (m) active = m[1]!;
    available.push(m ? m[1]! : word);
  }
  return { available, active };
}

export class ClassLed {
  readonly dir: string;

  constructor(
    root: string,
    readonly name: string,
    private readonly io: SysfsIo,
  ) {
    this.dir = path.join(root, name);
  }

  present(): boolean {
    return this.io.exists(path.join(this.dir, 'brightness'));
  }

  maxBrightness(): number {
    const n = Number.parseInt(this.io.read(this.attr('max_brightness')), 10);
    return Number.isInteger(n) && n > 0 ? n : 1;
  }

  triggers(): TriggerList {
    return parseTriggers(this.io.read(this.attr('trigger')));
  }

  supports(trigger: string): boolean {
    return this.triggers().available.includes(trigger);
  }

  off(): void {
    this.setTrigger('none');
    this.write('brightness', 0);
  }

  solid(): void {
    this.setTrigger('none');
    this.write('brightness', this.maxBrightness());
  }

  /** The kernel's timer trigger: blinks at full brightness with no process running. */
  blink(onMs: number, offMs: number): void {
    this.solid();
    this.setTrigger('timer');
    this.write('delay_on', Math.round(onMs));
    this.write('delay_off', Math.round(offMs));
  }

  heartbeat(): void {
    this.setTrigger('heartbeat');
  }

  netdev(device: string, modes: { link: boolean; tx: boolean; rx: boolean }): void {
    this.setTrigger('netdev');
    this.io.write(this.attr('device_name'), device);
    this.write('link', modes.link ? 1 : 0);
    this.write('tx', modes.tx ? 1 : 0);
    this.write('rx', modes.rx ? 1 : 0);
  }

  setTrigger(name: string): void {
    this.io.write(this.attr('trigger'), name);
  }

  private write(attr: string, n: number): void {
    this.io.write(this.attr(attr), String(n));
  }

  private attr(name: string): string {
    return path.join(this.dir, name);
  }
}
