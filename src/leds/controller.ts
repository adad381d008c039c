/**
 * The front panel as the daemon sees it: `show(pattern, text)`. It owns the
 * board's LED sinks (sysfs LEDs, a serial panel), resets them at start and
 * passes on a change only: calling show() with what is already shown costs
 * nothing, so the daemon can call it as often as it likes.
 */
import type { LedPattern } from './patterns';
import { LOOKS } from './looks';
import type { LedSink } from './sink';
import type { KeyEvent } from './panel/cfa635';

export class LedController {
  private last = '';
  private current: { pattern: LedPattern; text: readonly string[] } | null = null;

  constructor(readonly sinks: readonly LedSink[]) {}

  /** Everything off, then the booting pattern until the first real state. */
  async start(): Promise<void> {
    await Promise.all(this.sinks.map((s) => s.reset()));
    this.show('booting', []);
  }

  show(pattern: LedPattern, text: readonly string[]): void {
    const key = JSON.stringify([pattern, text]);
    if (key === this.last) return;
    this.last = key;
    this.current = { pattern, text: [...text] };
    for (const s of this.sinks) s.show(LOOKS[pattern], text);
  }

  /** Key presses from any sink that has keys. */
  onKey(listener: (k: KeyEvent) => void): void {
    for (const s of this.sinks) s.onKey?.(listener);
  }

  flushed(): Promise<void> {
    return Promise.all(this.sinks.map((s) => s.flushed())).then(() => undefined);
  }

  get shown(): { readonly pattern: LedPattern; readonly text: readonly string[] } | null {
    return this.current;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.sinks.map((s) => s.dispose()));
  }
}
