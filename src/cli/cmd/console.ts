/**
 * `halb console`: the setup menu on the board's serial console, opened
 * through `serialport` (raw mode; the console does its own echo and line
 * editing). It loops forever: login, menu, logout, login... init respawns
 * it if it dies. The shell menu entry lends the device to /bin/sh.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { loadBoard, type Board } from '../../board/board';
import { consoleSession } from '../../console/session';
import { PortRelay } from '../../console/port-relay';
import { realContext } from '../../console/real-context';
import { StreamTerminal } from '../../console/terminal';
import { buildInfo } from '../../core/build-info';
import { createLogger } from '../../core/log';
import { openSerial } from '../../leds/panel/serial-transport';
import type { ConsoleOptions } from '../commands';

function runShell(device: string): Promise<void> {
  return new Promise((resolve) => {
    const fd = fs.openSync(device, 'r+');
    const child = spawn(
      'setsid',
      ['-c', '/bin/sh', '-c', 'stty sane 2>/dev/null; exec /bin/sh -l'],
      { stdio: [fd, fd, fd], env: { ...process.env, TERM: 'vt100' } },
    );
    const done = (): void => {
      fs.closeSync(fd);
      resolve();
    };
    child.once('exit', done);
    child.once('error', done);
  });
}

export async function consoleCommand(o: ConsoleOptions, err: (s: string) => void): Promise<number> {
  const board: Board | null = fs.existsSync(o.boardFile) ? loadBoard(o.boardFile) : null;
  const device = o.device ?? board?.console.device;
  const baud = o.baud ?? board?.console.baud ?? 115200;
  if (!device) {
    err(
      `halb console: no serial device: give --device, or a board file (${o.boardFile} is missing)`,
    );
    return 64;
  }
  const log = createLogger({ ident: 'halb-console', detail: false, sink: err });
  const relay = new PortRelay(() => openSerial(device, baud));
  await relay.attach();
  const term = new StreamTerminal(relay);
  const banner = `halb ${buildInfo().version} on ${os.hostname()}${board ? ` (${board.name})` : ''}`;
  const ctx = realContext({
    banner,
    liveFile: o.liveFile,
    dataDir: o.dataDir,
    runtimeDir: o.runtimeDir,
    defaultsFile: o.defaultsFile,
    boardNics: board?.nics ?? [],
    log,
    reboot: async () => {
      spawn('reboot', [], { stdio: 'ignore', detached: true }).unref();
      await new Promise(() => undefined); // init stops us
    },
    shell: async () => {
      await relay.detach();
      try {
        await runShell(device);
      } finally {
        await relay.attach();
      }
    },
  });
  log.info(`console menu on ${device} at ${baud} baud`);
  for (;;) await consoleSession(term, ctx);
}
