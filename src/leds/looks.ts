/**
 * How each pattern looks on one status LED, as data both drivers share: a
 * color (amber is red and green together on a bicolor LED) and, for the
 * blinking ones, the on and off times.
 */
import type { LedPattern } from './patterns';

export type LedColor = 'off' | 'green' | 'red' | 'amber';

export interface LedLook {
  readonly color: LedColor;
  readonly blink: { readonly onMs: number; readonly offMs: number } | null;
}

export const SLOW_BLINK = { onMs: 1000, offMs: 1000 } as const;
export const BOOT_BLINK = { onMs: 500, offMs: 500 } as const;
export const FAST_BLINK = { onMs: 125, offMs: 125 } as const;

export const LOOKS: Readonly<Record<LedPattern, LedLook>> = {
  booting: { color: 'amber', blink: BOOT_BLINK },
  master: { color: 'green', blink: null },
  backup: { color: 'green', blink: SLOW_BLINK },
  fault: { color: 'red', blink: null },
  degraded: { color: 'amber', blink: null },
  'config-error': { color: 'red', blink: FAST_BLINK },
  idle: { color: 'off', blink: null },
};

export const hasGreen = (c: LedColor): boolean => c === 'green' || c === 'amber';
export const hasRed = (c: LedColor): boolean => c === 'red' || c === 'amber';
