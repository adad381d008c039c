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
 * from 17 to 24 MB, with 12 and 13 MB live). The processes off the VRRP
 * path (the supervisor, the checker process) compact every minute
 * (compactPeriodically: 7-17 ms each on the host); the VRRP daemon only while
 * every instance's advert_int is 1 s or more (7-23 ms on the host, tens of
 * milliseconds on a slow board: at advert_int 0.05 that would eat into the
 * three intervals a backup waits).
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

type Gc = (options?: { type: string; execution: string; flavor: string }) => void;
let gc: Gc | undefined;

export function compactHeap(): void {
  if (process.env.HALB_COMPACT === '0') return;
  try {
    if (!gc) {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as Gc;
    }
    gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  } catch {
    /* an engine without it: nothing to give back this way */
  }
}

let every: NodeJS.Timeout | undefined;

/** compactHeap() every `ms` from now on (once set, further calls change nothing); `false` stops it. */
export function compactPeriodically(on: boolean | number = true): void {
  if (on === false) {
    if (every) clearInterval(every);
    every = undefined;
    return;
  }
  every ??= setInterval(compactHeap, on === true ? 60000 : on).unref();
}
