// Bundles src/cli/main.ts into one CommonJS file for Node's single-executable
// support, and the large third-party packages into chunks of their own
// (chunks/NAME.js beside it) that a process loads only when it uses them
// (src/platform/package-chunks.ts). The packages that load native code through
// node-gyp-build (netlink, @serialport/bindings-cpp) get halb's addon loader
// instead, which finds the .node files installed beside the executable or
// embedded in it.
import * as esbuild from 'esbuild';
import { execSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

/** In a chunk: node-gyp-build asks the main script's addon loader (package-chunks.ts provides it). */
const nativeAddons = {
  name: 'halb-native-addons',
  setup(build) {
    build.onResolve({ filter: /^node-gyp-build$/ }, (args) => {
      const name = addonFor(args.importer);
      if (!name) return { errors: [{ text: `no addon mapping for ${args.importer}` }] };
      return { path: name, namespace: 'halb-addon' };
    });
    build.onLoad({ filter: /.*/, namespace: 'halb-addon' }, (args) => ({
      contents: `module.exports = function nodeGypBuild() { return require(${JSON.stringify(`halb:addon/${args.path}`)}); };`,
      loader: 'js',
    }));
    build.onResolve({ filter: /^halb:addon\// }, (args) => ({ path: args.path, external: true }));
  },
};

/** Packages bundled as chunks, and the import paths of each that halb's own code uses. */
const CHUNKED = ['netlink', 'systeminformation', 'serialport'];
const specifiers = new Map(CHUNKED.map((name) => [name, new Set()]));

/** In the main script: an import of a chunked package becomes a loadChunk() call. */
const packageChunks = {
  name: 'halb-package-chunks',
  setup(build) {
    const filter = new RegExp(`^(${CHUNKED.join('|')})(/|$)`);
    build.onResolve({ filter }, (args) => {
      if (args.importer.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const name = filter.exec(args.path)[1];
      specifiers.get(name).add(args.path);
      return { path: args.path, namespace: 'halb-chunk', pluginData: name };
    });
    build.onLoad({ filter: /.*/, namespace: 'halb-chunk' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(path.join(top, 'src/platform/package-chunks.ts'))}).loadChunk(${JSON.stringify(args.pluginData)}, ${JSON.stringify(args.path)});`,
      loader: 'js',
      resolveDir: top,
    }));
  },
};

const common = {
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
};

await esbuild.build({
  ...common,
  entryPoints: [path.join(top, 'src/cli/main.ts')],
  outfile: out,
  define: {
    __HALB_BUILD__: JSON.stringify({
      version: pkg.version,
      commit,
      builtAt: new Date().toISOString(),
    }),
  },
  plugins: [packageChunks],
});
finish(out);

const chunkDir = path.join(path.dirname(out), 'chunks');
mkdirSync(chunkDir, { recursive: true });
for (const [name, specs] of specifiers) {
  if (specs.size === 0) continue;
  const file = path.join(chunkDir, `${name}.js`);
  await esbuild.build({
    ...common,
    stdin: {
      contents: `module.exports = {${[...specs].map((s) => `${JSON.stringify(s)}: require(${JSON.stringify(s)})`).join(', ')}};`,
      resolveDir: top,
      loader: 'js',
    },
    outfile: file,
    plugins: [nativeAddons],
  });
  finish(file);
}

/** Post-processing of a bundle (the main script or a chunk); exits on a bundle V8 would hold badly. */
function finish(file) {
  // `import * as fs from 'node:fs'` becomes `__toESM(require("node:fs"))`:
  // a copy of the module with one getter closure (and its context and accessor
  // pair) per export, made again in every importing module at start. 41 modules
  // import node:fs, 24 node:path, 23 node:net...: 4,700 getters, about 1 MB of
  // every process's heap. Where the module's default export is never read, the
  // copy gives nothing that the module object does not: use it as it is.
  const bundled = readFileSync(file, 'utf8');
  const copies = [
    ...bundled.matchAll(/([\w$]+)=__toESM\((require(?:\("node:[\w/]+"\)|_[\w$]+\(\)))\)/g),
  ];
  let text = bundled;
  for (const [whole, name, req] of copies) {
    if (new RegExp(`(?<![\\w$])${name.replace(/\$/g, '\\$')}\\.default\\b`).test(bundled)) continue;
    text = text.replace(whole, `${name}=${req}`);
  }
  writeFileSync(file, text);

  // One character above U+00FF (a regex literal esbuild cannot escape) would
  // double the source's size in every process's heap: refuse the bundle.
  const wide = text.search(/[^\u0000-\u00ff]/u);
  if (wide >= 0) {
    const line = text.slice(0, wide).split('\n').length;
    console.error(
      `bundle: ${file}:${line}: character U+${text.codePointAt(wide).toString(16).toUpperCase()} is not Latin-1; V8 would hold the whole source as UTF-16 (escape it in the source)`,
    );
    process.exit(1);
  }
}
