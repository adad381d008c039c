/**
 * What the daemon reports about the store, read cheaply: the generation in a
 * config file's header (without checking the sum: the store already did) and
 * the fallback flag that `halb config recover` sets.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FALLBACK_FLAG } from './config-store';
import { parseHeader } from './generation';

export function headerGenerationOf(file: string): number | null {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const buf = Buffer.alloc(256);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    const text = buf.subarray(0, n).toString('utf8');
    const nl = text.indexOf('\n');
    return parseHeader(nl < 0 ? text : text.slice(0, nl))?.generation ?? null;
  } finally {
    fs.closeSync(fd);
  }
}

export function fallbackFlag(runtimeDir: string): string | null {
  try {
    return fs.readFileSync(path.join(runtimeDir, FALLBACK_FLAG), 'utf8').trim() || null;
  } catch {
    return null;
  }
}
