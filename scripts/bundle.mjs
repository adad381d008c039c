// Bundles src/cli/main.ts into one CommonJS file for Node's single-executable
// support. The packages that load native code through node-gyp-build (netlink,
// @serialport/bindings-cpp) get halb's addon loader instead, which finds the
// .node files installed beside the executable or embedded in it.
import * as esbuild from 'esbuild';
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const top = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const out = process.argv[2] ?? path.join(top, 'build/sea/halb.js');
const pkg = JSON.parse(readFileSync(path.join(top, 'package.json'), 'utf8'));
let commit = 'unknown';
try {
  commit = execSync('git describe --always --dirty', {
    cwd: top,
    stdio: ['ignore', 'pipe', 'ignore'],
  })
    .toString()
    .trim();
} catch {
  /* not a git checkout */
}

const addonFor = (importer) => {
  if (importer.includes(`${path.sep}netlink${path.sep}`)) return 'netlink';
  if (importer.includes(`${path.sep}bindings-cpp${path.sep}`)) return 'serialport';
  return undefined;
};

const nativeAddons = {
  name: 'halb-native-addons',
  setup(build) {
    build.onResolve({ filter: /^node-gyp-build$/ }, (args) => {
      const name = addonFor(args.importer);
      if (!name) return { errors: [{ text: `no addon mapping for ${args.importer}` }] };
      return { path: name, namespace: 'halb-addon' };
    });
    build.onLoad({ filter: /.*/, namespace: 'halb-addon' }, (args) => ({
      contents: `const { loadAddon } = require(${JSON.stringify(path.join(top, 'src/platform/native-addons.ts'))});
module.exports = function nodeGypBuild() { return loadAddon(${JSON.stringify(args.path)}); };`,
      loader: 'js',
      resolveDir: top,
    }));
  },
};

await esbuild.build({
  entryPoints: [path.join(top, 'src/cli/main.ts')],
  outfile: out,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Whitespace and syntax minified (names kept for stack traces), and ASCII
  // only: V8 keeps the whole source in every process's heap, two bytes per
  // character as soon as one character is not Latin-1.
  minifyWhitespace: true,
  minifySyntax: true,
  minifyIdentifiers: false,
  charset: 'ascii',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  define: {
    __HALB_BUILD__: JSON.stringify({
      version: pkg.version,
      commit,
      builtAt: new Date().toISOString(),
    }),
  },
  plugins: [nativeAddons],
});

// One character above U+00FF (a regex literal esbuild cannot escape) would
// double the source's size in every process's heap: refuse the bundle.
const text = readFileSync(out, 'utf8');
const wide = text.search(/[^\u0000-\u00ff]/u);
if (wide >= 0) {
  const line = text.slice(0, wide).split('\n').length;
  console.error(
    `bundle: ${out}:${line}: character U+${text.codePointAt(wide).toString(16).toUpperCase()} is not Latin-1; V8 would hold the whole source as UTF-16 (escape it in the source)`,
  );
  process.exit(1);
}
