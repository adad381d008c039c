/**
 * keepalived's command line (2.2.7 `--help`), mapped onto halb's commands so a
 * `keepalived` link to the executable is a drop-in for scripts and unit files.
 * Flags that only tune keepalived internals are accepted and ignored.
 */
import { parseOptions, type OptionSpec, UsageError } from './argv';
import { DEFAULT_CONFIG, DEFAULT_RUNTIME_DIR, type Command } from './commands';

export const KEEPALIVED_USAGE = `Usage: keepalived [OPTION...]   (halb, keepalived-compatible)
  -f, --use-file=FILE          Use the specified configuration file
  -P, --vrrp                   Only run with VRRP subsystem
  -C, --check                  Only run with Health-checker subsystem
  -B, --no_bfd                 Don't run BFD subsystem
  -l, --log-console            Log messages to local console
  -D, --log-detail             Detailed log messages
  -S, --log-facility=[0-7]     Set syslog facility to LOG_LOCAL[0-7]
  -G, --no-syslog              Don't log via syslog
  -n, --dont-fork              Don't fork the daemon process
  -d, --dump-conf              Dump the configuration data
  -p, --pid=FILE               Use specified pidfile for parent process
  -r, --vrrp_pid=FILE          Use specified pidfile for VRRP child process
  -c, --checkers_pid=FILE      Use specified pidfile for checkers child process
  -R, --dont-respawn           Don't respawn child processes
  -e, --all-config             Error if any configuration file is missing
  -t, --config-test[=LOG_FILE] Check the configuration for obvious errors
  -v, --version                Display the version number
  -h, --help                   Display this help message`;

const SPECS: OptionSpec[] = [
  { key: 'file', short: 'f', long: 'use-file', value: 'required' },
  { key: 'vrrp', short: 'P', long: 'vrrp', value: 'none' },
  { key: 'check', short: 'C', long: 'check', value: 'none' },
  { key: 'noBfd', short: 'B', long: 'no_bfd', value: 'none' },
  { key: 'all', long: 'all', value: 'none' },
  { key: 'logConsole', short: 'l', long: 'log-console', value: 'none' },
  { key: 'logDetail', short: 'D', long: 'log-detail', value: 'none' },
  { key: 'facility', short: 'S', long: 'log-facility', value: 'required' },
  { key: 'noSyslog', short: 'G', long: 'no-syslog', value: 'none' },
  { key: 'addressMonitoring', short: 'a', long: 'address-monitoring', value: 'none' },
  { key: 'releaseVips', short: 'X', long: 'release-vips', value: 'none' },
  { key: 'dontReleaseVrrp', short: 'V', long: 'dont-release-vrrp', value: 'none' },
  { key: 'dontReleaseIpvs', short: 'I', long: 'dont-release-ipvs', value: 'none' },
  { key: 'dontRespawn', short: 'R', long: 'dont-respawn', value: 'none' },
  { key: 'foreground', short: 'n', long: 'dont-fork', value: 'none' },
  { key: 'dump', short: 'd', long: 'dump-conf', value: 'none' },
  { key: 'pid', short: 'p', long: 'pid', value: 'required' },
  { key: 'vrrpPid', short: 'r', long: 'vrrp_pid', value: 'required' },
  { key: 'checkersPid', short: 'c', long: 'checkers_pid', value: 'required' },
  { key: 'bfdPid', short: 'b', long: 'bfd_pid', value: 'required' },
  { key: 'configId', short: 'i', long: 'config-id', value: 'required' },
  { key: 'allConfig', short: 'e', long: 'all-config', value: 'none' },
  { key: 'configTest', short: 't', long: 'config-test', value: 'optional' },
  { key: 'namespace', short: 's', long: 'namespace', value: 'required' },
  { key: 'umask', short: 'u', long: 'umask', value: 'required' },
  { key: 'coreDump', short: 'm', long: 'core-dump', value: 'none' },
  { key: 'version', short: 'v', long: 'version', value: 'none' },
  { key: 'help', short: 'h', long: 'help', value: 'none' },
];

export function parseKeepalivedArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): Command {
  const { options: o, positionals } = parseOptions(argv, SPECS, 'keepalived');
  if (positionals.length > 0)
    throw new UsageError(`keepalived takes no argument '${positionals[0]}'`);
  if (o.help === true) return { kind: 'help', text: KEEPALIVED_USAGE };
  if (o.version === true) return { kind: 'version', json: false };
  const configFile = typeof o.file === 'string' ? o.file : DEFAULT_CONFIG;
  if (o.configTest !== undefined) {
    return {
      kind: 'check',
      configFile,
      json: false,
      logFile: typeof o.configTest === 'string' ? o.configTest : undefined,
      configMustExist: o.allConfig === true,
      keepalivedExitCodes: true,
    };
  }
  const onlyVrrp = o.vrrp === true;
  const onlyCheck = o.check === true;
  return {
    kind: 'run',
    options: {
      configFile,
      foreground: o.foreground === true,
      logConsole: o.logConsole === true,
      logDetail: o.logDetail === true,
      vrrp: onlyVrrp || !onlyCheck,
      check: onlyCheck || !onlyVrrp,
      bfd: o.noBfd !== true,
      pidFile: typeof o.pid === 'string' ? o.pid : undefined,
      keepalivedPidFile: true,
      runtimeDir: env.HALB_RUNTIME_DIR ?? DEFAULT_RUNTIME_DIR,
      boardFile: undefined,
      dontRespawn: o.dontRespawn === true,
      dontReleaseIpvs: o.dontReleaseIpvs === true,
      configMustExist: o.allConfig === true,
    },
  };
}
