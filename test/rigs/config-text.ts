/** A keepalived.conf text loaded as the daemon loads a file: written to a temporary directory, loaded, removed. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../src/config/load';

export function loadText(text: string, name = 'k.conf'): ReturnType<typeof loadConfig> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halb-conf-'));
  try {
    fs.writeFileSync(path.join(dir, name), text);
    return loadConfig(path.join(dir, name));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
