/**
 * Finds and loads the native addons (netlink's and serialport's prebuilds, and
 * the project's own halb_sys) wherever this build keeps them:
 *
 *  1. installed next to the executable, `<exe>/../lib/halb/addons/<name>.node`
 *     (the firmware image: loaded in place from the read-only root);
 *  2. embedded in the single executable as SEA assets, written once under a
 *     content-hashed name to an exec-allowed runtime directory (`/run/halb`,
 *     `$XDG_RUNTIME_DIR`, the temp dir) and loaded from there;
 *  3. a development run: the package's own prebuild, or build/native/<arch>/.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export type AddonName = 'netlink' | 'serialport' | 'halb_sys';
export const ADDON_NAMES: readonly AddonName[] = ['netlink', 'serialport', 'halb_sys'];

export interface AddonLoad {
  readonly name: AddonName;
  readonly source: 'installed' | 'embedded' | 'development';
  readonly path: string;
}

interface SeaApi {
  isSea(): boolean;
  getRawAsset(key: string): ArrayBuffer;
  getAsset(key: string, encoding: string): string;
}

const loaded = new Map<AddonName, { exports: unknown; load: AddonLoad }>();

/** node:sea when this process is the single executable, else undefined. */
export function seaApi(): SeaApi | undefined {
  try {
    // node:sea exists from Node 20.12; older Node or a non-SEA run has no assets.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sea = require('node:sea') as SeaApi;
    return sea.isSea() ? sea : undefined;
  } catch {
    return undefined;
  }
}

function runtimeDirs(): string[] {
  const dirs = [process.env.HALB_ADDON_DIR, '/run/halb/addons'];
  if (process.env.XDG_RUNTIME_DIR) dirs.push(path.join(process.env.XDG_RUNTIME_DIR, 'halb-addons'));
  dirs.push(path.join(os.tmpdir(), `halb-addons-${process.getuid?.() ?? 0}`));
  return dirs.filter((d): d is string => typeof d === 'string' && d.length > 0);
}

/** Writes bytes under a content-hashed name (atomically) in the first usable dir. */
function materialise(name: AddonName, bytes: Buffer): string {
  const hash = crypto.createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  const errors: string[] = [];
  for (const dir of runtimeDirs()) {
    const file = path.join(dir, `${name}-${hash}.node`);
    try {
      if (fs.existsSync(file) && fs.statSync(file).size === bytes.length) return file;
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, bytes, { mode: 0o500 });
      fs.renameSync(tmp, file);
      return file;
    } catch (err) {
      errors.push(`${dir}: ${(err as Error).message}`);
    }
  }
  throw new Error(
    `cannot write the ${name} addon to any runtime directory (${errors.join('; ')}); ` +
      'mount an exec-allowed tmpfs on /run or set HALB_ADDON_DIR',
  );
}

function dlopen(file: string): unknown {
  const mod = { exports: {} as unknown };
  process.dlopen(mod, file);
  return mod.exports;
}

function developmentPath(name: AddonName): string {
  const root = path.resolve(__dirname, '..', '..', '..');
  const arch = process.arch;
  switch (name) {
    case 'halb_sys':
      return path.join(root, 'build', 'native', arch, 'halb_sys.node');
    case 'netlink':
      return path.join(
        root,
        'node_modules',
        'netlink',
        'prebuilds',
        `linux-${arch}`,
        'node.napi.node',
      );
    case 'serialport': {
      const dir = path.join(
        root,
        'node_modules',
        '@serialport',
        'bindings-cpp',
        'prebuilds',
        `linux-${arch}`,
      );
      const file = fs.readdirSync(dir).find((f) => f.endsWith('.glibc.node'));
      return path.join(dir, file ?? 'missing.node');
    }
  }
}

function locate(name: AddonName): { file: string; source: AddonLoad['source'] } {
  const installed = path.join(
    path.dirname(process.execPath),
    '..',
    'lib',
    'halb',
    'addons',
    `${name}.node`,
  );
  const sea = seaApi();
  if (sea) {
    if (fs.existsSync(installed)) return { file: installed, source: 'installed' };
    const bytes = Buffer.from(sea.getRawAsset(`addons/${name}.node`));
    return { file: materialise(name, bytes), source: 'embedded' };
  }
  return { file: developmentPath(name), source: 'development' };
}

/** Loads an addon once; later calls return the same exports. */
export function loadAddon<T = unknown>(name: AddonName): T {
  const cached = loaded.get(name);
  if (cached) return cached.exports as T;
  const { file, source } = locate(name);
  const exports = dlopen(file);
  loaded.set(name, { exports, load: { name, source, path: file } });
  return exports as T;
}

/** Loads every addon and says where each came from, or why it failed. */
export function probeAddons(): Array<AddonLoad | { name: AddonName; error: string }> {
  return ADDON_NAMES.map((name) => {
    try {
      loadAddon(name);
      const entry = loaded.get(name);
      if (!entry) throw new Error('not recorded');
      return entry.load;
    } catch (err) {
      return { name, error: (err as Error).message };
    }
  });
}
