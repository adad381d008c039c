/** A CheckerSetup from keepalived.conf text, as the daemon would build it (tests). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkerSetup, type CheckerSetup } from '../../src/checkers/setup';
import { loadConfig } from '../../src/config/load';

export function setupFromText(text: string): CheckerSetup {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halb-checkers-'));
  try {
    const file = path.join(dir, 'keepalived.conf');
    fs.writeFileSync(file, text);
    const r = loadConfig(file);
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) throw new Error(errors.map((d) => d.message).join('; '));
    return checkerSetup(r.model);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Polls `cond` until it holds or the deadline passes (never a fixed sleep). */
export async function until(what: string, cond: () => boolean, timeoutMs = 20000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
