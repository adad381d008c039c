/** Typed reads from a model block, for the domain configs (vrrp-config, lvs-config). */
import type { ModelBlock } from './validate';
import { splitWords } from './words';

export function num(b: ModelBlock | undefined, key: string): number | undefined {
  const v = b?.[key];
  return typeof v === 'number' ? v : undefined;
}

export function str(b: ModelBlock | undefined, key: string): string | undefined {
  const v = b?.[key];
  return typeof v === 'string' ? v : undefined;
}

export function flag(b: ModelBlock | undefined, key: string): boolean {
  return b?.[key] === true;
}

/** A bool keyword: absent -> fallback, given alone -> true. */
export function bool(b: ModelBlock | undefined, key: string, fallback: boolean): boolean {
  const v = b?.[key];
  return typeof v === 'boolean' ? v : fallback;
}

export function lines(b: ModelBlock | undefined, key: string): string[][] {
  const v = b?.[key];
  return Array.isArray(v) ? (v as string[][]) : [];
}

export function words(b: ModelBlock | undefined, key: string): string[] | undefined {
  const v = b?.[key];
  return Array.isArray(v) ? (v as string[]) : undefined;
}

/**
 * A script keyword as an argv: keepalived splits a command line on unquoted
 * whitespace, so `notify "/bin/x a 'b c'"` is ['/bin/x', 'a', 'b c'].
 */
export function argv(b: ModelBlock | undefined, key: string): string[] | undefined {
  const w = words(b, key);
  if (!w) return undefined;
  return w.length === 1 ? splitWords(w[0] as string).map((x) => x.text) : w;
}

/** A notify script: its command line as an argv, and the user [group] it runs as when the line names one. */
export interface NotifyScript {
  readonly argv: readonly string[];
  readonly user?: readonly string[];
}

/**
 * A notify script keyword (notify_*, notify, quorum_up / quorum_down,
 * notify_up / notify_down) as keepalived reads it (notify.c
 * notify_script_init): the first word is the whole command line, quoted when
 * it has arguments, and the words after it are USER [GROUP].
 */
export function notifyScript(b: ModelBlock | undefined, key: string): NotifyScript | undefined {
  const w = words(b, key);
  if (!w?.[0]) return undefined;
  const user = w.slice(1);
  return { argv: splitWords(w[0]).map((x) => x.text), ...(user.length > 0 ? { user } : {}) };
}

/** `NAME [weight N [reverse]]` style option lists: the value after `name`. */
export function option(line: readonly string[], name: string): string | undefined {
  const i = line.indexOf(name, 1);
  return i > 0 ? line[i + 1] : undefined;
}

/** `weight N` or `weight [N, 'reverse']` as stored by the schema's int suffix. */
export function weighted(v: unknown): { weight: number; reverse: boolean } | undefined {
  if (typeof v === 'number') return { weight: v, reverse: false };
  if (Array.isArray(v)) return { weight: Number(v[0]), reverse: v[1] === 'reverse' };
  return undefined;
}
