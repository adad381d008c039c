/**
 * The daemon's life cycle: load the board and the config, serve the control
 * socket, reload on request (keeping the running config when the new one has
 * errors), stop cleanly. VRRP runs in this process; the health checkers run
 * in a child process (`halb checkers`) under a CheckerSupervisor, whose
 * HealthTable and change events are what the IPVS reconciler consumes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as v8 from 'node:v8';
import { loadBoard, DEFAULT_BOARD_FILE, type Board } from '../board/board';
import { formatDiagnostic, hasErrors } from '../config/diagnostics';
import { flag, num, str } from '../config/access';
import { setNetlinkBufferSizes } from '../platform/netlink-guard';
import { LocalIgmp } from '../vrrp/io/local-igmp';
import { SnmpRuntime } from './snmp-runtime';
import { versionText } from '../snmp/keepalived-rows';
import { interfaceIndex } from '../vrrp/io/interface-facts';
import { enterNetNamespace } from './net-namespace';
import { loadConfig, localHostFacts, type LoadedConfig } from '../config/load';
import { startControlServer, type ControlServer } from '../control/server';
import { socketPath } from '../control/protocol';
import { buildInfo } from '../core/build-info';
import type { Logger } from '../core/log';
import { formatStatus, ledView, type DaemonStatus } from '../core/status';
import { statsText, tmpFile } from '../vrrp/stats-file';
import { ledPatternFor } from '../leds/patterns';
import { startLeds, type DaemonLeds } from '../leds/daemon-leds';
import type { RunOptions } from '../cli/commands';
import { hasStatics } from '../vrrp/statics';
import { vrrpConfig } from '../config/vrrp-config';
import type { ModelBlock } from '../config/validate';
import { VrrpEngine } from '../vrrp/engine';
import { BfdService } from '../bfd/service';
import { bfdConfig } from '../config/bfd-config';
import { processSettings } from '../config/process-settings';
import { nameProcess } from '../platform/process-name';
import { halbSys } from '../platform/halb-sys';
import type { CheckerSupervisor } from '../checkers/supervisor';
import { LvsRuntime } from './lvs-runtime';
import { LvsSync } from './lvs-sync';
import { runStartStopScript, startStopScript } from './start-stop-scripts';
import { FifoScriptRunner } from './fifo-scripts';
import { ReloadTimeMonitor } from './reload-monitor';
import { beginReading, endReading } from './reload-file';
import { compactHeap, compactPeriodically, heapSettling } from '../platform/heap';
import { trimSoon } from '../platform/trim';
import { syncDaemonConfigOf } from '../ipvs/globals';
import { resolveSyncPlan } from '../ipvs/sync-plan';
import { dataVolatile, fallbackFlag, headerGenerationOf, mayAnnounce } from '../store/running-view';
import { sha256 } from '../store/generation';
import {
  dumpFileName,
  instanceIdent,
  instanceNaming,
  pidFilePath,
  type InstanceNaming,
} from '../config/instance-naming';
import { PidFile, runStateDir } from './pid-file';
import { ConfigSaver } from './config-save';
import { setProcEventsBufferSize } from '../vrrp/io/proc-events';
import type { Role } from '../leds/patterns';

export class ConfigRefused extends Error {
  override readonly name = 'ConfigRefused';
}

export class Daemon {
  private config: LoadedConfig | undefined;
  private generation = 0;
  private lastReloadError: string | null = null;
  private board: Board | null = null;
  private control: ControlServer | undefined;
  private readonly startedAt = new Date();
  private stopped = false;
  private vrrp: VrrpEngine | undefined;
  /** A digest of the running VRRP config (the JSON is 250 KB for 250 instances: not kept). */
  private vrrpKey = '';
  private lvs: LvsRuntime | undefined;
  private sync: LvsSync | undefined;
  private bfd: BfdService | undefined;
  private readonly fifoScripts: FifoScriptRunner;
  private leds: DaemonLeds | undefined;
  private store = { running: null as number | null, attempted: null as number | null };

  /** performance.now() at the daemon's creation: vrrp_startup_delay counts from it. */
  private readonly startedAtMs = performance.now();

  constructor(
    private readonly opts: RunOptions,
    private readonly log: Logger,
    /** How to start this executable again ([program, script?]): the checker child needs it. */
    private readonly entry: readonly string[] | undefined = undefined,
  ) {
    this.fifoScripts = new FifoScriptRunner(log);
  }

  /** The health checkers' supervisor (its table and change events), when checkers run. */
  get health(): CheckerSupervisor | undefined {
    return this.lvs?.health;
  }

  async start(): Promise<void> {
    const info = buildInfo();
    this.log.info(`Starting halb v${info.version} (${info.commit}), keepalived-compatible`);
    this.board = this.loadBoardFile();
    const first = this.readConfig();
    if (hasErrors(first.diagnostics) && !first.missing) {
      throw new ConfigRefused(
        `configuration ${first.file} has errors; not starting (run 'halb check -f ${first.file}')`,
      );
    }
    this.netNamespace = enterNetNamespace(first.model, this.log);
    this.naming = instanceNaming(first.model);
    const ident = instanceIdent('halb', this.naming);
    if (ident !== undefined && this.log.rename) {
      this.log.info(`Changing syslog ident to ${ident}`);
      this.log.rename(ident);
    }
    this.config = first;
    this.generation = 1;
    this.store.running = this.store.attempted;
    fs.mkdirSync(this.opts.runtimeDir, { recursive: true, mode: 0o755 });
    this.control = await startControlServer(socketPath(this.opts.runtimeDir), () => this.status());
    // keepalived runs startup_script before anything starts, and waits for it.
    this.applyGlobalSettings(first);
    await this.startStopScript(first, 'startup');
    this.configureBfd(first);
    this.startVrrp(first);
    this.configureSync(first);
    this.startCheckers(first);
    this.fifoScripts.apply(first.model.global_defs as ModelBlock | undefined);
    this.scheduleReloads(first);
    this.writePidFile();
    this.leds = await startLeds(this.board, this.log, () => this.status());
    this.log.info(`Control socket ${this.control.path}`);
    this.log.info('Startup complete');
    trimSoon((kb) => this.log.detail(`gave back ${kb} kB of start-up executable pages`));
    this.compactIfSlow();
    // A save (the console, halb config) that came while we were starting found
    // no control socket to reload through: pick it up now.
    const now = headerGenerationOf(this.opts.configFile);
    if (now !== this.store.running) {
      this.log.info(`Configuration generation ${now} was saved while starting`);
      this.reload();
    }
  }

  /**
   * SIGUSR2, as keepalived's VRRP process: every instance's counters to
   * $TMPDIR/keepalived.stats in keepalived's words (vrrp/stats-file.ts).
   */
  printStats(): void {
    this.log.info(`Printing VRRP stats for process(${process.pid}) on signal`);
    this.writeTmp('keepalived.stats', statsText(this.vrrp?.statsCounters() ?? []));
  }

  /**
   * SIGUSR1: keepalived dumps its data structures to $TMPDIR/keepalived.data
   * (a format it does not keep stable); halb writes its status there, as
   * `halb status` shows it. Without a handler Node would open its inspector.
   */
  printData(): void {
    this.log.info(`Printing VRRP data for process(${process.pid}) on signal`);
    this.writeTmp('keepalived.data', formatStatus(this.status()), true);
  }

  private writePidFile(): void {
    const file = pidFilePath(
      this.naming,
      this.opts.pidFile,
      this.opts.keepalivedPidFile,
      runStateDir(),
    );
    this.pidFile = new PidFile(file);
    try {
      this.pidFile.write();
    } catch (err) {
      // As keepalived, which stops when it cannot write its pid file.
      throw new Error(
        `cannot write the pid file ${file}: ${(err as Error).message}; give another with -p`,
      );
    }
  }

  /** `named`: data_use_instance applies (to keepalived.data, not to keepalived.stats). */
  private writeTmp(name: string, text: string, named = false): void {
    const file = tmpFile(named ? dumpFileName(name, this.naming, this.config?.model ?? {}) : name);
    try {
      fs.writeFileSync(file, text, { mode: 0o644 });
    } catch (err) {
      this.log.info(`Can't open ${file} (${(err as Error).message})`);
    }
  }

  /** SIGHUP: a config with errors is refused and the running one stays. */
  reload(): void {
    this.log.info('Reloading');
    const next = this.readConfig();
    this.writeReloadCheck(next);
    if (hasErrors(next.diagnostics)) {
      this.lastReloadError = `${next.diagnostics.filter((d) => d.severity === 'error').length} error(s) in ${next.file}`;
      this.log.error(
        `Reload refused, keeping configuration generation ${this.generation}: ${this.lastReloadError}`,
      );
      if (this.config) this.scheduleReloads(this.config);
      return;
    }
    const ns = (next.model.net_namespace as string | undefined) ?? '';
    if (ns !== this.netNamespace)
      this.log.error(
        `net_namespace cannot change at a reload (running in '${this.netNamespace || 'the default'}', the config says '${ns || 'the default'}'): restart halb`,
      );
    this.configSaver.save(saveDir(this.config), 'pre', () => formatStatus(this.status()));
    this.config = next;
    this.generation++;
    this.store.running = this.store.attempted;
    this.applyGlobalSettings(next);
    this.configureBfd(next);
    void this.reconfigureVrrp(next).then(() => {
      this.configureSync(next);
      this.configSaver.save(saveDir(next), 'post', () => formatStatus(this.status()));
    });
    this.reconfigureCheckers(next);
    this.fifoScripts.apply(next.model.global_defs as ModelBlock | undefined);
    this.scheduleReloads(next);
    this.lastReloadError = null;
    this.log.info(`Reload complete (configuration generation ${this.generation})`);
    trimSoon();
    this.compactIfSlow();
  }

  /**
   * reload_check_config LOG_FILE (of the running config): the new config's
   * check, every diagnostic as file:line, goes to that file, as keepalived
   * writes its check run's log there. The check itself always runs: a config
   * with errors is never taken, with or without the keyword.
   */
  private writeReloadCheck(next: LoadedConfig): void {
    const g = this.config?.model.global_defs as ModelBlock | undefined;
    const file = g?.reload_check_config;
    if (typeof file !== 'string') return;
    const verdict = hasErrors(next.diagnostics)
      ? `${next.file}: refused, ${next.diagnostics.filter((d) => d.severity === 'error').length} error(s)`
      : `${next.file}: valid`;
    try {
      fs.writeFileSync(file, [...next.diagnostics.map(formatDiagnostic), verdict, ''].join('\n'));
    } catch (err) {
      this.log.error(`reload_check_config: cannot write ${file}: ${(err as Error).message}`);
    }
  }

  /**
   * reload_time_file [reload_repeat]: a new monitor at start and after every
   * reload, taken or refused (keepalived restarts its monitor on each reload).
   */
  private scheduleReloads(config: LoadedConfig): void {
    this.reloadMonitor?.stop();
    this.reloadMonitor = undefined;
    const g = config.model.global_defs as ModelBlock | undefined;
    const file = g?.reload_time_file;
    if (this.stopped || typeof file !== 'string') return;
    this.reloadMonitor = new ReloadTimeMonitor(file, flag(g, 'reload_repeat'), {
      info: (m) => this.log.info(m),
      reload: () => this.reload(),
    });
    this.reloadMonitor.start();
  }

  private reloadMonitor: ReloadTimeMonitor | undefined;

  /** Periodic heap compaction (platform/heap.ts) only while no instance advertises faster than once a second. */
  private compactIfSlow(): void {
    if (!this.config || this.config.missing) return;
    const intervals = vrrpConfig(this.config.model).instances.map((i) => i.advertIntervalCs);
    this.mayCompact = Math.min(100, ...intervals) >= 100;
    compactPeriodically(this.mayCompact);
  }

  private mayCompact = false;
  private transitionsQuiet: NodeJS.Timeout | undefined;

  /**
   * A burst of transitions (a reload's instances coming up, a failover of
   * many) leaves the heap grown with its garbage, and on a slow board it can
   * outlast the compaction that follows a start or reload: the heap is
   * compacted once the transitions have been quiet for QUIET_AFTER_TRANSITIONS_MS,
   * and the periodic growth check measures from there (under the same rule as
   * it: no instance faster than once a second).
   */
  private compactAfterTransitions(): void {
    if (!this.mayCompact) return;
    heapSettling();
    if (this.transitionsQuiet) clearTimeout(this.transitionsQuiet);
    this.transitionsQuiet = setTimeout(() => {
      this.transitionsQuiet = undefined;
      if (this.mayCompact && !this.stopped) compactHeap();
    }, QUIET_AFTER_TRANSITIONS_MS);
    this.transitionsQuiet.unref();
  }

  private startStopScript(config: LoadedConfig, kind: 'startup' | 'shutdown'): Promise<void> {
    const globals = config.model.global_defs as ModelBlock | undefined;
    const s = startStopScript(globals, kind);
    return s
      ? runStartStopScript(s, globals?.enable_script_security === true, this.log)
      : Promise.resolve();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.log.info('Stopping');
    this.reloadMonitor?.stop();
    await this.sync?.dispose();
    await this.vrrp?.stop();
    await this.snmp.stop();
    this.localIgmp.reset();
    // After VRRP: its instances must not see their sessions fall while stopping.
    this.bfd?.dispose();
    await this.lvs?.dispose();
    // After every instance and virtual server has gone, as keepalived.
    if (this.config) await this.startStopScript(this.config, 'shutdown');
    await this.leds?.dispose();
    await this.control?.dispose();
    this.fifoScripts.stop();
    this.pidFile?.remove();
    this.log.info(`Stopped halb v${buildInfo().version}`);
  }

  /**
   * What the supervisor must hear about from this process's own children
   * when they hang (it sees only this process): the checker process, when it
   * runs and has said nothing for 5 s. One that died is not stale: the
   * CheckerSupervisor restarts it.
   */
  staleChildren(): string[] {
    return this.lvs?.stale() ? ['checkers silent for more than 5 s'] : [];
  }

  status(): DaemonStatus {
    return {
      version: buildInfo().version,
      pid: process.pid,
      startedAt: this.startedAt.toISOString(),
      uptimeS: Math.round((Date.now() - this.startedAt.getTime()) / 1000),
      configFile: this.opts.configFile,
      configGeneration: this.generation,
      configBlocks: countBlocks(this.config),
      lastReloadError: this.lastReloadError,
      configStore: {
        ...this.store,
        fallback: fallbackFlag(this.opts.runtimeDir),
        ...(dataVolatile(this.opts.runtimeDir) ? { volatile: true } : {}),
      },
      board: this.board?.name ?? null,
      memory: memoryKb(),
      subsystems: { vrrp: this.opts.vrrp, check: this.opts.check },
      instances: this.vrrp?.status() ?? [],
      ...(this.lvs?.table ? { realServers: [...this.lvs.table.values()] } : {}),
      ...(this.lvs?.kernelTable ? { ipvs: this.lvs.kernelTable } : {}),
      ...(this.sync?.daemons ? { syncDaemons: this.sync.daemons } : {}),
      ...(this.bfd ? { bfd: this.bfd.status(), bfdDrops: Object.fromEntries(this.bfd.drops) } : {}),
      led: ledView(
        ledPatternFor({
          starting: this.generation === 0,
          configError:
            this.lastReloadError !== null ||
            fallbackFlag(this.opts.runtimeDir) !== null ||
            dataVolatile(this.opts.runtimeDir),
          roles: (this.vrrp?.status() ?? []).map((i) => i.state as Role),
          realServersDown: [...(this.lvs?.table?.values() ?? [])].filter((r) => !r.up).length,
        }),
      ),
    };
  }

  /** On RAM defaults, VRRP runs only a config the user saved since boot (said once a load). */
  private announceBlocked(instances: number): boolean {
    if (instances === 0 || mayAnnounce(dataVolatile(this.opts.runtimeDir), this.store.attempted))
      return false;
    this.log.error(
      'data partition unavailable: running the shipped defaults in RAM; their VRRP instances are not started (no VIP is announced) until a configuration is saved',
    );
    return true;
  }

  private startVrrp(config: LoadedConfig): void {
    if (!this.opts.vrrp || config.missing) return;
    const cfg = vrrpConfig(config.model);
    // Blocked: no key, so that the next reload decides again.
    const blocked = this.announceBlocked(cfg.instances.length);
    this.vrrpKey = blocked ? '' : sha256(JSON.stringify(cfg));
    // static_* alone start the VRRP side too (keepalived starts its VRRP process for them).
    if ((cfg.instances.length === 0 && !hasStatics(cfg.statics)) || blocked) return;
    this.vrrp = new VrrpEngine(cfg, this.log, this.startedAtMs);
    if (this.bfd) this.vrrp.useBfd(this.bfd);
    this.vrrp.onTransition((name, to) => {
      void this.sync?.transition(name);
      this.snmp.transition(name, to);
      this.compactAfterTransitions();
    });
    this.vrrp.onNotify((kind, name, state, ic) => this.snmp.notified(kind, name, state, ic));
    this.vrrp.start();
  }

  /**
   * The global_defs settings of this process, at start and at each reload:
   * umask, vrrp_process_name / process_names, the netlink buffer sizes, and
   * for the VRRP side the SNMP subagent and disable_local_igmp (set at start
   * only).
   */
  private applyGlobalSettings(config: LoadedConfig): void {
    if (config.missing) return;
    const g = config.model.global_defs as ModelBlock | undefined;
    // This process's netlink sockets: VRRP's, and the IPVS client's (keepalived's checker has that one).
    const cmd = [num(g, 'vrrp_netlink_cmd_rcv_bufs'), num(g, 'lvs_netlink_cmd_rcv_bufs')];
    setNetlinkBufferSizes(
      Math.max(0, ...cmd.filter((n): n is number => n !== undefined)),
      num(g, 'vrrp_netlink_monitor_rcv_bufs'),
    );
    setProcEventsBufferSize(num(g, 'process_monitor_rcv_bufs'));
    const p = processSettings(config.model);
    if (p.umask !== undefined) process.umask(p.umask);
    if (!this.opts.vrrp) return;
    if (p.vrrpName) nameProcess(p.vrrpName, this.log);
    this.snmp.apply(config.model);
    this.localIgmp.apply(flag(g, 'disable_local_igmp'));
  }

  /** net_namespace as the daemon started ('' for the namespace it was started in). */
  private netNamespace = '';
  /** keepalived's instance / use_pid_dir / net_namespace names, fixed at start. */
  private naming: InstanceNaming = instanceNaming({});
  private pidFile: PidFile | undefined;
  // A proxy: the fields are set before the constructor's log parameter is.
  private readonly configSaver = new ConfigSaver({
    info: (m) => this.log.info(m),
    error: (m) => this.log.error(m),
  });

  private readonly localIgmp = new LocalIgmp({ info: (m) => this.log.info(m) });

  /** enable_snmp_rfcv3 / enable_snmp_rfc: VRRPv3-MIB through the box's SNMP agent. */
  private readonly snmp = new SnmpRuntime(
    this.logProxy(),
    () => {
      const v = this.vrrp;
      return (
        v && { rows: () => v.snmpRows(), row: (n: string) => v.snmpRow(n), ka: () => v.kaState() }
      );
    },
    {
      version: versionText(buildInfo().version),
      hostname: os.hostname(),
      ifIndex: (name) => interfaceIndex(name) ?? 0,
      realPath: (file) => {
        try {
          return fs.realpathSync(file);
        } catch {
          return file;
        }
      },
    },
  );

  private logProxy(): Logger {
    return {
      info: (m) => this.log.info(m),
      warn: (m) => this.log.warn(m),
      error: (m) => this.log.error(m),
      detail: (m) => this.log.detail(m),
    };
  }

  /**
   * The bfd_instance sessions (unless -B): a reload keeps the unchanged ones
   * Up. keepalived runs them in a process of its own; here they share the
   * daemon's event loop with VRRP, which reads their state directly.
   */
  private configureBfd(config: LoadedConfig): void {
    const configs = this.opts.bfd && !config.missing ? bfdConfig(config.model) : [];
    if (configs.length === 0 && !this.bfd) return;
    if (!this.bfd) {
      const bfd = new BfdService(halbSys(), this.log);
      this.bfd = bfd;
      this.vrrp?.useBfd(bfd);
      bfd.onChange(() => this.lvs?.bfd(bfd.checkerStates()));
    }
    try {
      this.bfd.configure(configs);
    } catch (err) {
      this.log.error(`BFD: unable to open listening socket: ${(err as Error).message}`);
    }
  }

  /**
   * A reload: unchanged VRRP instances keep running (no flap), changed or
   * removed ones stop, new ones start; a change of the global VRRP settings
   * restarts them all.
   */
  private async reconfigureVrrp(config: LoadedConfig): Promise<void> {
    const next = vrrpConfig(config.model);
    const key = sha256(JSON.stringify(next));
    if (key === this.vrrpKey) return;
    if (this.announceBlocked(next.instances.length)) {
      await this.vrrp?.stop();
      this.vrrp = undefined;
      this.vrrpKey = '';
      return;
    }
    if (!this.vrrp) {
      this.startVrrp(config);
      return;
    }
    if (await this.vrrp.reconfigure(next)) {
      this.vrrpKey = key;
      return;
    }
    this.log.info('global VRRP settings changed: restarting the VRRP instances');
    await this.vrrp?.stop();
    this.vrrp = undefined;
    this.startVrrp(config);
  }

  /**
   * lvs_sync_daemon: the kernel's sync daemons follow the named VRRP instance
   * (which needs VRRP running); with no instance named both run while the
   * checkers do, as in keepalived's checker process.
   */
  private configureSync(config: LoadedConfig): void {
    if (config.missing) return;
    const { plan, problem } = resolveSyncPlan(
      syncDaemonConfigOf(config.model),
      vrrpConfig(config.model).instances,
    );
    if (problem) this.log.error(problem);
    const runs = plan && (plan.follow !== undefined ? this.opts.vrrp : this.opts.check);
    if (!runs && !this.sync) return;
    this.sync ??= new LvsSync({ log: this.log, stateOf: (n) => this.vrrp?.stateOf(n) });
    void this.sync.configure(runs ? plan : undefined);
  }

  /** The checkers and IPVS start when the config has virtual servers (keepalived starts its checker child only then). */
  private startCheckers(config: LoadedConfig): void {
    if (!this.opts.check || config.missing || !this.entry) return;
    this.lvs ??= new LvsRuntime({
      entry: this.entry,
      log: this.log,
      logDetail: this.opts.logDetail,
      keepTableAtStop: this.opts.dontReleaseIpvs,
    });
    this.lvs.apply(config.model);
    if (this.bfd) this.lvs.bfd(this.bfd.checkerStates());
  }

  /** A reload: the checker child keeps every check whose configuration did not change; the table follows. */
  private reconfigureCheckers(config: LoadedConfig): void {
    this.startCheckers(config);
  }

  private readConfig(): LoadedConfig {
    this.store.attempted = headerGenerationOf(this.opts.configFile);
    const reading = beginReading(this.config, (m) => this.log.info(m));
    const loaded = loadConfig(this.opts.configFile, {
      allConfig: this.opts.configMustExist,
      host: localHostFacts(),
    });
    endReading(reading, loaded);
    if (loaded.missing) {
      this.log.warn(
        `Configuration file ${this.opts.configFile} missing; running with no instances`,
      );
      return { ...loaded, diagnostics: this.opts.configMustExist ? loaded.diagnostics : [] };
    }
    for (const d of loaded.diagnostics) this.log.info(formatDiagnostic(d));
    return loaded;
  }

  private loadBoardFile(): Board | null {
    const file = this.opts.boardFile ?? DEFAULT_BOARD_FILE;
    if (!this.opts.boardFile && !fs.existsSync(file)) return null;
    const board = loadBoard(file);
    this.log.info(`Board ${board.name} (${board.arch}), console ${board.console.device}`);
    return board;
  }
}

/** How long the VRRP transitions must have been quiet before the heap is compacted after them. */
const QUIET_AFTER_TRANSITIONS_MS = 15000;

/** global_defs config_save_dir of a config. */
function saveDir(config: LoadedConfig | undefined): string | undefined {
  return str(config?.model.global_defs as ModelBlock | undefined, 'config_save_dir');
}

function countBlocks(config: LoadedConfig | undefined): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of config?.statements ?? []) counts[s.keyword] = (counts[s.keyword] ?? 0) + 1;
  return counts;
}

function memoryKb(): NonNullable<DaemonStatus['memory']> {
  const m = process.memoryUsage();
  const kb = (n: number): number => Math.round(n / 1024);
  return {
    rssKb: kb(m.rss),
    heapTotalKb: kb(m.heapTotal),
    heapUsedKb: kb(m.heapUsed),
    externalKb: kb(m.external),
    arrayBuffersKb: kb(m.arrayBuffers),
    heapSpacesKb: Object.fromEntries(
      v8.getHeapSpaceStatistics().map((sp) => [sp.space_name, kb(sp.space_size)]),
    ),
  };
}
