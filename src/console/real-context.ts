/**
 * The console's world on a real box: the config store on the data partition,
 * the daemon over its control socket, systeminformation, reboot through init.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatDiagnostic } from '../config/diagnostics';
import { request } from '../control/client';
import { socketPath } from '../control/protocol';
import type { Logger } from '../core/log';
import { NetSettings } from '../netconf/settings';
import { formatStatus, type DaemonStatus } from '../core/status';
import { applyBody, describeApply, validateConfigFile } from '../store/apply';
import { ConfigStore } from '../store/config-store';
import { supersedePending } from '../store/confirm-watcher';
import { controlSocketLink, monotonicClock, reloadAndWait } from '../store/daemon-link';
import { defaultsFor } from '../store/defaults-layer';
import { SecretStore } from '../store/secrets';
import { nodeStoreFs } from '../store/store-fs';
import { formatSupervisorView, readSupervisorView } from '../supervisor/view-format';
import type { ConsoleContext, ValidationView } from './context';
import { systemLines } from './system-facts';

export interface RealContextOptions {
  readonly banner: string;
  readonly liveFile: string;
  readonly dataDir: string;
  readonly runtimeDir: string;
  readonly defaultsFile: string | undefined;
  readonly boardNics: readonly string[];
  readonly log: Logger;
  readonly reboot: () => Promise<void>;
  readonly shell: () => Promise<void>;
}

/** The box's NICs: the board's (those present), or every interface but lo without a board file. */
export function listInterfaces(boardNics: readonly string[]): string[] {
  let present: string[] = [];
  try {
    present = fs.readdirSync('/sys/class/net').filter((n) => n !== 'lo');
  } catch {
    return [...boardNics];
  }
  if (boardNics.length === 0) return present.sort();
  return boardNics.filter((n) => present.includes(n));
}

export function validateBody(body: string): ValidationView {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halb-console-'));
  const file = path.join(dir, 'keepalived.conf');
  try {
    fs.writeFileSync(file, body);
    const v = validateConfigFile(file);
    const messages = v.diagnostics.map((d) =>
      formatDiagnostic(d).split(file).join('keepalived.conf'),
    );
    if (!v.ok && v.diagnostics.length === 0)
      messages.push(v.reason.split(file).join('keepalived.conf'));
    return { ok: v.ok, messages };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function realContext(o: RealContextOptions): ConsoleContext {
  const sfs = nodeStoreFs();
  const store = new ConfigStore(
    { liveFile: o.liveFile, dataDir: o.dataDir, runtimeDir: o.runtimeDir },
    sfs,
    o.log,
    defaultsFor(sfs, o.liveFile, o.defaultsFile),
  );
  const link = controlSocketLink(o.runtimeDir);
  const net = new NetSettings(o.dataDir, sfs, o.log);
  const status = async (): Promise<DaemonStatus | string> => {
    try {
      return (await request(socketPath(o.runtimeDir), { op: 'status' }, 3000)) as DaemonStatus;
    } catch (e) {
      return (e as Error).message;
    }
  };
  const reloaded = async (what: string, generation: number | null): Promise<string> => {
    const r = await reloadAndWait(link, monotonicClock, generation);
    if (r.kind === 'not-running') return `${what}; halb is not running, it takes effect at start`;
    if (r.kind === 'running') return `${what}; halb runs it now`;
    return `${what}; but halb did not take it: ${r.error}`;
  };
  return {
    banner: o.banner,
    secrets: new SecretStore(o.dataDir, sfs, o.log),
    interfaces: () => listInterfaces(o.boardNics),
    interfaceViews: () => net.view(listInterfaces(o.boardNics)),
    setInterfaceAddresses: (name, addresses) => net.set(name, addresses),
    config() {
      const cur = store.read();
      const note =
        cur.source === 'defaults'
          ? 'factory defaults'
          : cur.source === 'live'
            ? null
            : `${cur.source}${cur.problem ? `: ${cur.problem}` : ''}`;
      return { body: cur.body, generation: cur.generation, note };
    },
    validate: validateBody,
    async apply(body, reason) {
      supersedePending(sfs, o.runtimeDir, 'a console change');
      return describeApply(await applyBody(store, link, monotonicClock, body, reason));
    },
    generations: () => store.generations(),
    async rollback(generation) {
      supersedePending(sfs, o.runtimeDir, 'a rollback');
      const back = store.rollback(generation);
      return reloaded(
        `rolled back from generation ${back.from} to ${back.to} as generation ${back.generation}`,
        back.generation,
      );
    },
    async factoryReset() {
      supersedePending(sfs, o.runtimeDir, 'a factory reset');
      store.factoryReset();
      return reloaded('factory defaults restored (the console password too)', null);
    },
    async statusLines() {
      const s = await status();
      const sup = readSupervisorView(o.runtimeDir);
      const lines = typeof s === 'string' ? [`halb: ${s}`] : formatStatus(s).split('\n');
      if (sup) lines.push(...formatSupervisorView(sup).split('\n'));
      return lines;
    },
    async summary() {
      const s = await status();
      if (typeof s === 'string') return 'halb is not running';
      const warn = s.configStore?.volatile
        ? 'DATA PARTITION MISSING: defaults in RAM, changes are lost at reboot\n'
        : '';
      if (s.instances.length === 0) return `${warn}no VRRP instance; front panel ${s.led.pattern}`;
      return (
        warn +
        s.instances
          .map((i) => `${i.name} ${i.state.toUpperCase()} ${i.vips.join(',')}`)
          .join('  |  ')
      );
    },
    systemLines: () => systemLines(),
    reboot: o.reboot,
    shell: o.shell,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  };
}
