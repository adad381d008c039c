/**
 * Apply: validate with the project's loader (errors: refuse, nothing saved),
 * save as a new generation, reload the daemon, and roll back to the previous
 * generation when the daemon refuses it.
 */
import * as fs from 'node:fs';
import type { Diagnostic } from '../config/diagnostics';
import { hasErrors } from '../config/diagnostics';
import { loadConfig, localHostFacts } from '../config/load';
import type { ConfigStore } from './config-store';
import { reloadAndWait, type Clock, type DaemonLink, type ReloadOutcome } from './daemon-link';

export type Validation =
  | { readonly ok: true; readonly body: string; readonly diagnostics: readonly Diagnostic[] }
  | { readonly ok: false; readonly reason: string; readonly diagnostics: readonly Diagnostic[] };

/** The store saves one self-contained file: a config that includes others is refused. */
export function validateConfigFile(file: string): Validation {
  const loaded = loadConfig(file, { allConfig: true, host: localHostFacts() });
  if (loaded.missing) return { ok: false, reason: `${file} not found`, diagnostics: [] };
  if (hasErrors(loaded.diagnostics))
    return { ok: false, reason: `${file} has errors`, diagnostics: loaded.diagnostics };
  const others = loaded.files.filter((f) => f !== loaded.files[0]);
  if (others.length > 0)
    return {
      ok: false,
      reason: `${file} includes ${others.join(', ')}; the store saves one self-contained file`,
      diagnostics: loaded.diagnostics,
    };
  return { ok: true, body: fs.readFileSync(file, 'utf8'), diagnostics: loaded.diagnostics };
}

export type ApplyResult =
  | { readonly kind: 'applied'; readonly generation: number; readonly previous: number | null }
  | {
      readonly kind: 'saved-daemon-down';
      readonly generation: number;
      readonly previous: number | null;
    }
  | {
      readonly kind: 'refused-nothing-to-roll-back-to';
      readonly generation: number;
      readonly error: string;
    }
  | {
      readonly kind: 'rolled-back';
      readonly generation: number;
      readonly previous: number;
      readonly now: number;
      readonly error: string;
      readonly reload: ReloadOutcome;
    };

/** The newest good generation older than `generation`. */
export function previousOf(store: ConfigStore, generation: number): number | null {
  return store.generations().find((g) => g.ok && g.generation < generation)?.generation ?? null;
}

export async function applyBody(
  store: ConfigStore,
  link: DaemonLink,
  clock: Clock,
  body: string,
  reason: string,
): Promise<ApplyResult> {
  const generation = store.save(body, reason);
  const previous = previousOf(store, generation);
  const outcome = await reloadAndWait(link, clock, generation);
  if (outcome.kind === 'not-running') return { kind: 'saved-daemon-down', generation, previous };
  if (outcome.kind === 'running') return { kind: 'applied', generation, previous };
  if (previous === null)
    return { kind: 'refused-nothing-to-roll-back-to', generation, error: outcome.error };
  const back = store.rollback(previous);
  const reload = await reloadAndWait(link, clock, back.generation);
  return {
    kind: 'rolled-back',
    generation,
    previous,
    now: back.generation,
    error: outcome.error,
    reload,
  };
}

/** One line for the user: what the store and the daemon did. */
export function describeApply(r: ApplyResult): string {
  switch (r.kind) {
    case 'applied':
      return `generation ${r.generation} saved and running (previous ${r.previous ?? 'none'})`;
    case 'saved-daemon-down':
      return `generation ${r.generation} saved; halb is not running, it takes effect at start`;
    case 'refused-nothing-to-roll-back-to':
      return `generation ${r.generation} saved but the daemon refused it (${r.error}); nothing to roll back to`;
    case 'rolled-back':
      return `generation ${r.generation} refused by the daemon (${r.error}); rolled back to ${r.previous} as generation ${r.now}`;
  }
}
