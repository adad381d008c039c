/**
 * The hardware watchdog (/dev/watchdog): opened at start with the board's
 * timeout (set by ioctl and read back: drivers round), fed only while the
 * supervisor says the box is healthy, closed with the magic 'V' on a clean
 * stop so the timer stops with us. Its boot status says whether the last
 * reboot was the watchdog's. The device sits behind an interface so the
 * feeding policy is tested without one.
 */
import { halbSys } from '../platform/halb-sys';

/** WDIOF_CARDRESET: the last reboot was caused by the watchdog. */
export const WDIOF_CARDRESET = 0x0020;

export interface WatchdogDevice {
  setTimeout(seconds: number): number;
  getTimeout(): number;
  keepalive(): void;
  bootStatus(): number;
  identity(): string;
  close(magic: boolean): void;
}

export class LinuxWatchdog implements WatchdogDevice {
  private readonly fd: number;
  constructor(readonly path: string) {
    this.fd = halbSys().wdtOpen(path);
  }
  setTimeout(seconds: number): number {
    return halbSys().wdtSetTimeout(this.fd, seconds);
  }
  getTimeout(): number {
    return halbSys().wdtGetTimeout(this.fd);
  }
  keepalive(): void {
    halbSys().wdtKeepalive(this.fd);
  }
  bootStatus(): number {
    return halbSys().wdtBootStatus(this.fd);
  }
  identity(): string {
    return halbSys().wdtIdentity(this.fd);
  }
  close(magic: boolean): void {
    halbSys().wdtClose(this.fd, magic);
  }
}

export interface WatchdogView {
  readonly device: string;
  readonly identity: string;
  readonly timeoutS: number;
  readonly lastRebootByWatchdog: boolean;
  readonly feeding: boolean;
  /** Why feeding stopped (a stale child), when it did. */
  readonly withheldBecause: string | null;
  readonly lastFedAt: number | null;
}

/** Feeds the device every tick while healthy() says nothing is wrong. */
export class WatchdogFeeder {
  private timer: NodeJS.Timeout | undefined;
  private withheld: string | null = null;
  private lastFedAt: number | null = null;
  readonly timeoutS: number;
  readonly lastRebootByWatchdog: boolean;
  private readonly identity: string;

  constructor(
    private readonly dev: WatchdogDevice,
    private readonly devicePath: string,
    wantTimeoutS: number,
    /** Empty when every child is fresh, else what is wrong. */
    private readonly problems: () => string[],
    private readonly onWithhold: (why: string) => void,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.dev.setTimeout(wantTimeoutS);
    this.timeoutS = this.dev.getTimeout();
    this.lastRebootByWatchdog = (this.dev.bootStatus() & WDIOF_CARDRESET) !== 0;
    this.identity = this.dev.identity();
  }

  /** One feeding decision (the timer calls it; tests call it directly). */
  tick(): void {
    const p = this.problems();
    if (p.length > 0) {
      const why = p.join('; ');
      if (this.withheld === null) this.onWithhold(why);
      this.withheld = why;
      return;
    }
    this.withheld = null;
    this.dev.keepalive();
    this.lastFedAt = this.now();
  }

  start(): void {
    this.tick();
    // Four feeds per timeout: one late tick is never the one that reboots.
    const every = Math.max(250, (this.timeoutS * 1000) / 4);
    this.timer = setInterval(() => this.tick(), every);
  }

  /** A deliberate stop: magic close, the timer stops with us. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.dev.close(true);
  }

  /** Stop feeding for good (escalation): the watchdog reboots the box. */
  abandon(why: string): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.withheld = why;
    this.onWithhold(why);
  }

  view(): WatchdogView {
    return {
      device: this.devicePath,
      identity: this.identity,
      timeoutS: this.timeoutS,
      lastRebootByWatchdog: this.lastRebootByWatchdog,
      feeding: this.withheld === null && this.timer !== undefined,
      withheldBecause: this.withheld,
      lastFedAt: this.lastFedAt,
    };
  }
}
