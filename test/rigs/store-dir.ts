/** A config store in a fresh temp dir (live folder, data folder, runtime folder, defaults file). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createLogger } from '../../src/core/log';
import { ConfigStore } from '../../src/store/config-store';
import { plainDefaults } from '../../src/store/defaults-layer';
import { nodeStoreFs, type StepHook } from '../../src/store/store-fs';

export const DEFAULTS = 'global_defs {\n  router_id shipped_default\n}\n';

export interface StoreDir {
  readonly root: string;
  readonly liveFile: string;
  readonly dataDir: string;
  readonly runtimeDir: string;
  readonly defaultsFile: string;
  readonly logs: string[];
  open(hook?: StepHook, keep?: number): ConfigStore;
  dispose(): void;
}

export function makeStoreDir(): StoreDir {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'halb-store-'));
  fs.mkdirSync(path.join(root, 'etc'));
  fs.writeFileSync(path.join(root, 'defaults.conf'), DEFAULTS);
  fs.writeFileSync(path.join(root, 'etc', 'keepalived.conf'), DEFAULTS);
  return storeDirAt(root);
}

/** The store in a folder made by makeStoreDir (another process's, for the crash tests). */
export function storeDirAt(root: string): StoreDir {
  const liveFile = path.join(root, 'etc', 'keepalived.conf');
  const dataDir = path.join(root, 'data');
  const runtimeDir = path.join(root, 'run');
  const defaultsFile = path.join(root, 'defaults.conf');
  const logs: string[] = [];
  return {
    root,
    liveFile,
    dataDir,
    runtimeDir,
    defaultsFile,
    logs,
    open(hook, keep) {
      const sfs = nodeStoreFs(hook);
      const log = createLogger({ ident: 'halb', detail: false, sink: (l) => logs.push(l) });
      return new ConfigStore(
        { liveFile, dataDir, runtimeDir, keep },
        sfs,
        log,
        plainDefaults(sfs, liveFile, defaultsFile),
      );
    },
    dispose() {
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

export function conf(routerId: string): string {
  return `global_defs {\n  router_id ${routerId}\n}\n`;
}
