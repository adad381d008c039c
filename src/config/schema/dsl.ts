/**
 * Small builders for the keyword schema, so each block reads as one line per
 * keyword. Limits are keepalived 2.2.7's, from its C types and TIMER_HZ.
 */
import type { BlockSpec, KeywordSpec, LineKind, ValueSpec } from './types';

export const UINT_MAX = 4294967295;
export const INT_MAX = 2147483647;
export const INT_MIN = -2147483648;
/** Whole seconds stored in microseconds in an unsigned int (UINT_MAX / TIMER_HZ). */
export const UINT_SECS = 4294;
/** Decimal seconds stored in microseconds in an unsigned int. */
export const UINT_USECS = 4294.967295;
/** read_timer()'s ceiling: ULONG_MAX - 1 microseconds. */
export const TIMER_MAX = 18446744073709.55;
/** Smallest decimal second keepalived can store (1 microsecond). */
export const USEC = 0.000001;

export type Extra = Omit<KeywordSpec, 'name' | 'value'>;

export const FLAG: ValueSpec = { kind: 'flag' };
export const BOOL: ValueSpec = { kind: 'bool' };
export const WORD: ValueSpec = { kind: 'word' };
export const OPT_WORD: ValueSpec = { kind: 'word', optional: true };
export const IP: ValueSpec = { kind: 'ip' };
export const IP4: ValueSpec = { kind: 'ip', family: 4 };
export const IP6: ValueSpec = { kind: 'ip', family: 6 };
/** A script or command line: the program, then its arguments (quoted or not). */
export const SCRIPT: ValueSpec = { kind: 'words', min: 1 };

export function int(
  min: number,
  max: number,
  opts: { optional?: boolean; suffix?: readonly string[] } = {},
): ValueSpec {
  return { kind: 'int', min, max, ...opts };
}

export function num(min: number, max: number, optional?: boolean): ValueSpec {
  return optional ? { kind: 'number', min, max, optional } : { kind: 'number', min, max };
}

export function words(min: number, max?: number): ValueSpec {
  return max === undefined ? { kind: 'words', min } : { kind: 'words', min, max };
}

export function oneOf(
  values: readonly string[],
  opts: { caseInsensitive?: boolean; optional?: boolean; rest?: boolean } = {},
): ValueSpec {
  return { kind: 'enum', values, ...opts };
}

export function kw(name: string, value: ValueSpec, extra: Extra = {}): KeywordSpec {
  return { name, value, ...extra };
}

/** Shorthand for a keyword the halb runtime acts on. */
export function impl(name: string, value: ValueSpec, extra: Extra = {}): KeywordSpec {
  return { name, value, ...extra, implemented: true };
}

/** `name { ... }` holding free-form lines; may be given more than once (lines add up). */
export function lines(name: string, line: LineKind, extra: Extra = {}): KeywordSpec {
  return { name, value: FLAG, body: { kind: 'lines', line }, repeatable: true, ...extra };
}

/** `name [header] { ... }` holding keywords. */
export function sub(
  name: string,
  value: ValueSpec,
  block: BlockSpec,
  extra: Extra = {},
): KeywordSpec {
  return { name, value, body: { kind: 'block', block }, ...extra };
}

/**
 * A legacy spelling of `target`: same value and body, warns and names the
 * keyword to use. It is implemented exactly when its target is.
 */
export function alias(name: string, target: KeywordSpec, extra: Extra = {}): KeywordSpec {
  return { ...target, name, deprecatedFor: target.name, ...extra };
}
