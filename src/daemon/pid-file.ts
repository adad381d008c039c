/**
 * The daemon's pid file (keepalived's pidfile.c): written at start through a
 * temporary file and a rename, so a reader never sees it half written;
 * removed at stop, with the directory when this process made it (keepalived's
 * /run/keepalived/ for `use_pid_dir` and `instance`) and nothing else is in it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export class PidFile {
  private madeDir: string | undefined;

  constructor(readonly file: string | undefined) {}

  write(pid = process.pid): void {
    if (this.file === undefined) return;
    const dir = path.dirname(this.file);
    if (!fs.existsSync(dir)) {
      fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
      this.madeDir = dir;
    }
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, `${pid}\n`, { mode: 0o644 });
    fs.renameSync(tmp, this.file);
  }

  remove(): void {
    if (this.file === undefined) return;
    fs.rmSync(this.file, { force: true });
    if (this.madeDir === undefined) return;
    try {
      fs.rmdirSync(this.madeDir);
    } catch {
      /* another instance's pid file is in it */
    }
  }
}

/** Where keepalived keeps run-time state (RUNSTATEDIR); HALB_RUNSTATEDIR moves it for tests. */
export function runStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.HALB_RUNSTATEDIR?.startsWith('/') ? env.HALB_RUNSTATEDIR : '/run';
}
