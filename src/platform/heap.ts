/**
 * One compacting, memory-reducing garbage collection ("last resort" in V8's
 * terms) once a start or a reload has settled: V8 keeps the heap pages that
 * the burst of parsing and setting up grew, half empty, for as long as the
 * process runs (in the firmware VM 18 MB of old space for 14 MB of live
 * objects, against 9 MB when the same config is loaded at start on the host).
 * This gives them back. It stops the event loop for the length of a full
 * collection (milliseconds for these heaps), once, after work that stopped it
 * far longer. HALB_COMPACT=0 turns it off, to measure what it saves.
 *
 * Between its own major collections V8 lets a heap grow with garbage (on the
 * host, over 8 minutes, the daemon from 21 to 28 MB and the checker process
 * from 17 to 24 MB, with 12 and 13 MB live). So the processes compact again
 * whenever the heap has grown by 1 MB since the last compaction (looked at
 * every 5 s: compactPeriodically; 2 MB every 10 s let the daemon reach 36 MB
 * in one firmware run of three): the supervisor and the checker process
 * always, the VRRP daemon only while every instance's advert_int is 1 s or
 * more (a compaction takes 7-23 ms on the host, tens of milliseconds on a slow
 * board: at advert_int 0.05 that would eat into the three intervals a backup
 * waits). Each compaction ends with malloc_trim(0): see trimMalloc.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { halbSys } from './halb-sys';

type Gc = (options?: { type: string; execution: string; flavor: string }) => void;
let gc: Gc | undefined;

/**
 * The heap's smallest committed size seen since the last compaction (the
 * figures right after one still count what its sweeping is about to free);
 * undefined while a burst settles.
 */
let base: number | undefined;
let every: NodeJS.Timeout | undefined;

/** How often the heap's size is looked at, and by how much it may grow before a compaction. */
export const CHECK_MS = 5000;
export const GROWTH_BYTES = 1024 * 1024;

export function compactHeap(): void {
  if (process.env.HALB_COMPACT === '0') return;
  try {
    if (!gc) {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as Gc;
    }
    gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    base = v8.getHeapStatistics().total_heap_size;
  } catch {
    /* an engine without it: nothing to give back this way */
  }
  trimMalloc();
}

/**
 * What the collection freed outside V8's heap (buffers, netlink messages,
 * addon allocations) sits in malloc's free lists; a reload's burst leaves
 * megabytes there. Give the free pages back.
 */
function trimMalloc(): void {
  try {
    halbSys().mallocTrim();
  } catch {
    /* no addon (a unit test): nothing to trim */
  }
}

/** A burst (start, reload) is under way: no compaction for growth until the next compactHeap(). */
export function heapSettling(): void {
  base = undefined;
}

/** Whether a heap of `size` bytes has grown enough since the last compaction to compact again. */
export function grownSince(last: number | undefined, size: number): boolean {
  return last !== undefined && size >= last + GROWTH_BYTES;
}

/**
 * From now on, every CHECK_MS, compacts when the heap has grown by
 * GROWTH_BYTES since the last compaction (once set, further calls change
 * nothing); `false` stops it. Sized on growth, not on a clock: the aftermath
 * of a reload on a slow board can outlast the compaction that follows it, and
 * a quiet process is not stopped for nothing.
 */
export function compactPeriodically(on = true): void {
  if (!on) {
    if (every) clearInterval(every);
    every = undefined;
    return;
  }
  every ??= setInterval(() => {
    const size = v8.getHeapStatistics().total_heap_size;
    if (grownSince(base, size)) compactHeap();
    else if (base !== undefined && size < base) base = size;
  }, CHECK_MS).unref();
}
