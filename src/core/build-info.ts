/**
 * What this executable is: version, commit and the Node it runs on. The single
 * executable gets the values from the bundler (`__HALB_BUILD__`); a development
 * run from `build/` reads package.json instead.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface BuildInfo {
  readonly version: string;
  readonly commit: string;
  readonly builtAt: string;
  readonly bundled: boolean;
}

declare const __HALB_BUILD__: { version: string; commit: string; builtAt: string } | undefined;

function findPackageJson(from: string): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

export function buildInfo(): BuildInfo {
  if (typeof __HALB_BUILD__ !== 'undefined') return { ...__HALB_BUILD__, bundled: true };
  const pkgPath = findPackageJson(__dirname);
  const version = pkgPath
    ? String((JSON.parse(fs.readFileSync(pkgPath, 'utf8')) as { version?: unknown }).version)
    : '0.0.0';
  return { version, commit: 'dev', builtAt: 'unbuilt', bundled: false };
}

export function versionLine(info: BuildInfo = buildInfo()): string {
  return `halb ${info.version} (${info.commit}) node ${process.version} ${process.platform}-${process.arch}`;
}
