/**
 * A fake /sys/class/leds in a temp dir, behind the SysfsIo the LED driver
 * uses, enforcing the kernel's rules (drivers/leds/led-class.c,
 * led-triggers.c, trigger/ledtrig-*.c):
 *  - writing a file that does not exist fails ENOENT, a read-only one
 *    (max_brightness) EACCES, a value that is not a number EINVAL;
 *  - `trigger` accepts only the listed triggers (EINVAL); a trigger's
 *    attributes exist only while it is active (timer: delay_on, delay_off;
 *    heartbeat: invert; netdev: device_name, link, tx, rx, interval), and
 *    leaving a trigger turns the LED off;
 *  - `brightness` is clamped to max_brightness, and 0 removes the trigger.
 * The files on disk are the state, so a test reads them like sysfs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SysfsIo } from '../../src/leds/sysfs/sysfs-io';

const TRIGGER_ATTRS: Readonly<Record<string, Record<string, string>>> = {
  none: {},
  timer: { delay_on: '500', delay_off: '500' },
  heartbeat: { invert: '0' },
  netdev: { device_name: '', link: '0', tx: '0', rx: '0', interval: '50' },
};
const READ_ONLY = new Set(['max_brightness']);

function errno(code: 'ENOENT' | 'EACCES' | 'EINVAL', file: string): NodeJS.ErrnoException {
  const e = new Error(`${code}: write ${file}`) as NodeJS.ErrnoException;
  e.code = code;
  return e;
}

export class FakeSysfs implements SysfsIo {
  readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'halb-leds-'));
  /** Every successful write, in order: "name/attr=value". */
  readonly writes: string[] = [];

  addLed(name: string, opts: { max?: number; triggers?: string[] } = {}): void {
    const dir = path.join(this.root, name);
    fs.mkdirSync(dir);
    const triggers = opts.triggers ?? Object.keys(TRIGGER_ATTRS);
    fs.writeFileSync(path.join(dir, 'brightness'), '0\n');
    fs.writeFileSync(path.join(dir, 'max_brightness'), `${opts.max ?? 255}\n`);
    fs.writeFileSync(path.join(dir, 'trigger'), this.triggerText(triggers, 'none'));
  }

  /** One attribute's value, trimmed; undefined when the kernel would not show it. */
  attr(name: string, attr: string): string | undefined {
    const f = path.join(this.root, name, attr);
    return fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trim() : undefined;
  }

  activeTrigger(name: string): string {
    return /\[([^\]]+)\]/.exec(this.attr(name, 'trigger') ?? '')?.[1] ?? 'none';
  }

  dispose(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }

  read(file: string): string {
    return fs.readFileSync(file, 'utf8');
  }

  exists(file: string): boolean {
    return fs.existsSync(file);
  }

  write(file: string, value: string): void {
    if (!fs.existsSync(file)) throw errno('ENOENT', file);
    const dir = path.dirname(file);
    const attr = path.basename(file);
    if (READ_ONLY.has(attr)) throw errno('EACCES', file);
    const v = value.trim();
    if (attr === 'trigger') this.setTrigger(dir, v, file);
    else if (attr === 'brightness') this.setBrightness(dir, v, file);
    else if (attr === 'device_name') fs.writeFileSync(file, `${v}\n`);
    else {
      if (!/^\d+$/.test(v)) throw errno('EINVAL', file);
      fs.writeFileSync(file, `${v}\n`);
    }
    this.writes.push(`${path.basename(dir)}/${attr}=${v}`);
  }

  private setBrightness(dir: string, v: string, file: string): void {
    if (!/^\d+$/.test(v)) throw errno('EINVAL', file);
    const max = Number(fs.readFileSync(path.join(dir, 'max_brightness'), 'utf8'));
    const n = Math.min(Number(v), max);
    if (n === 0) this.switchTrigger(dir, 'none');
    fs.writeFileSync(file, `${n}\n`);
  }

  private setTrigger(dir: string, name: string, file: string): void {
    const available = this.available(dir);
    if (!available.includes(name)) throw errno('EINVAL', file);
    this.switchTrigger(dir, name);
  }

  private switchTrigger(dir: string, name: string): void {
    const available = this.available(dir);
    const current = /\[([^\]]+)\]/.exec(fs.readFileSync(path.join(dir, 'trigger'), 'utf8'))?.[1];
    if (current === name) return;
    for (const a of Object.keys(TRIGGER_ATTRS[current ?? 'none'] ?? {})) {
      fs.rmSync(path.join(dir, a), { force: true });
    }
    if (current && current !== 'none') fs.writeFileSync(path.join(dir, 'brightness'), '0\n');
    for (const [a, v] of Object.entries(TRIGGER_ATTRS[name] ?? {})) {
      fs.writeFileSync(path.join(dir, a), `${v}\n`);
    }
    fs.writeFileSync(path.join(dir, 'trigger'), this.triggerText(available, name));
  }

  private available(dir: string): string[] {
    return fs
      .readFileSync(path.join(dir, 'trigger'), 'utf8')
      .trim()
      .split(/\s+/)
      .map((w) => w.replace(/^\[|\]$/g, ''));
  }

  private triggerText(triggers: readonly string[], active: string): string {
    return triggers.map((t) => (t === active ? `[${t}]` : t)).join(' ') + '\n';
  }
}
