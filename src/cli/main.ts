/**
 * The executable's entry. `halb <command>` or, through a link named
 * `keepalived`, keepalived's command line.
 */
import { UsageError } from './argv';
import type { Command } from './commands';
import { parseHalbArgs } from './halb-args';
import { parseKeepalivedArgs } from './keepalived-args';
import { personality } from './personality';

/*
 * Each command's module is loaded when that command runs, not all of them at
 * every start: on a slow CPU, loading the daemon, checkers and console was
 * most of a short command's time (`halb ipvs-apply` needs none of them).
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const cmds = {
  check: (): typeof import('./cmd/check') => require('./cmd/check'),
  config: (): typeof import('./cmd/config') => require('./cmd/config'),
  run: (): typeof import('./cmd/run') => require('./cmd/run'),
  status: (): typeof import('./cmd/status') => require('./cmd/status'),
  version: (): typeof import('./cmd/version') => require('./cmd/version'),
  checkers: (): typeof import('./cmd/checkers') => require('./cmd/checkers'),
  ipvs: (): typeof import('./cmd/ipvs') => require('./cmd/ipvs'),
  ipvsList: (): typeof import('./cmd/ipvs-list') => require('./cmd/ipvs-list'),
  leds: (): typeof import('./cmd/leds') => require('./cmd/leds'),
  console: (): typeof import('./cmd/console') => require('./cmd/console'),
  net: (): typeof import('./cmd/net') => require('./cmd/net'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

const out = (s: string): void => void process.stdout.write(s + '\n');
const err = (s: string): void => void process.stderr.write(s + '\n');

/** How this process can start itself again: [executable, script?]. */
function selfEntry(): string[] {
  const isSea = (() => {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return (require('node:sea') as { isSea(): boolean }).isSea();
    } catch {
      return false;
    }
  })();
  return isSea ? [process.execPath] : [process.execPath, process.argv[1] as string];
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const who = personality(process.argv0, process.env);
  let cmd: Command;
  try {
    cmd =
      who === 'keepalived'
        ? parseKeepalivedArgs(args, process.env)
        : parseHalbArgs(args, process.env);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`${who}: ${e.message}`);
      return 64;
    }
    throw e;
  }
  switch (cmd.kind) {
    case 'help':
      out(cmd.text);
      return 0;
    case 'version':
      return cmds.version().versionCommand(cmd.json, out);
    case 'check':
      return cmds.check().checkCommand(cmd, err, out);
    case 'status':
      return cmds.status().statusCommand(cmd.runtimeDir, cmd.json, out);
    case 'checkers':
      return cmds.checkers().checkersCommand(cmd.logDetail);
    case 'leds':
      return cmds.leds().ledsCommand(cmd.pattern, cmd.boardFile, err);
    case 'run':
      return cmds.run().runCommand(cmd.options, args, selfEntry());
    case 'ipvs-list':
      return cmds.ipvsList().ipvsListCommand(cmd.json, out);
    case 'ipvs-apply':
      return cmds.ipvs().ipvsApplyCommand(cmd, out, err);
    case 'config':
      return cmds.config().configCommand(cmd.options, selfEntry(), out, err);
    case 'console':
      return cmds.console().consoleCommand(cmd.options, err);
    case 'net-apply':
      return cmds.net().netApplyCommand(cmd.dataDir, out);
  }
}

// A reader that went away (`halb status | head -1`) ends nothing: the rest of
// the output is dropped. Node ignores SIGPIPE, and the EPIPE error event had
// no listener, which ended the process with a stack trace (and a daemon whose
// log pipe closed).
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    err(`halb: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
