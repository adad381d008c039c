/**
 * The config store: keepalived.conf saved atomically as numbered, checksummed
 * generations on the data partition, the live file always a byte copy of the
 * newest one.
 *
 *   <dataDir>/generations/NNNNNNNN.conf   the last `keep` generations (header + config)
 *   <dataDir>/factory-reset               marker while a factory reset is under way
 *   <liveFile>                            what the daemon runs (/etc/keepalived/keepalived.conf)
 *   <runtimeDir>/config-fallback          set while the box runs a fallback generation
 *
 * A save writes the generation first, then the live file, each through a temp
 * file, fsync, rename and fsync of the directory: a crash between any two steps
 * leaves a live file that is the old generation or the new one. A live file
 * that fails its checksum is replaced by the kept copy of the generation its
 * header names (a newer generation may be a save cut short); a missing or
 * unreadable one by the newest good generation; loudly either way. Generations only grow: a rollback saves the earlier
 * config again under a new number.
 */
import * as path from 'node:path';
import type { Logger } from '../core/log';
import {
  formatGeneration,
  generationFileName,
  generationNumberOf,
  parseGeneration,
  parseHeader,
  type Generation,
} from './generation';
import { INTERFACES_FILE, SECRETS_FILE } from './secrets';
import { withSaverLock } from './saver-lock';
import { atomicWrite, isTempName, type StoreFs } from './store-fs';

export const FALLBACK_FLAG = 'config-fallback';
export const RESET_MARKER = 'factory-reset';
/** An apply waiting for confirmation (commit-confirm), kept on the data partition. */
export const UNCONFIRMED_MARKER = 'unconfirmed-apply.json';
const DEFAULTS_REASON = 'shipped defaults';

export interface StorePaths {
  readonly liveFile: string;
  readonly dataDir: string;
  readonly runtimeDir: string;
  /** Generations kept (the current one included). */
  readonly keep?: number;
}

/** How the shipped defaults come back: an overlay remount on the firmware. */
export interface DefaultsLayer {
  readonly describe: string;
  restoreDefaults(): void;
}

export interface CurrentConfig {
  /** 0: the shipped defaults (nothing saved yet); null: no config at all. */
  readonly generation: number | null;
  readonly body: string;
  /** live: the live file is good; fallback: it is not and this generation replaces it. */
  readonly source: 'live' | 'defaults' | 'fallback' | 'none';
  /** Why the live file was not used. */
  readonly problem: string | null;
  readonly factoryResetPending: boolean;
}

export interface GenerationInfo {
  readonly generation: number;
  readonly ok: boolean;
  readonly savedAt: string | null;
  readonly reason: string | null;
  readonly problem: string | null;
}

export class StoreError extends Error {
  override readonly name = 'StoreError';
}

export class ConfigStore {
  private readonly genDir: string;
  private readonly keep: number;

  constructor(
    private readonly paths: StorePaths,
    private readonly sfs: StoreFs,
    private readonly log: Logger,
    private readonly defaults: DefaultsLayer,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.genDir = path.join(paths.dataDir, 'generations');
    this.keep = Math.max(2, paths.keep ?? 10);
  }

  /** Every generation file, newest first, checked. */
  generations(): GenerationInfo[] {
    const out: GenerationInfo[] = [];
    for (const name of this.sfs.readDir(this.genDir)) {
      const n = generationNumberOf(name);
      if (n === null) continue;
      const parsed = parseGeneration(this.sfs.readFile(path.join(this.genDir, name)) ?? '');
      if (parsed.ok && parsed.value.generation === n) {
        const { savedAt, reason } = parsed.value;
        out.push({ generation: n, ok: true, savedAt, reason, problem: null });
      } else {
        const problem = parsed.ok ? 'number differs from its name' : parsed.problem;
        out.push({ generation: n, ok: false, savedAt: null, reason: null, problem });
      }
    }
    return out.sort((a, b) => b.generation - a.generation);
  }

  generation(n: number): Generation | null {
    const parsed = parseGeneration(
      this.sfs.readFile(path.join(this.genDir, generationFileName(n))) ?? '',
    );
    return parsed.ok && parsed.value.generation === n ? parsed.value : null;
  }

  /**
   * What should run: the live file when it is good; else the kept copy of the
   * generation it names, when that copy is good; else the newest good generation.
   */
  read(): CurrentConfig {
    const factoryResetPending = this.sfs.exists(path.join(this.paths.dataDir, RESET_MARKER));
    const gens = this.generations();
    const live = this.sfs.readFile(this.paths.liveFile);
    let problem: string;
    if (live === null) {
      problem = `${this.paths.liveFile} is missing`;
    } else {
      const parsed = parseGeneration(live);
      if (parsed.ok) {
        const { generation, body } = parsed.value;
        return { generation, body, source: 'live', problem: null, factoryResetPending };
      }
      if (parsed.problem === 'no-header' && (gens.length === 0 || this.isKeptDefaults(live))) {
        // Never saved through the store: the shipped defaults (or a file written by hand),
        // also while the first save has kept them as a generation but not replaced them yet.
        return {
          generation: 0,
          body: live,
          source: 'defaults',
          problem: null,
          factoryResetPending,
        };
      }
      problem = `${this.paths.liveFile} is corrupt (${describeProblem(parsed.problem)})`;
      // The generation the damaged file still names is what ran: a newer one
      // may be a save a power cut interrupted before it became live.
      const claimed = parseHeader(live.slice(0, Math.max(0, live.indexOf('\n'))));
      const copy = claimed ? this.generation(claimed.generation) : null;
      if (copy && claimed && copy.sha256 === claimed.sha256) {
        return {
          generation: copy.generation,
          body: copy.body,
          source: 'fallback',
          problem,
          factoryResetPending,
        };
      }
    }
    for (const g of gens) {
      const good = g.ok ? this.generation(g.generation) : null;
      if (good) {
        return {
          generation: good.generation,
          body: good.body,
          source: 'fallback',
          problem,
          factoryResetPending,
        };
      }
    }
    return { generation: null, body: '', source: 'none', problem, factoryResetPending };
  }

  private isKeptDefaults(live: string): boolean {
    const first = this.generations().at(-1);
    const g =
      first?.ok && first.reason === DEFAULTS_REASON ? this.generation(first.generation) : null;
    return g !== null && g.body === live;
  }

  /**
   * Boot-time check: a bad live file is replaced by the newest good generation,
   * with an error in the log and the fallback flag set for status and LEDs.
   */
  recover(): CurrentConfig {
    this.rollBackUnconfirmed();
    const cur = this.read();
    if (cur.source === 'fallback' && cur.generation !== null) {
      const text = this.sfs.readFile(path.join(this.genDir, generationFileName(cur.generation)));
      if (text === null) throw new StoreError(`generation ${cur.generation} vanished`);
      atomicWrite(this.sfs, this.paths.liveFile, text);
      const msg = `${cur.problem}; fell back to generation ${cur.generation}`;
      this.log.error(`config store: ${msg}`);
      this.setFlag(msg);
    } else if (cur.source === 'none' && cur.problem) {
      const msg = `${cur.problem} and no good generation is left`;
      this.log.error(`config store: ${msg}`);
      this.setFlag(msg);
    }
    return cur;
  }

  /**
   * An apply made with commit-confirm: until it is confirmed or decided, the
   * data partition says so, and a restart in between rolls it back at boot
   * (recover(), run by rcS before halb starts): the watcher that would have
   * rolled it back lived in /run and is gone.
   */
  markUnconfirmed(generation: number, previous: number): void {
    this.sfs.mkdirp(this.paths.dataDir);
    atomicWrite(
      this.sfs,
      path.join(this.paths.dataDir, UNCONFIRMED_MARKER),
      JSON.stringify({ generation, previous }) + '\n',
    );
  }

  /** The apply was confirmed, rolled back or superseded. */
  clearUnconfirmed(): void {
    const marker = path.join(this.paths.dataDir, UNCONFIRMED_MARKER);
    if (!this.sfs.exists(marker)) return;
    this.sfs.unlink(marker);
    this.sfs.fsyncDir(this.paths.dataDir);
  }

  private rollBackUnconfirmed(): void {
    const text = this.sfs.readFile(path.join(this.paths.dataDir, UNCONFIRMED_MARKER));
    if (text === null) return;
    let m: { generation?: unknown; previous?: unknown } = {};
    try {
      m = JSON.parse(text) as typeof m;
    } catch {
      /* torn: nothing to act on */
    }
    const cur = this.read();
    // Only while the unconfirmed generation is still the current one: a later
    // save, rollback or factory reset decided already.
    if (
      typeof m.generation === 'number' &&
      typeof m.previous === 'number' &&
      cur.source === 'live' &&
      cur.generation === m.generation
    ) {
      const back = this.rollback(m.previous);
      const msg = `generation ${m.generation} was applied with commit-confirm and not confirmed before the restart; rolled back to ${m.previous} (now generation ${back.generation})`;
      this.log.error(`config store: ${msg}`);
      this.setFlag(msg);
    }
    this.clearUnconfirmed();
  }

  /**
   * Saves `body` as a new generation and makes it the live file; returns its
   * number. The first save also keeps what ran before (the shipped defaults)
   * as a generation, so it can be rolled back to.
   */
  save(body: string, reason: string): number {
    return withSaverLock(this.paths.runtimeDir, () => this.saveLocked(body, reason));
  }

  private saveLocked(body: string, reason: string): number {
    this.sfs.mkdirp(this.genDir);
    this.removeTemps();
    const before = this.read();
    const numbers = this.generations().map((g) => g.generation);
    let next = Math.max(0, before.generation ?? 0, ...numbers) + 1;
    if (numbers.length === 0 && before.source === 'defaults') {
      this.writeGeneration(next++, before.body, DEFAULTS_REASON);
    }
    const text = this.writeGeneration(next, body, reason);
    atomicWrite(this.sfs, this.paths.liveFile, text);
    this.prune();
    this.clearFlag();
    this.log.info(`config store: saved generation ${next} (${reason})`);
    return next;
  }

  /** Saves generation `target` (default: the one before the current) again as the newest. */
  rollback(target?: number): { from: number | null; to: number; generation: number } {
    const cur = this.read();
    const to =
      target ??
      this.generations().find(
        (g) => g.ok && cur.generation !== null && g.generation < cur.generation,
      )?.generation;
    if (to === undefined) throw new StoreError('no earlier generation to roll back to');
    const g = this.generation(to);
    if (!g) throw new StoreError(`generation ${to} is missing or corrupt`);
    const generation = this.save(g.body, `rollback to ${to}`);
    return { from: cur.generation, to, generation };
  }

  /**
   * Back to the firmware's defaults: generations, secrets and interface addresses go, the overlay's
   * upper layer is emptied so the read-only defaults show through. A marker
   * makes the next boot (rcS) finish a reset that a crash interrupted.
   */
  factoryReset(): void {
    withSaverLock(this.paths.runtimeDir, () => this.factoryResetLocked());
  }

  private factoryResetLocked(): void {
    const marker = path.join(this.paths.dataDir, RESET_MARKER);
    this.sfs.mkdirp(this.paths.dataDir);
    atomicWrite(this.sfs, marker, `requested ${this.now().toISOString()}\n`);
    this.sfs.removeTree(this.genDir);
    this.sfs.unlink(path.join(this.paths.dataDir, SECRETS_FILE));
    this.sfs.unlink(path.join(this.paths.dataDir, INTERFACES_FILE));
    this.defaults.restoreDefaults();
    this.sfs.unlink(marker);
    this.sfs.fsyncDir(this.paths.dataDir);
    this.clearFlag();
    this.log.warn(`config store: factory reset done (${this.defaults.describe})`);
  }

  private writeGeneration(n: number, body: string, reason: string): string {
    const text = formatGeneration({
      generation: n,
      body,
      savedAt: this.now().toISOString(),
      reason,
    });
    atomicWrite(this.sfs, path.join(this.genDir, generationFileName(n)), text);
    return text;
  }

  private removeTemps(): void {
    for (const dir of [this.genDir, path.dirname(this.paths.liveFile)]) {
      for (const name of this.sfs.readDir(dir)) {
        if (isTempName(name)) this.sfs.unlink(path.join(dir, name));
      }
    }
  }

  private prune(): void {
    const numbers = this.generations().map((g) => g.generation);
    const old = numbers.slice(this.keep);
    for (const n of old) this.sfs.unlink(path.join(this.genDir, generationFileName(n)));
    if (old.length > 0) this.sfs.fsyncDir(this.genDir);
  }

  private setFlag(msg: string): void {
    this.sfs.mkdirp(this.paths.runtimeDir);
    atomicWrite(this.sfs, path.join(this.paths.runtimeDir, FALLBACK_FLAG), msg + '\n', 0o644);
  }

  private clearFlag(): void {
    const flag = path.join(this.paths.runtimeDir, FALLBACK_FLAG);
    if (this.sfs.exists(flag)) this.sfs.unlink(flag);
  }
}

function describeProblem(p: 'empty' | 'no-header' | 'bad-header' | 'checksum'): string {
  switch (p) {
    case 'empty':
      return 'empty';
    case 'no-header':
      return 'no store header';
    case 'bad-header':
      return 'unreadable store header';
    case 'checksum':
      return 'SHA-256 mismatch';
  }
}
