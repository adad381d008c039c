/**
 * What the daemon reports about the store, read cheaply: the generation in a
 * config file's header (without checking the sum: the store already did) and
 * the fallback flag that `halb config recover` sets, and the flag rcS sets
 * when the data partition is missing and the box runs on defaults in RAM.
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

/** Set by rcS (RUNTIME/data-volatile) when the data partition could not be mounted. */
export const VOLATILE_FLAG = 'data-volatile';

export function dataVolatile(runtimeDir: string): boolean {
  return fs.existsSync(path.join(runtimeDir, VOLATILE_FLAG));
}

/**
 * Whether VRRP may announce what a config says. On RAM defaults (no data
 * partition) only a config saved by the user since boot (it has a store
 * header) may: the shipped defaults, or a file nobody saved, never announce
 * VIPs the box was not configured for.
 */
export function mayAnnounce(volatile: boolean, generation: number | null): boolean {
  return !volatile || generation !== null;
}
