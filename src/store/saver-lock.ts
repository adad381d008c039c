/**
 * One saver at a time: the console, `halb config` and the commit-confirm
 * watcher may all change the store. A lock file in the runtime folder (tmpfs:
 * a reboot clears it) holds the saver's pid; a lock whose pid is gone (a saver
 * killed mid-save) is taken over. Waits briefly, then says who holds it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const LOCK_FILE = 'config-save.lock';

const pause = new Int32Array(new SharedArrayBuffer(4));
const sleepSync = (ms: number): void => void Atomics.wait(pause, 0, 0, ms);

/** Whether a process with this pid exists (EPERM: it does, another user's). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class SaverBusy extends Error {
  override readonly name = 'SaverBusy';
}

/** Runs `fn` holding the lock; throws SaverBusy when another live saver keeps it past `waitMs`. */
export function withSaverLock<T>(runtimeDir: string, fn: () => T, waitMs = 10000): T {
  const file = path.join(runtimeDir, LOCK_FILE);
  fs.mkdirSync(runtimeDir, { recursive: true });
  const deadline = Date.now() + waitMs;
  // The lock appears with its pid already in it (link() of a written file):
  // created empty and written after, a second saver reading it in between
  // took it for a dead saver's and both saved at once (seen in the unit test).
  const mine = `${file}.${process.pid}`;
  fs.writeFileSync(mine, String(process.pid), { mode: 0o600 });
  try {
    for (;;) {
      try {
        fs.linkSync(mine, file);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      let held: string;
      try {
        held = fs.readFileSync(file, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // released meanwhile
        throw e;
      }
      const holder = Number(held.trim() || NaN);
      if (Number.isInteger(holder) && holder !== process.pid && pidAlive(holder)) {
        if (Date.now() > deadline)
          throw new SaverBusy(`another save (pid ${holder}) is under way; try again`);
        sleepSync(20);
        continue;
      }
      // Its saver is gone: take it over. Moved aside first, then looked at: of two
      // savers that both found it dead, the second may have moved the lock the
      // first has just taken, and puts it back.
      const aside = `${file}.stale.${process.pid}`;
      try {
        fs.renameSync(file, aside);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw e;
      }
      try {
        if (fs.readFileSync(aside, 'utf8') !== held) fs.linkSync(aside, file);
      } catch {
        /* another saver has taken it meanwhile: it holds the lock */
      } finally {
        fs.rmSync(aside, { force: true });
      }
    }
  } finally {
    fs.rmSync(mine, { force: true });
  }
  try {
    return fn();
  } finally {
    fs.rmSync(file, { force: true });
  }
}
