/**
 * The serial front panel as a LedSink: the status pattern on one of its
 * bicolor LEDs and the text on its rows. The panel has no blink of its own,
 * so blinking is done here with a timer. What is sent is always the latest
 * wanted state: a pump compares wanted and sent (LED pins first, then rows)
 * and sends one difference at a time through the link, so a burst of
 * changes never queues stale commands. A failed command (panel unplugged,
 * no answer after the retries) leaves that item unsent, and the pump tries
 * again after `retryMs`.
 */
import { hasGreen, hasRed, type LedLook } from '../looks';
import type { LedSink, Warn } from '../sink';
import type { Timers } from '../timers';
import { clearScreen, COLUMNS, LED_COUNT, ledPins, ROWS, setGpio, writeRow } from './cfa635';
import type { KeyEvent } from './cfa635';
import type { Packet } from './codec';
import type { PanelLink } from './link';

const OFF: LedLook = { color: 'off', blink: null };

export class FrontPanelSink implements LedSink {
  readonly name = 'panel';
  private readonly wantPins = new Map<number, number>();
  private readonly sentPins = new Map<number, number>();
  private wantRows: string[] = new Array<string>(ROWS).fill('');
  private sentRows: Array<string | undefined> = new Array<string | undefined>(ROWS);
  private look: LedLook = OFF;
  private lit = true;
  private blinkTimer: unknown;
  private retryTimer: unknown = undefined;
  private pumping: Promise<void> | null = null;
  private closed = false;
  private failing = false;

  constructor(
    readonly link: PanelLink,
    private readonly statusLed: number,
    private readonly timers: Timers,
    private readonly warn: Warn,
    private readonly retryMs = 2000,
  ) {}

  async reset(): Promise<void> {
    this.sentPins.clear();
    for (let led = 0; led < LED_COUNT; led++) {
      const { green, red } = ledPins(led);
      this.wantPins.set(green, 0).set(red, 0);
    }
    this.wantRows = this.wantRows.map(() => '');
    try {
      await this.link.request(clearScreen());
      this.sentRows = new Array<string>(ROWS).fill(' '.repeat(COLUMNS));
    } catch (e) {
      this.retryLater(e); // a panel that does not answer costs one command's retries, no more
      return;
    }
    this.pump();
    await this.flushed();
  }

  show(look: LedLook, text: readonly string[]): void {
    if (this.closed) return;
    if (look.color !== this.look.color || look.blink !== this.look.blink) {
      this.look = look;
      this.lit = true;
      this.timers.clearTimeout(this.blinkTimer);
      this.scheduleBlink();
    }
    this.wantRows = this.wantRows.map((_, i) => text[i] ?? '');
    this.applyLook();
  }

  onKey(listener: (k: KeyEvent) => void): void {
    this.link.onKey(listener);
  }

  /** Resolves when everything wanted has been sent (or has failed for now). */
  flushed(): Promise<void> {
    return this.pumping ?? Promise.resolve();
  }

  async dispose(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.timers.clearTimeout(this.blinkTimer);
    this.timers.clearTimeout(this.retryTimer);
    await this.link.dispose();
    await this.pumping;
  }

  private scheduleBlink(): void {
    const b = this.look.blink;
    if (!b || this.closed) return;
    this.blinkTimer = this.timers.setTimeout(
      () => {
        this.lit = !this.lit;
        this.applyLook();
        this.scheduleBlink();
      },
      this.lit ? b.onMs : b.offMs,
    );
  }

  private applyLook(): void {
    const color = this.lit ? this.look.color : 'off';
    const { green, red } = ledPins(this.statusLed);
    this.wantPins.set(green, hasGreen(color) ? 100 : 0).set(red, hasRed(color) ? 100 : 0);
    this.pump();
  }

  private pump(): void {
    if (this.pumping || this.closed || this.retryTimer !== undefined) return;
    this.pumping = this.run().finally(() => {
      this.pumping = null;
    });
  }

  private async run(): Promise<void> {
    for (let next = this.nextCommand(); next && !this.closed; next = this.nextCommand()) {
      try {
        await this.link.request(next.packet);
        next.done();
        this.failing = false;
      } catch (e) {
        if (!this.closed) this.retryLater(e);
        return;
      }
    }
  }

  private nextCommand(): { packet: Packet; done: () => void } | undefined {
    for (const [pin, duty] of this.wantPins) {
      if (this.sentPins.get(pin) !== duty) {
        return { packet: setGpio(pin, duty), done: () => this.sentPins.set(pin, duty) };
      }
    }
    for (let row = 0; row < ROWS; row++) {
      const text = (this.wantRows[row] ?? '').slice(0, COLUMNS).padEnd(COLUMNS, ' ');
      if (this.sentRows[row] !== text) {
        return { packet: writeRow(row, text), done: () => (this.sentRows[row] = text) };
      }
    }
    return undefined;
  }

  /** Says so once, and leaves the panel alone for retryMs (changes meanwhile wait). */
  private retryLater(e: unknown): void {
    if (!this.failing) this.warn(`front panel: ${(e as Error).message}`);
    this.failing = true;
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = undefined;
      this.pump();
    }, this.retryMs);
  }
}
