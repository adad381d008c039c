/**
 * Gives back the executable's pages this process mapped while starting (or
 * reloading) and does not use since: native/halb_trim.c says how and why.
 * Each Node process of the runtime maps tens of MB of the executable's text
 * and read-only data at start; the working set is a few MB. Runs shortly
 * after the burst and once more when the first garbage collections and lazy
 * compilations are over, then with the JS heap compacted first (heap.ts).
 * Never fails the caller: without the addon nothing happens.
 * HALB_TRIM=0 turns it off, to measure what it saves (bench/appliance-memory).
 */
import * as fs from 'node:fs';
import { compactHeap, heapSettling } from './heap';
import { halbSys } from './halb-sys';

const DELAYS_MS = [2000, 20000];
let timers: NodeJS.Timeout[] = [];

function trimNow(): number {
  if (process.env.HALB_TRIM === '0') return 0;
  try {
    return halbSys().trimMappings(fs.realpathSync(process.execPath));
  } catch {
    return 0;
  }
}

/**
 * Trims twice in the next 20 s, the second time after compacting the heap. A
 * new burst (a reload soon after the start) starts the count again: the
 * compaction must come after the last one.
 */
export function trimSoon(report?: (kb: number) => void): void {
  for (const t of timers) clearTimeout(t);
  heapSettling();
  timers = DELAYS_MS.map((ms, i) =>
    setTimeout(() => {
      if (i === DELAYS_MS.length - 1) compactHeap();
      const kb = trimNow();
      report?.(kb);
    }, ms).unref(),
  );
}
