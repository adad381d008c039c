/** What the controller drives: one kind of LED hardware (sysfs LEDs, a serial panel). */
import type { LedLook } from './looks';
import type { KeyEvent } from './panel/cfa635';

export interface LedSink {
  readonly name: string;
  /** Everything off and blank: the state at start, before the first pattern. */
  reset(): Promise<void>;
  /** The status LED's look and the text lines (panels with a display only). */
  show(look: LedLook, text: readonly string[]): void;
  /** Resolves when what show() asked for has reached the hardware (or failed for now). */
  flushed(): Promise<void>;
  dispose(): Promise<void>;
  /** Key presses, for sinks that have keys (the serial panel). */
  onKey?(listener: (k: KeyEvent) => void): void;
}

export type Warn = (message: string) => void;
