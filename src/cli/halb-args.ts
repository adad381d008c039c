/** `halb <command> [options]`: the appliance's own command line. */
import { parseOptions, type OptionSpec, UsageError } from './argv';
import {
  DEFAULT_CONFIG,
  DEFAULT_DATA_DIR,
  DEFAULT_RUNTIME_DIR,
  type Command,
  type ConfigSub,
} from './commands';
import { DEFAULT_BOARD_FILE } from '../board/board';
import { PATTERN_LOOK, type LedPattern } from '../leds/patterns';

export const HALB_USAGE = `usage: halb <command> [options]

commands:
  run      [-f FILE] [-n] [-l] [-D] [-P|-C] [-I] [-p PIDFILE] [--runtime-dir DIR] [--board FILE]
           run the appliance daemon (keepalived.conf from FILE, default ${DEFAULT_CONFIG})
  check    [-f FILE] [--json]   check a keepalived.conf; exit 0 when it is valid
  status   [--json] [--runtime-dir DIR]   show the running daemon's state
  version  [--json]             show version, build and native addons
  console  [--device DEV] [--baud N] [--board FILE]
           the setup menu on the board's serial console (login, status, HA wizard...)
  help                          this text

Called through a link named 'keepalived', halb takes keepalived's own flags
(-f, -t, -n, -l, -D, -P, -C, -p, -v, -h ...).`;

const file: OptionSpec = { key: 'file', short: 'f', long: 'use-file', value: 'required' };
const json: OptionSpec = { key: 'json', long: 'json', value: 'none' };
const runtimeDir: OptionSpec = { key: 'runtimeDir', long: 'runtime-dir', value: 'required' };
const board: OptionSpec = { key: 'board', long: 'board', value: 'required' };
const dataDir: OptionSpec = { key: 'dataDir', long: 'data-dir', value: 'required' };
const defaults: OptionSpec = { key: 'defaults', long: 'defaults', value: 'required' };

const RUN_SPECS: OptionSpec[] = [
  file,
  runtimeDir,
  { key: 'foreground', short: 'n', long: 'dont-fork', value: 'none' },
  { key: 'logConsole', short: 'l', long: 'log-console', value: 'none' },
  { key: 'logDetail', short: 'D', long: 'log-detail', value: 'none' },
  { key: 'vrrp', short: 'P', long: 'vrrp', value: 'none' },
  { key: 'check', short: 'C', long: 'check', value: 'none' },
  { key: 'noBfd', short: 'B', long: 'no-bfd', value: 'none' },
  { key: 'pid', short: 'p', long: 'pid', value: 'required' },
  board,
  { key: 'dontRespawn', short: 'R', long: 'dont-respawn', value: 'none' },
  { key: 'dontReleaseIpvs', short: 'I', long: 'dont-release-ipvs', value: 'none' },
  { key: 'allConfig', short: 'e', long: 'all-config', value: 'none' },
];

// `halb config ...` is not in the usage text: the console menu is its front end.
const CONFIG_SUBS: readonly ConfigSub[] = [
  'save',
  'confirm',
  'rollback',
  'generations',
  'show',
  'pending',
  'factory-reset',
  'recover',
  'confirm-watch',
];
const CONFIG_SPECS: OptionSpec[] = [
  file,
  json,
  runtimeDir,
  dataDir,
  defaults,
  { key: 'confirmWithin', long: 'confirm-within', value: 'required' },
  { key: 'peerWindow', long: 'peer-window', value: 'required' },
  { key: 'keep', long: 'keep', value: 'required' },
];

function seconds(v: string | true | undefined, name: string): number | undefined {
  if (typeof v !== 'string') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 86400)
    throw new UsageError(`'--${name}' takes whole seconds from 1 to 86400, not '${v}'`);
  return n;
}

function str(v: string | true | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function parseHalbArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): Command {
  const [command, ...rest] = argv;
  const defaultRuntime = env.HALB_RUNTIME_DIR ?? DEFAULT_RUNTIME_DIR;
  switch (command) {
    case 'run': {
      const { options: o, positionals } = parseOptions(rest, RUN_SPECS, "'halb run'");
      if (positionals.length > 0)
        throw new UsageError(`'halb run' takes no argument '${positionals[0]}'`);
      const onlyVrrp = o.vrrp === true;
      const onlyCheck = o.check === true;
      return {
        kind: 'run',
        options: {
          configFile: str(o.file) ?? DEFAULT_CONFIG,
          // The appliance's own command runs in the foreground: init supervises it.
          foreground: true,
          logConsole: o.logConsole === true,
          logDetail: o.logDetail === true,
          vrrp: onlyVrrp || !onlyCheck,
          check: onlyCheck || !onlyVrrp,
          bfd: o.noBfd !== true,
          pidFile: str(o.pid),
          keepalivedPidFile: false,
          runtimeDir: str(o.runtimeDir) ?? defaultRuntime,
          boardFile: str(o.board),
          dontRespawn: o.dontRespawn === true,
          dontReleaseIpvs: o.dontReleaseIpvs === true,
          configMustExist: o.allConfig === true,
        },
      };
    }
    case 'check': {
      const { options: o, positionals } = parseOptions(rest, [file, json], "'halb check'");
      const configFile = str(o.file) ?? positionals[0] ?? DEFAULT_CONFIG;
      return {
        kind: 'check',
        configFile,
        json: o.json === true,
        logFile: undefined,
        configMustExist: true,
        keepalivedExitCodes: false,
      };
    }
    case 'status': {
      const { options: o } = parseOptions(rest, [json, runtimeDir], "'halb status'");
      return {
        kind: 'status',
        json: o.json === true,
        runtimeDir: str(o.runtimeDir) ?? defaultRuntime,
      };
    }
    case 'config': {
      const [sub, ...more] = rest;
      if (!CONFIG_SUBS.includes(sub as ConfigSub))
        throw new UsageError(
          `'halb config' takes one of ${CONFIG_SUBS.filter((c) => c !== 'confirm-watch').join(', ')}`,
        );
      const { options: o, positionals } = parseOptions(more, CONFIG_SPECS, `'halb config ${sub}'`);
      const takesArg = sub === 'save' || sub === 'rollback';
      if (sub === 'save' && positionals.length !== 1)
        throw new UsageError("'halb config save' takes one FILE");
      if (positionals.length > (takesArg ? 1 : 0))
        throw new UsageError(`'halb config ${sub}' takes no argument '${positionals.at(-1)}'`);
      if (sub === 'rollback' && positionals[0] !== undefined && !/^\d+$/.test(positionals[0]))
        throw new UsageError(`'halb config rollback' takes a generation number`);
      return {
        kind: 'config',
        options: {
          sub: sub as ConfigSub,
          arg: positionals[0],
          liveFile: str(o.file) ?? DEFAULT_CONFIG,
          dataDir: str(o.dataDir) ?? env.HALB_DATA_DIR ?? DEFAULT_DATA_DIR,
          runtimeDir: str(o.runtimeDir) ?? defaultRuntime,
          defaultsFile: str(o.defaults),
          confirmWithinS: seconds(o.confirmWithin, 'confirm-within'),
          peerWindowS: seconds(o.peerWindow, 'peer-window') ?? 10,
          keep: seconds(o.keep, 'keep') ?? 10,
          json: o.json === true,
        },
      };
    }
    case 'version': {
      const { options: o } = parseOptions(rest, [json], "'halb version'");
      return { kind: 'version', json: o.json === true };
    }
    case 'checkers': {
      // Not in the usage text: only the daemon starts it, with the setup on stdin.
      const { options: o } = parseOptions(
        rest,
        [{ key: 'logDetail', short: 'D', long: 'log-detail', value: 'none' }],
        "'halb checkers'",
      );
      return { kind: 'checkers', logDetail: o.logDetail === true };
    }
    // Test entries into the IPVS client (not in the usage text).
    case 'ipvs-list': {
      const { options: o } = parseOptions(rest, [json], "'halb ipvs-list'");
      return { kind: 'ipvs-list', json: o.json === true };
    }
    case 'ipvs-apply': {
      const { options: o, positionals } = parseOptions(
        rest,
        [
          json,
          { key: 'health', long: 'health', value: 'required' },
          { key: 'dryRun', long: 'dry-run', value: 'none' },
          { key: 'keepOthers', long: 'keep-others', value: 'none' },
        ],
        "'halb ipvs-apply'",
      );
      if (positionals.length !== 1) throw new UsageError("'halb ipvs-apply' takes one FILE");
      return {
        kind: 'ipvs-apply',
        file: positionals[0] as string,
        healthFile: str(o.health),
        dryRun: o.dryRun === true,
        json: o.json === true,
        keepOthers: o.keepOthers === true,
      };
    }
    case 'console': {
      const specs: OptionSpec[] = [
        file,
        runtimeDir,
        { key: 'device', long: 'device', value: 'required' },
        { key: 'baud', long: 'baud', value: 'required' },
        board,
        dataDir,
        defaults,
      ];
      const { options: o, positionals } = parseOptions(rest, specs, "'halb console'");
      if (positionals.length > 0)
        throw new UsageError(`'halb console' takes no argument '${positionals[0]}'`);
      const baud = str(o.baud);
      if (baud !== undefined && !/^\d+$/.test(baud))
        throw new UsageError(`'--baud' takes a number of bits per second, not '${baud}'`);
      return {
        kind: 'console',
        options: {
          device: str(o.device),
          baud: baud === undefined ? undefined : Number(baud),
          boardFile: str(o.board) ?? DEFAULT_BOARD_FILE,
          liveFile: str(o.file) ?? DEFAULT_CONFIG,
          dataDir: str(o.dataDir) ?? env.HALB_DATA_DIR ?? DEFAULT_DATA_DIR,
          runtimeDir: str(o.runtimeDir) ?? defaultRuntime,
          defaultsFile: str(o.defaults),
        },
      };
    }
    case 'net': {
      const { options: o, positionals } = parseOptions(rest, [dataDir], "'halb net'");
      if (positionals.length !== 1 || positionals[0] !== 'apply')
        throw new UsageError("'halb net' takes one command: apply");
      return {
        kind: 'net-apply',
        dataDir: str(o.dataDir) ?? env.HALB_DATA_DIR ?? DEFAULT_DATA_DIR,
      };
    }
    case 'leds': {
      // Hidden: init's way to set the front panel when halb is not running.
      const { options: o, positionals } = parseOptions(rest, [board], "'halb leds'");
      const pattern = positionals[0];
      if (positionals.length !== 1 || !pattern || !(pattern in PATTERN_LOOK)) {
        throw new UsageError(
          `'halb leds' takes one pattern: ${Object.keys(PATTERN_LOOK).join(', ')}`,
        );
      }
      return {
        kind: 'leds',
        pattern: pattern as LedPattern,
        boardFile: str(o.board) ?? DEFAULT_BOARD_FILE,
      };
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      return { kind: 'help', text: HALB_USAGE };
    case '--version':
    case '-v':
      return { kind: 'version', json: false };
    default:
      throw new UsageError(`unknown command '${command}'; try 'halb help'`);
  }
}
