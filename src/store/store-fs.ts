/**
 * The file-system operations the store needs, each one step that a crash can
 * fall between. `nodeStoreFs` is the real one; `afterStep` is the test hook
 * the crash-injection test uses to die after step k.
 */
import * as fs from 'node:fs';

export interface StoreFs {
  readFile(file: string): string | null;
  readDir(dir: string): string[];
  mkdirp(dir: string): void;
  /** Creates or truncates `file`, writes, fsyncs and closes it. */
  writeDurable(file: string, data: string, mode: number): void;
  rename(from: string, to: string): void;
  unlink(file: string): void;
  removeTree(dir: string): void;
  fsyncDir(dir: string): void;
  exists(file: string): boolean;
}

/** Called after every step of a write with its name ("write", "fsync", "rename"...). */
export type StepHook = (step: string) => void;

export function nodeStoreFs(afterStep: StepHook = () => {}): StoreFs {
  return {
    readFile(file) {
      try {
        return fs.readFileSync(file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
    readDir(dir) {
      try {
        return fs.readdirSync(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
    },
    mkdirp(dir) {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    },
    writeDurable(file, data, mode) {
      const fd = fs.openSync(file, 'w', mode);
      afterStep(`open ${file}`);
      try {
        const buf = Buffer.from(data, 'utf8');
        // Two halves, so a crash can leave a torn temp file as a real one could.
        const half = buf.length >> 1;
        fs.writeSync(fd, buf, 0, half, 0);
        afterStep(`write-half ${file}`);
        fs.writeSync(fd, buf, half, buf.length - half, half);
        afterStep(`write ${file}`);
        fs.fsyncSync(fd);
        afterStep(`fsync ${file}`);
      } finally {
        fs.closeSync(fd);
      }
    },
    rename(from, to) {
      fs.renameSync(from, to);
      afterStep(`rename ${to}`);
    },
    unlink(file) {
      fs.rmSync(file, { force: true });
      afterStep(`unlink ${file}`);
    },
    removeTree(dir) {
      fs.rmSync(dir, { recursive: true, force: true });
      afterStep(`remove ${dir}`);
    },
    fsyncDir(dir) {
      const fd = fs.openSync(dir, 'r');
      try {
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      afterStep(`fsync-dir ${dir}`);
    },
    exists(file) {
      return fs.existsSync(file);
    },
  };
}

/**
 * Atomic replace: a temp file in the same directory, written and fsynced,
 * renamed over the target, then the directory fsynced so the rename itself
 * survives a power cut. A crash leaves the old file or the new one.
 */
export function atomicWrite(sfs: StoreFs, file: string, data: string, mode = 0o600): void {
  const dir = file.slice(0, file.lastIndexOf('/')) || '/';
  const tmp = `${dir}/.${file.slice(dir.length + 1)}.tmp`;
  sfs.writeDurable(tmp, data, mode);
  sfs.rename(tmp, file);
  sfs.fsyncDir(dir);
}

/** Temp files a crash left behind (`.NAME.tmp`), to be removed before the next write. */
export function isTempName(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp');
}
