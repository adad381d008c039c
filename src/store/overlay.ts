/**
 * /etc/keepalived is an overlay: the firmware's read-only defaults below, the
 * data partition's changes above (rcS mounts it). Removing a file through the
 * merged view would leave a whiteout that hides the default too, so a factory
 * reset instead unmounts the overlay, empties the upper and work directories
 * and mounts it again: the lower layer shows through. Parsing is pure; the
 * remount runs busybox's mount and umount.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

export interface OverlayMount {
  readonly target: string;
  readonly lowerdir: string;
  readonly upperdir: string;
  readonly workdir: string;
}

/** /proc/mounts escapes space, tab, newline and backslash as octal. */
function unescape(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** The overlay mounted on `target`, from the text of /proc/mounts (the last one wins). */
export function findOverlay(procMounts: string, target: string): OverlayMount | null {
  let found: OverlayMount | null = null;
  for (const line of procMounts.split('\n')) {
    const [, mountPoint, type, options] = line.split(' ');
    if (type !== 'overlay' || mountPoint === undefined || unescape(mountPoint) !== target) continue;
    const opts = new Map<string, string>();
    for (const o of (options ?? '').split(',')) {
      const eq = o.indexOf('=');
      if (eq > 0) opts.set(o.slice(0, eq), unescape(o.slice(eq + 1)));
    }
    const lowerdir = opts.get('lowerdir');
    const upperdir = opts.get('upperdir');
    const workdir = opts.get('workdir');
    if (lowerdir && upperdir && workdir) found = { target, lowerdir, upperdir, workdir };
    else found = null;
  }
  return found;
}

export function overlayOn(target: string): OverlayMount | null {
  let text: string;
  try {
    text = fs.readFileSync('/proc/mounts', 'utf8');
  } catch {
    return null;
  }
  return findOverlay(text, target);
}

/** Unmounts the overlay, runs `whileDown` (empty the layers), mounts it again. */
export function remountOverlay(o: OverlayMount, whileDown: () => void): void {
  execFileSync('umount', [o.target], { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    whileDown();
  } finally {
    fs.mkdirSync(o.upperdir, { recursive: true });
    fs.mkdirSync(o.workdir, { recursive: true });
    execFileSync(
      'mount',
      [
        '-t',
        'overlay',
        'overlay',
        '-o',
        `lowerdir=${o.lowerdir},upperdir=${o.upperdir},workdir=${o.workdir}`,
        o.target,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  }
}
