/**
 * One JSON object of settings in a checksummed file on the data partition,
 * replaced atomically (temp file, fsync, rename, fsync of the directory). A
 * file that fails its checksum reads as empty, loudly: a torn write is never
 * trusted.
 */
import * as path from 'node:path';
import type { Logger } from '../core/log';
import { formatGeneration, parseGeneration } from './generation';
import { atomicWrite, type StoreFs } from './store-fs';

export class SettingsFile {
  constructor(
    readonly file: string,
    private readonly sfs: StoreFs,
    private readonly log: Logger,
  ) {}

  all(): Record<string, string> {
    const text = this.sfs.readFile(this.file);
    if (text === null) return {};
    const parsed = parseGeneration(text);
    if (!parsed.ok) {
      this.log.error(`config store: ${this.file} is corrupt (${parsed.problem}); ignoring it`);
      return {};
    }
    return JSON.parse(parsed.value.body) as Record<string, string>;
  }

  get(name: string): string | undefined {
    return this.all()[name];
  }

  set(name: string, value: string | undefined): void {
    const text = this.sfs.readFile(this.file);
    const prev = text === null ? null : parseGeneration(text);
    const n = prev?.ok ? prev.value.generation + 1 : 1;
    const next: Record<string, string> = { ...this.all() };
    if (value === undefined) delete next[name];
    else next[name] = value;
    this.sfs.mkdirp(path.dirname(this.file));
    atomicWrite(
      this.sfs,
      this.file,
      formatGeneration({
        generation: n,
        body: JSON.stringify(next, null, 1) + '\n',
        savedAt: new Date().toISOString(),
        reason: `set ${name}`,
      }),
    );
  }
}
