/**
 * Large third-party packages (netlink, systeminformation, serialport) kept out
 * of the executable's main script and loaded only by the processes that use
 * them. V8 keeps a script's whole source in the heap of every process that
 * runs it, and these were more than half of it (730 of 1,290 KB): the
 * supervisor, which uses none of them, held all three, and the VRRP daemon and
 * the checker process held systeminformation and serialport, which only the
 * console uses. scripts/bundle.mjs bundles each package on its own and
 * embeds it as a SEA asset (`chunks/NAME.js`, beside the bundle in
 * build/sea/chunks/ outside an executable); the main script reaches a package
 * only through loadChunk().
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { loadAddon, seaApi, type AddonName } from './native-addons';

/** What a chunk may require beyond Node's built-in modules. */
const PROVIDED: Record<string, () => unknown> = {
  'halb:addon/netlink': () => loadAddon('netlink' satisfies AddonName),
  'halb:addon/serialport': () => loadAddon('serialport' satisfies AddonName),
};

const loaded = new Map<string, Record<string, unknown>>();

/** The chunk's source: a SEA asset, or (not a single executable) the file beside the bundle. */
function chunkSource(name: string): string {
  const sea = seaApi();
  if (sea) return sea.getAsset(`chunks/${name}.js`, 'utf8');
  return fs.readFileSync(path.join(__dirname, 'chunks', `${name}.js`), 'latin1');
}

/**
 * The exports of `specifier` (one of the package's import paths the main
 * script uses) from chunk `name`, which is run once per process.
 */
export function loadChunk(name: string, specifier: string): unknown {
  let chunk = loaded.get(name);
  if (!chunk) {
    const filename = `halb:chunks/${name}.js`;
    const run = vm.compileFunction(
      chunkSource(name),
      ['exports', 'require', 'module', '__filename', '__dirname'],
      { filename },
    );
    const module = { exports: {} as Record<string, unknown> };
    const req = (id: string): unknown => {
      const provided = PROVIDED[id];
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return provided ? provided() : require(id);
    };
    // A package's __dirname only reaches node-gyp-build, which this build replaces.
    run(module.exports, req, module, filename, path.dirname(process.execPath));
    chunk = module.exports;
    loaded.set(name, chunk);
  }
  if (!(specifier in chunk)) throw new Error(`chunk ${name} has no ${specifier}`);
  return chunk[specifier];
}
