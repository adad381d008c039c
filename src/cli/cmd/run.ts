/**
 * `halb run` / `keepalived`: runs the daemon in the foreground, or (keepalived
 * without -n) starts a detached copy of itself with -n and returns, as
 * keepalived's fork does.
 */
import { spawn } from 'node:child_process';
import { createLogger } from '../../core/log';
import * as fs from 'node:fs';
import { DEFAULT_BOARD_FILE, loadBoard, type Board } from '../../board/board';
import type { Logger } from '../../core/log';
import { startHeartbeat } from '../../supervisor/heartbeat-sender';
import { Supervisor } from '../../supervisor/supervisor';
import type { RunOptions } from '../commands';

/**
 * An appliance (a board file, given or at its default place) runs supervised;
 * a plain `halb run` elsewhere (a lab, a developer's machine, the keepalived
 * personality) runs the daemon in this process, as keepalived -n would.
 */
function supervisedBoard(opts: RunOptions): Board | null {
  const file = opts.boardFile ?? DEFAULT_BOARD_FILE;
  if (!opts.boardFile && !fs.existsSync(file)) return null;
  try {
    return loadBoard(file);
  } catch {
    return null; // the daemon reports the bad board file itself
  }
}

async function supervise(
  board: Board,
  opts: RunOptions,
  argv: readonly string[],
  entry: string[],
  log: Logger,
): Promise<number> {
  const sup = new Supervisor([{ name: 'daemon', argv: [...entry, ...argv] }], log, {
    runtimeDir: opts.runtimeDir,
    watchdog: board.watchdog
      ? { device: board.watchdog.device, timeoutS: board.watchdog.timeoutS }
      : undefined,
  });
  log.info(`Supervisor for board ${board.name} (pid ${process.pid})`);
  sup.start();
  return new Promise<number>((resolve) => {
    const stop = (): void => {
      void sup
        .stop()
        .then(() => resolve(process.exitCode === undefined ? 0 : Number(process.exitCode)));
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    process.on('SIGHUP', () => sup.signal('SIGHUP'));
    // keepalived's parent passes its data and statistics signals on; by default they would kill this.
    process.on('SIGUSR1', () => sup.signal('SIGUSR1'));
    process.on('SIGUSR2', () => sup.signal('SIGUSR2'));
  });
}

export async function runCommand(
  opts: RunOptions,
  argv: readonly string[],
  entry: string[],
): Promise<number> {
  if (!opts.foreground) {
    const child = spawn(entry[0] as string, [...entry.slice(1), ...argv, '-n'], {
      detached: true,
      stdio: 'ignore',
      argv0: process.argv0,
    });
    child.unref();
    return 0;
  }
  const log = createLogger({
    ident: 'halb',
    detail: opts.logDetail,
    sink: (line) => process.stderr.write(line + '\n'),
  });
  const board = supervisedBoard(opts);
  if (board && !process.env.HALB_HEARTBEAT_FD) return supervise(board, opts, argv, entry, log);
  // Loaded here, not at the top: the supervisor process never needs the
  // daemon's modules (config, VRRP, IPVS, netlink), and each one it loaded
  // stayed in its heap for the box's lifetime.
  const { Daemon, ConfigRefused } =
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('../../daemon/daemon') as typeof import('../../daemon/daemon');
  const daemon = new Daemon(opts, log, entry);
  // Under a supervisor: heartbeats on its pipe from the first moment, and die with it.
  const beat = startHeartbeat(() => daemon.staleChildren());
  try {
    await daemon.start();
  } catch (err) {
    log.error((err as Error).message);
    return err instanceof ConfigRefused ? 2 : 1;
  }
  return new Promise<number>((resolve) => {
    const stop = (): void => {
      beat?.stop();
      void daemon.stop().then(() => resolve(0));
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    process.on('SIGHUP', () => daemon.reload());
    process.on('SIGUSR1', () => daemon.printData());
    process.on('SIGUSR2', () => daemon.printStats());
  });
}
