/**
 * The checker process's pipe protocol, one JSON object per line.
 * Parent -> child (stdin): `setup` (at start, on every reload, and with the
 * last known health after a restart), `bfd` (the BFD sessions' states).
 * Child -> parent (stdout): `report` (a server's health changed, or a server
 * is new), `removed` (a server left the config), `ready` (a setup is applied;
 * `keys` are every server it checks), `alive` (every second). Log lines go to stderr, already in
 * keepalived's format.
 */
import type { HealthReport } from '../lvs/health';
import type { CheckerSetup } from './setup';

export type ToChild =
  | {
      readonly type: 'setup';
      readonly setup: CheckerSetup;
      /** After a restart: each server's last reported health, by healthKey. */
      readonly known?: Readonly<Record<string, boolean>>;
    }
  /** The BFD sessions for BFD_CHECK, each Up or not: after every change, and after each setup. */
  | { readonly type: 'bfd'; readonly states: Readonly<Record<string, boolean>> };

export type FromChild =
  | { readonly type: 'report'; readonly report: HealthReport }
  | { readonly type: 'removed'; readonly key: string }
  | { readonly type: 'ready'; readonly keys: readonly string[] }
  /** Every second: the child's event loop is turning (a hung checker process is stale). */
  | { readonly type: 'alive' };

export function encodeLine(m: ToChild | FromChild): string {
  return JSON.stringify(m) + '\n';
}

/** Cuts a byte stream into lines; a partial last line waits for the rest. */
export class LineSplitter {
  private rest = '';

  push(chunk: string, onLine: (line: string) => void): void {
    const parts = (this.rest + chunk).split('\n');
    this.rest = parts.pop() ?? '';
    for (const p of parts) if (p.length > 0) onLine(p);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** A child message, or undefined for a line that is not one (it is logged, not trusted). */
export function decodeFromChild(line: string): FromChild | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(v)) return undefined;
  if (v.type === 'report' && isObject(v.report)) {
    const r = v.report;
    if (
      typeof r.service === 'string' &&
      typeof r.server === 'string' &&
      typeof r.up === 'boolean' &&
      typeof r.detail === 'string' &&
      typeof r.at === 'number' &&
      (r.weight === undefined || typeof r.weight === 'number') &&
      (r.suspended === undefined || typeof r.suspended === 'boolean')
    )
      return { type: 'report', report: r as unknown as HealthReport };
    return undefined;
  }
  if (v.type === 'removed' && typeof v.key === 'string') return { type: 'removed', key: v.key };
  if (v.type === 'alive') return { type: 'alive' };
  if (v.type === 'ready' && Array.isArray(v.keys) && v.keys.every((k) => typeof k === 'string'))
    return { type: 'ready', keys: v.keys as string[] };
  return undefined;
}

export function decodeToChild(line: string): ToChild | undefined {
  try {
    const v = JSON.parse(line) as unknown;
    if (isObject(v) && v.type === 'setup' && isObject(v.setup) && isObject(v.setup.lvs))
      return v as unknown as ToChild;
    if (
      isObject(v) &&
      v.type === 'bfd' &&
      isObject(v.states) &&
      Object.values(v.states).every((x) => typeof x === 'boolean')
    )
      return v as unknown as ToChild;
  } catch {
    /* not JSON */
  }
  return undefined;
}
