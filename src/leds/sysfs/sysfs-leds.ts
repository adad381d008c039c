/**
 * The board's LED class devices as one LedSink: a bicolor (or single) status
 * LED that shows the pattern, blinking done by the kernel's timer trigger so
 * it goes on without us, plus the fixed-function LEDs set once at start
 * (heartbeat, netdev link/activity). A LED the board names but the kernel
 * lacks, or a trigger it was built without, is reported once and skipped:
 * nothing fails on a box with fewer LEDs than its board file says.
 */
import type { SysfsLeds } from '../../board/board-leds';
import { hasGreen, hasRed, type LedLook } from '../looks';
import type { LedSink, Warn } from '../sink';
import { ClassLed } from './led-class';
import { DEFAULT_LEDS_ROOT, type SysfsIo } from './sysfs-io';

export class SysfsLedSink implements LedSink {
  readonly name = 'sysfs';
  private readonly green: ClassLed | null;
  private readonly red: ClassLed | null;
  private readonly warned = new Set<string>();

  constructor(
    private readonly cfg: SysfsLeds,
    private readonly io: SysfsIo,
    private readonly warn: Warn,
  ) {
    this.green = this.led(cfg.status.green);
    this.red = this.led(cfg.status.red);
  }

  async reset(): Promise<void> {
    this.guard(this.green, (l) => l.off());
    this.guard(this.red, (l) => l.off());
    const hb = this.led(this.cfg.heartbeat);
    this.guard(hb, (l) => this.withTrigger(l, 'heartbeat', () => l.heartbeat()));
    for (const n of this.cfg.netdev) {
      const l = this.led(n.led);
      this.guard(l, (led) => this.withTrigger(led, 'netdev', () => led.netdev(n.device, n)));
    }
  }

  show(look: LedLook): void {
    this.drive(this.green, hasGreen(look.color), look);
    this.drive(this.red, hasRed(look.color), look);
  }

  async flushed(): Promise<void> {
    // sysfs writes are synchronous: done when show() returns.
  }

  async dispose(): Promise<void> {
    // LED class state belongs to the kernel and outlives us: nothing to close.
  }

  private drive(led: ClassLed | null, on: boolean, look: LedLook): void {
    this.guard(led, (l) => {
      if (!on) return l.off();
      if (!look.blink) return l.solid();
      const { onMs, offMs } = look.blink;
      this.withTrigger(
        l,
        'timer',
        () => l.blink(onMs, offMs),
        () => l.solid(),
      );
    });
  }

  /** Uses a trigger if the kernel has it; otherwise the fallback, said once. */
  private withTrigger(led: ClassLed, trigger: string, use: () => void, fallback?: () => void) {
    if (led.supports(trigger)) return use();
    this.once(`${led.name}:${trigger}`, `LED ${led.name}: kernel has no '${trigger}' trigger`);
    fallback?.();
  }

  private led(name: string | null): ClassLed | null {
    return name === null ? null : new ClassLed(this.cfg.root ?? DEFAULT_LEDS_ROOT, name, this.io);
  }

  private guard(led: ClassLed | null, f: (l: ClassLed) => void): void {
    if (!led) return;
    if (!led.present()) {
      this.once(led.name, `LED ${led.name}: no such LED class device in ${led.dir}`);
      return;
    }
    try {
      f(led);
    } catch (e) {
      this.once(`${led.name}:${(e as Error).message}`, `LED ${led.name}: ${(e as Error).message}`);
    }
  }

  private once(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warn(message);
  }
}
