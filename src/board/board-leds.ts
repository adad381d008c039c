/**
 * The `leds` object of a board file: which LEDs the box has and what each
 * one shows. Every part is optional; `{}` is a board without LEDs.
 *
 *   "leds": {
 *     "sysfs": {
 *       "root": "/sys/class/leds",                      (optional)
 *       "status": { "green": "halb:green:status", "red": "halb:red:status" },
 *       "heartbeat": "halb:green:alive",                (optional)
 *       "netdev": [ { "led": "halb:green:lan0", "device": "eth0",
 *                     "link": true, "tx": true, "rx": true } ]
 *     },
 *     "panel": { "device": "/dev/ttyS1", "baud": 115200, "statusLed": 0 }
 *   }
 */
export interface NetdevLed {
  readonly led: string;
  readonly device: string;
  readonly link: boolean;
  readonly tx: boolean;
  readonly rx: boolean;
}

export interface SysfsLeds {
  readonly root: string | null;
  readonly status: { readonly green: string | null; readonly red: string | null };
  readonly heartbeat: string | null;
  readonly netdev: readonly NetdevLed[];
}

export interface PanelLeds {
  readonly device: string;
  readonly baud: number;
  /** Which of the panel's four bicolor LEDs (0 top ... 3 bottom) shows the status. */
  readonly statusLed: number;
}

export interface BoardLeds {
  readonly sysfs: SysfsLeds | null;
  readonly panel: PanelLeds | null;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(where: string, what: string): never {
  throw new Error(`board file: 'leds.${where}' must be ${what}`);
}

function optName(v: unknown, where: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || !/^[^/\s]+$/.test(v)) fail(where, 'an LED class device name');
  return v;
}

function optBool(v: unknown, where: string, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') fail(where, 'true or false');
  return v;
}

function parseSysfs(s: unknown): SysfsLeds {
  if (!isObj(s)) fail('sysfs', 'an object');
  if (s.root !== undefined && (typeof s.root !== 'string' || !s.root.startsWith('/'))) {
    fail('sysfs.root', 'an absolute path');
  }
  const st = s.status ?? {};
  if (!isObj(st)) fail('sysfs.status', 'an object with green and/or red');
  const netdev = s.netdev ?? [];
  if (!Array.isArray(netdev)) fail('sysfs.netdev', 'a list');
  return {
    root: (s.root as string | undefined) ?? null,
    status: {
      green: optName(st.green, 'sysfs.status.green'),
      red: optName(st.red, 'sysfs.status.red'),
    },
    heartbeat: optName(s.heartbeat, 'sysfs.heartbeat'),
    netdev: netdev.map((n: unknown, i) => {
      const w = `sysfs.netdev[${i}]`;
      if (!isObj(n)) fail(w, 'an object');
      const led = optName(n.led, `${w}.led`);
      if (led === null) fail(`${w}.led`, 'an LED class device name');
      if (typeof n.device !== 'string' || n.device === '') fail(`${w}.device`, 'an interface');
      return {
        led,
        device: n.device,
        link: optBool(n.link, `${w}.link`, true),
        tx: optBool(n.tx, `${w}.tx`, false),
        rx: optBool(n.rx, `${w}.rx`, false),
      };
    }),
  };
}

function parsePanel(p: unknown): PanelLeds {
  if (!isObj(p)) fail('panel', 'an object');
  if (typeof p.device !== 'string' || !p.device.startsWith('/')) {
    fail('panel.device', 'a device path');
  }
  if (!Number.isInteger(p.baud) || (p.baud as number) <= 0) {
    fail('panel.baud', 'a positive integer');
  }
  const statusLed = p.statusLed ?? 0;
  if (!Number.isInteger(statusLed) || (statusLed as number) < 0 || (statusLed as number) > 3) {
    fail('panel.statusLed', 'an LED number 0-3');
  }
  return { device: p.device, baud: p.baud as number, statusLed: statusLed as number };
}

export function parseBoardLeds(v: unknown): BoardLeds {
  if (v === undefined || v === null) return { sysfs: null, panel: null };
  if (!isObj(v)) throw new Error("board file: 'leds' must be an object (sysfs and/or panel)");
  for (const k of Object.keys(v)) {
    if (k !== 'sysfs' && k !== 'panel') fail(k, "absent: 'leds' takes sysfs and panel");
  }
  return {
    sysfs: v.sysfs === undefined ? null : parseSysfs(v.sysfs),
    panel: v.panel === undefined ? null : parsePanel(v.panel),
  };
}

export const hasLeds = (l: BoardLeds): boolean => l.sysfs !== null || l.panel !== null;
