/**
 * Secrets (the console password hash...) live beside the generations, never in
 * keepalived.conf: one JSON object in a checksummed file, replaced atomically.
 * A file that fails its checksum reads as no secrets, loudly, so the console
 * asks for a new password instead of trusting a torn one.
 */
import * as path from 'node:path';
import type { Logger } from '../core/log';
import { formatGeneration, parseGeneration } from './generation';
import { atomicWrite, type StoreFs } from './store-fs';

export const SECRETS_FILE = 'secrets.conf';

export class SecretStore {
  private readonly file: string;

  constructor(
    dataDir: string,
    private readonly sfs: StoreFs,
    private readonly log: Logger,
  ) {
    this.file = path.join(dataDir, SECRETS_FILE);
  }

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

  set(name: string, value: string): void {
    const text = this.sfs.readFile(this.file);
    const prev = text === null ? null : parseGeneration(text);
    const n = prev?.ok ? prev.value.generation + 1 : 1;
    const next = { ...this.all(), [name]: value };
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
