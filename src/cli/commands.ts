/** The commands the executable understands, whichever name it was called by. */
import type { LedPattern } from '../leds/patterns';

export const DEFAULT_CONFIG = '/etc/keepalived/keepalived.conf';
export const DEFAULT_RUNTIME_DIR = '/run/halb';

export interface RunOptions {
  readonly configFile: string;
  readonly foreground: boolean;
  readonly logConsole: boolean;
  readonly logDetail: boolean;
  readonly vrrp: boolean;
  readonly check: boolean;
  /** BFD sessions run (keepalived -B / --no_bfd: not). */
  readonly bfd: boolean;
  /** -p: the main pid file (else config/instance-naming.ts decides). */
  readonly pidFile: string | undefined;
  /** Called as keepalived: a pid file even when neither -p nor the config names one. */
  readonly keepalivedPidFile: boolean;
  readonly runtimeDir: string;
  readonly boardFile: string | undefined;
  readonly dontRespawn: boolean;
  /** keepalived -I: leave the IPVS table as it is when stopping. */
  readonly dontReleaseIpvs: boolean;
  readonly configMustExist: boolean;
}

export const DEFAULT_DATA_DIR = '/data/config';

export type ConfigSub =
  | 'save'
  | 'confirm'
  | 'rollback'
  | 'generations'
  | 'show'
  | 'pending'
  | 'factory-reset'
  | 'recover'
  | 'confirm-watch';

export interface ConfigOptions {
  readonly sub: ConfigSub;
  /** save: the file to save; rollback: the generation. */
  readonly arg: string | undefined;
  readonly liveFile: string;
  readonly dataDir: string;
  readonly runtimeDir: string;
  /** Plain (non-overlay) config folder: the defaults a factory reset copies back. */
  readonly defaultsFile: string | undefined;
  readonly confirmWithinS: number | undefined;
  readonly peerWindowS: number;
  readonly keep: number;
  readonly json: boolean;
}

/** `halb console`: the setup menu on the board's serial console. */
export interface ConsoleOptions {
  /** The serial device; default: the board file's console. */
  readonly device: string | undefined;
  readonly baud: number | undefined;
  readonly boardFile: string;
  readonly liveFile: string;
  readonly dataDir: string;
  readonly runtimeDir: string;
  readonly defaultsFile: string | undefined;
}

export type Command =
  | { readonly kind: 'run'; readonly options: RunOptions }
  | {
      readonly kind: 'check';
      readonly configFile: string;
      readonly json: boolean;
      readonly logFile: string | undefined;
      readonly configMustExist: boolean;
      readonly keepalivedExitCodes: boolean;
    }
  | { readonly kind: 'status'; readonly json: boolean; readonly runtimeDir: string }
  | { readonly kind: 'version'; readonly json: boolean }
  /** Hidden: the health-checker child process the daemon starts (src/checkers/child.ts). */
  | { readonly kind: 'checkers'; readonly logDetail: boolean }
  | { readonly kind: 'ipvs-list'; readonly json: boolean }
  | {
      readonly kind: 'ipvs-apply';
      readonly file: string;
      readonly healthFile: string | undefined;
      readonly dryRun: boolean;
      readonly json: boolean;
      readonly keepOthers: boolean;
    }
  | { readonly kind: 'leds'; readonly pattern: LedPattern; readonly boardFile: string }
  | { readonly kind: 'config'; readonly options: ConfigOptions }
  | { readonly kind: 'console'; readonly options: ConsoleOptions }
  /** Hidden: rcS applies the interface addresses saved on the data partition. */
  | { readonly kind: 'net-apply'; readonly dataDir: string }
  | { readonly kind: 'help'; readonly text: string };
