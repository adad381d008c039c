/**
 * How a factory reset brings the shipped defaults back. On the firmware the
 * config folder is an overlay (see overlay.ts) and the defaults are its lower
 * layer; elsewhere (a development machine, the tests) the defaults are a plain
 * file copied over the live one, or no file at all.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { overlayOn, remountOverlay, type OverlayMount } from './overlay';
import type { DefaultsLayer } from './config-store';
import { atomicWrite, type StoreFs } from './store-fs';

/** Empties the overlay's upper and work directories while it is unmounted. */
export function overlayDefaults(o: OverlayMount): DefaultsLayer {
  const empty = (dir: string): void => {
    for (const name of fs.readdirSync(dir)) fs.rmSync(path.join(dir, name), { recursive: true });
  };
  return {
    describe: `overlay ${o.target}: upper layer ${o.upperdir} emptied, defaults from ${o.lowerdir} show through`,
    restoreDefaults: () =>
      remountOverlay(o, () => {
        empty(o.upperdir);
        empty(o.workdir);
        syncDir(path.dirname(o.upperdir));
        syncDir(o.upperdir);
      }),
  };
}

/** Copies `defaultsFile` over the live file, or removes the live file when there is none. */
export function plainDefaults(
  sfs: StoreFs,
  liveFile: string,
  defaultsFile: string | undefined,
): DefaultsLayer {
  return {
    describe: defaultsFile ? `copied ${defaultsFile} to ${liveFile}` : `removed ${liveFile}`,
    restoreDefaults: () => {
      const text = defaultsFile ? sfs.readFile(defaultsFile) : null;
      if (text !== null) atomicWrite(sfs, liveFile, text, 0o644);
      else {
        sfs.unlink(liveFile);
        sfs.fsyncDir(path.dirname(liveFile));
      }
    },
  };
}

/** The overlay when the live file's folder is one, else plain. */
export function defaultsFor(
  sfs: StoreFs,
  liveFile: string,
  defaultsFile: string | undefined,
): DefaultsLayer {
  const o = overlayOn(path.dirname(liveFile));
  return o ? overlayDefaults(o) : plainDefaults(sfs, liveFile, defaultsFile);
}

function syncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
