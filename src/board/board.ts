/**
 * A board file (board/<name>/board.json, installed as /etc/halb/board.json):
 * the facts of one hardware model that the runtime needs. Validated here so a
 * bad file names the field that is wrong.
 */
import * as fs from 'node:fs';
import { parseBoardLeds, type BoardLeds } from './board-leds';

export interface Board {
  readonly name: string;
  readonly arch: 'x64' | 'arm64';
  readonly console: { readonly device: string; readonly baud: number };
  readonly watchdog: {
    readonly device: string;
    readonly module: string | null;
    readonly timeoutS: number;
  } | null;
  readonly leds: BoardLeds;
  readonly nics: readonly string[];
  readonly modules: readonly string[];
  readonly bootModules: readonly string[];
  readonly storage: { readonly root: string; readonly data: string };
  readonly kernel: {
    readonly debPackage: string;
    readonly image: string;
    readonly cmdline: string;
  };
  readonly qemu: { readonly system: string; readonly args: readonly string[] } | null;
}

export const DEFAULT_BOARD_FILE = '/etc/halb/board.json';

type Json = Record<string, unknown>;

function need<T>(ok: boolean, value: unknown, where: string, what: string): T {
  if (!ok) throw new Error(`board file: '${where}' must be ${what}`);
  return value as T;
}

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'string');

export function parseBoard(text: string): Board {
  const j = JSON.parse(text) as unknown;
  if (!isObj(j)) throw new Error('board file: must be a JSON object');
  const name = need<string>(
    typeof j.name === 'string' && /^[a-z0-9_-]+$/.test(j.name),
    j.name,
    'name',
    'a lowercase name',
  );
  const arch = need<'x64' | 'arm64'>(
    j.arch === 'x64' || j.arch === 'arm64',
    j.arch,
    'arch',
    "'x64' or 'arm64'",
  );
  const c = need<Json>(isObj(j.console), j.console, 'console', 'an object');
  const consoleDev = need<string>(
    typeof c.device === 'string',
    c.device,
    'console.device',
    'a device path',
  );
  const baud = need<number>(
    Number.isInteger(c.baud) && (c.baud as number) > 0,
    c.baud,
    'console.baud',
    'a positive integer',
  );
  let watchdog: Board['watchdog'] = null;
  if (j.watchdog !== null && j.watchdog !== undefined) {
    const w = need<Json>(isObj(j.watchdog), j.watchdog, 'watchdog', 'an object or null');
    watchdog = {
      device: need<string>(
        typeof w.device === 'string',
        w.device,
        'watchdog.device',
        'a device path',
      ),
      module: need<string | null>(
        w.module === null || typeof w.module === 'string',
        w.module ?? null,
        'watchdog.module',
        'a module name or null',
      ),
      timeoutS: need<number>(
        Number.isInteger(w.timeoutS) && (w.timeoutS as number) > 0,
        w.timeoutS,
        'watchdog.timeoutS',
        'a positive integer',
      ),
    };
  }
  const leds = parseBoardLeds(j.leds);
  const nics = need<string[]>(isStrArray(j.nics), j.nics, 'nics', 'a list of interface names');
  const modules = need<string[]>(
    isStrArray(j.modules),
    j.modules,
    'modules',
    'a list of kernel module names',
  );
  const bootModules = need<string[]>(
    isStrArray(j.bootModules),
    j.bootModules,
    'bootModules',
    'a list of kernel module names',
  );
  const st = need<Json>(isObj(j.storage), j.storage, 'storage', 'an object');
  const storage = {
    root: need<string>(typeof st.root === 'string', st.root, 'storage.root', 'a block device path'),
    data: need<string>(typeof st.data === 'string', st.data, 'storage.data', 'a block device path'),
  };
  const k = need<Json>(isObj(j.kernel), j.kernel, 'kernel', 'an object');
  const kernel = {
    debPackage: need<string>(
      typeof k.debPackage === 'string',
      k.debPackage,
      'kernel.debPackage',
      'a Debian package name',
    ),
    image: need<string>(
      typeof k.image === 'string',
      k.image,
      'kernel.image',
      'a path inside the package',
    ),
    cmdline: need<string>(typeof k.cmdline === 'string', k.cmdline, 'kernel.cmdline', 'a string'),
  };
  let qemu: Board['qemu'] = null;
  if (isObj(j.qemu)) {
    qemu = {
      system: need<string>(
        typeof j.qemu.system === 'string',
        j.qemu.system,
        'qemu.system',
        'a qemu-system binary',
      ),
      args: need<string[]>(
        isStrArray(j.qemu.args),
        j.qemu.args,
        'qemu.args',
        'a list of arguments',
      ),
    };
  }
  return {
    name,
    arch,
    console: { device: consoleDev, baud },
    watchdog,
    leds,
    nics,
    modules,
    bootModules,
    storage,
    kernel,
    qemu,
  };
}

export function loadBoard(file: string): Board {
  return parseBoard(fs.readFileSync(file, 'utf8'));
}
