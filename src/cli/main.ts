/**
 * The executable's entry. `halb <command>` or, through a link named
 * `keepalived`, keepalived's command line.
 */
import { UsageError } from './argv';
import type { Command } from './commands';
import { parseHalbArgs } from './halb-args';
import { parseKeepalivedArgs } from './keepalived-args';
import { personality } from './personality';
import { checkCommand } from './cmd/check';
import { configCommand } from './cmd/config';
import { runCommand } from './cmd/run';
import { statusCommand } from './cmd/status';
import { versionCommand } from './cmd/version';
import { checkersCommand } from './cmd/checkers';
import { ipvsApplyCommand, ipvsListCommand } from './cmd/ipvs';
import { ledsCommand } from './cmd/leds';
import { consoleCommand } from './cmd/console';
import { netApplyCommand } from './cmd/net';

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
      return versionCommand(cmd.json, out);
    case 'check':
      return checkCommand(cmd, err, out);
    case 'status':
      return statusCommand(cmd.runtimeDir, cmd.json, out);
    case 'checkers':
      return checkersCommand(cmd.logDetail);
    case 'leds':
      return ledsCommand(cmd.pattern, cmd.boardFile, err);
    case 'run':
      return runCommand(cmd.options, args, selfEntry());
    case 'ipvs-list':
      return ipvsListCommand(cmd.json, out);
    case 'ipvs-apply':
      return ipvsApplyCommand(cmd, out, err);
    case 'config':
      return configCommand(cmd.options, selfEntry(), out, err);
    case 'console':
      return consoleCommand(cmd.options, err);
    case 'net-apply':
      return netApplyCommand(cmd.dataDir, out);
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    err(`halb: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
