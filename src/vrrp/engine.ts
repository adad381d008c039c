/**
 * The VRRP engine: every configured instance, one raw socket per interface
 * and family shared by the instances on it (packets dispatched by VRID), one
 * rtnetlink socket for the VIPs, one AF_PACKET socket for announcements.
 */
import { performance } from 'node:perf_hooks';
import {
  extraIfVips,
  type SyncGroupConfig,
  type Vip,
  type VrrpConfig,
  type VrrpInstanceConfig,
  type VrrpScriptConfig,
} from '../config/vrrp-config';
import type { Logger } from '../core/log';
import type { InstanceStatus } from '../core/status';
import { halbSys } from '../platform/halb-sys';
import { Announcer, PacketSender } from './announcer';
import { RtnetlinkAddresses } from './io/addresses';
import { RtnetlinkRoutes } from './io/routes';
import { AddressWatch } from './io/address-watch';
import { LinkMonitor } from './io/link-monitor';
import { PromoteSecondaries } from './io/promote-secondaries';
import { MailAlerts } from './mail-alerts';
import { canonicalIp } from './checksum';
import { Scheduler } from '../platform/scheduling';
import { realClock } from '../checkers/clock';
import { LinkDebounce } from './link-debounce';
import type { SnmpVrrpRow } from '../snmp/vrrpv3-mib';
import type { StatsCounters } from './stats-file';
import { Linkbeat, linkbeatInterfaces, type LinkbeatKind } from './io/linkbeat';
import { interfaceFacts, interfaceIndex, interfaceMac, interfaceMtu } from './io/interface-facts';
import { rxBufShare } from './rx-buffers';
import { noAddress } from './source-address';
import { Sources } from './sources';
import { NftFirewall } from './io/nft-firewall';
import type { VmacLink } from './nft-rules';
import { VmacLinks } from './io/vmac-links';
import { macBytes } from './vmac';
import { VrrpSocket, type VrrpTransport } from './io/vrrp-socket';
import { AhSocket, type AhTransport } from './io/ah-socket';
import { VrrpInstance } from './instance';
import { Deadlines } from './deadlines';
import type { BfdStates } from '../bfd/service';
import { FileTracker } from './file-tracker';
import { GarpPacer } from './garp-pacer';
import { NotifyFifo } from './notify-fifo';
import { GroupNotifier } from './group-notify';
import { runNotifyScript } from './notify-script';
import { ProcessTracking } from './process-tracking';
import { Statics } from './statics';
import { implicitDevices, weigh, type TrackedState } from './tracking-weights';
import { ScriptTracker } from './script-tracker';
import { ScriptPolicy } from './script-policy';

const NO_PEER = 'unicast without any peers (unicast_fault_no_peer)';
/** How often sockets that could not be made again on an interface are tried again. */
export const REOPEN_RETRY_MS = 1000;

type NotifyListener = (
  kind: 'INSTANCE' | 'GROUP',
  name: string,
  state: string,
  instance?: VrrpInstanceConfig,
) => void;

export class VrrpEngine {
  private readonly sockets = new Map<string, VrrpSocket>();
  /** auth_type AH: one pair of sockets per interface (io/ah-socket.ts), and each instance's transport. */
  private readonly ahSockets = new Map<string, AhSocket>();
  private readonly ahTransports = new Map<VrrpInstance, AhTransport>();
  /** Per socket key ("eth0/4/224.0.0.18"), the instances by VRID: one lookup per received packet. */
  private readonly byVrid = new Map<string, Map<number, VrrpInstance>>();
  private readonly keyOf = new Map<VrrpInstance, string>();
  instances: VrrpInstance[] = [];
  private readonly addresses = new RtnetlinkAddresses();
  private readonly routes = new RtnetlinkRoutes(() => this.addresses.socket());
  private readonly packets = new PacketSender();
  private readonly sender = new GarpPacer(this.packets, (ifindex, arp) =>
    this.announceIntervalS(ifindex, arp),
  );
  private readonly links = new LinkMonitor();
  /** What the instances see of the links: interface_up_down_delays applied. */
  private readonly debounce: LinkDebounce;
  /** linkbeat_use_polling, linkbeat_interfaces: interfaces probed instead of heard. */
  private readonly linkbeat = new Linkbeat(
    { linkProbe: (ifname, kind) => halbSys().linkProbe(ifname, kind) },
    (ifname, up) => this.debounce.heard(ifname, up),
    (m) => this.log.info(m),
  );
  private readonly promoted = new PromoteSecondaries();
  private readonly groupNotifier = new GroupNotifier(
    (line) => this.fifo?.write(line),
    (script, group) => {
      const refused = this.policy.refusal(script.argv, script.user);
      if (refused) this.log.error(`(${group}) notify script refused: ${refused}`);
      else runNotifyScript(script.argv, this.policy.spawnAs(script.user) ?? {}, this.log, group);
    },
    (group, state) => {
      for (const l of this.notifyListeners) l('GROUP', group, state);
    },
  );
  private readonly mailAlerts = new MailAlerts(() => this.cfg.globals.mail, {
    info: (m) => this.log.info(m),
    error: (m) => this.log.error(m),
  });
  private readonly vmacs = new VmacLinks();
  private readonly addressWatch = new AddressWatch();
  private readonly sources: Sources<VrrpInstance> = new Sources({
    log: { info: (m) => this.log.info(m), warn: (m) => this.log.warn(m) },
    moved: (inst, address) => {
      this.ahTransports.get(inst)?.setSource(address);
      const ic = inst.cfg;
      const onVmac = ic.useVmac !== undefined && !ic.vmacXmitBase;
      if (ic.family === 6 || onVmac) this.socketOf(inst)?.setMulticastSource(address);
    },
    returned: (inst, address) => {
      try {
        this.socketOf(inst)?.bind(address);
      } catch (err) {
        this.log.error(`(${inst.cfg.name}) cannot bind to ${address}: ${(err as Error).message}`);
      }
    },
  });
  private fifo: NotifyFifo | undefined;
  /** nftables drop rules for instances without accept mode: opened with the first such instance. */
  private fw: NftFirewall | undefined;
  /** Each use_vmac instance's VMAC, as the firewall's map holds it. */
  private readonly vmacLinks = new Map<string, VmacLink>();
  private readonly files = new Map<string, FileTracker>();
  private readonly clock = (): number => performance.now();
  private readonly deadlines = new Deadlines(this.clock);
  private readonly scripts = new Map<string, ScriptTracker>();
  private readonly processes: ProcessTracking;
  private readonly statics: Statics;
  private readonly transitionListeners: Array<(instance: string, to: string) => void> = [];
  /** vrrp_startup_delay's end on this.clock (0: none, or already over at start). */
  private startDelayUntil = 0;
  /** The BFD sessions track_bfd reads (bfd/service.ts); none: every tracked one is down. */
  private bfd: BfdStates | undefined;
  private bfdUnsubscribe: (() => void) | undefined;

  /** Global settings change only with a full restart of the engine (see reconfigure). */
  private readonly policy: ScriptPolicy;

  constructor(
    private cfg: VrrpConfig,
    private readonly log: Logger,
    /** When the daemon started, on performance.now()'s clock (vrrp_startup_delay counts from it). */
    private readonly daemonStartedAt?: number,
  ) {
    this.policy = new ScriptPolicy(cfg.globals, log);
    // A deleted interface the config uses stays known (down); others are forgotten in time.
    this.links.keep = (name) => this.cfg.instances.some((ic) => this.usesInterface(ic, name));
    this.processes = new ProcessTracking(log, () => this.applyTracking());
    this.debounce = new LinkDebounce(
      realClock(),
      cfg.upDownDelays,
      (ifname, up) => {
        const by = this.linkbeat.polls(ifname) ? 'Linkbeat' : 'Netlink';
        this.log.info(`${by} reports ${ifname} ${up ? 'up' : 'down'}`);
        this.applyTracking();
      },
      (m) => this.log.info(m),
    );
    this.statics = new Statics({
      addresses: this.addresses,
      routes: this.routes,
      indexOf: (name) => {
        const i = interfaceIndex(name);
        if (i === undefined) throw new Error(`no interface ${name}`);
        return i;
      },
      log,
    });
  }

  /** vrrp_priority, vrrp_rt_priority, vrrp_cpu_affinity: adverts must leave on time however busy the box is. */
  private readonly scheduler = new Scheduler('vrrp', {
    info: (m) => this.log.info(m),
    error: (m) => this.log.error(m),
  });

  private applyScheduling(): void {
    this.scheduler.apply(this.cfg.globals);
  }

  start(): void {
    this.applyScheduling();
    // vrrp_startup_delay counts from the daemon's start: an engine a reload
    // starts later is delayed only by what is left of it (keepalived sets it
    // once, at the VRRP process's start).
    const delay = this.cfg.globals.startupDelayMs;
    const until = delay > 0 ? (this.daemonStartedAt ?? this.clock()) + delay : 0;
    if (until > this.clock()) {
      this.startDelayUntil = until;
      const left = until - this.clock();
      // keepalived's line, with the configured delay; an engine a reload started says what is left.
      const s = left > delay - 100 ? delay / 1000 : Math.round(left / 100) / 10;
      this.log.info(`Delaying startup for ${s} seconds`);
    }
    try {
      this.addresses.prepare();
      this.packets.prepare();
    } catch (err) {
      this.log.error(`cannot open the VIP and announcement sockets: ${(err as Error).message}`);
    }
    if (this.cfg.globals.notifyFifo) {
      try {
        const fifo = new NotifyFifo(this.cfg.globals.notifyFifo, this.log);
        fifo.open();
        this.fifo = fifo;
      } catch (err) {
        this.log.error(`cannot open the notify FIFO: ${(err as Error).message}`);
      }
    }
    // Statics first (one rtnetlink socket keeps the order): before any instance runs.
    void this.statics.apply(this.cfg.statics);
    for (const ic of this.cfg.instances) this.launch(ic);
    this.startTrackers();
    try {
      this.addressWatch.start((deleted) => {
        // keepalived looks for a source on a new address only for instances lacking one.
        if ((deleted || this.sources.anyMissing) && this.sources.refresh(this.instances, this.cfg))
          this.applyTracking();
        if (!deleted) return;
        this.instances.forEach((i) => i.restoreVips());
        void this.statics.restore();
      });
    } catch (err) {
      this.log.error(`cannot watch addresses: ${(err as Error).message}`);
    }
    // A polled interface's state is the linkbeat's, not netlink's.
    this.links.onChange((ifname, up) => {
      if (!this.linkbeat.polls(ifname)) this.debounce.heard(ifname, up);
    });
    this.linkbeat.configure(this.linkbeatWanted());
    this.links.onIndexChange((ifname, index) => this.interfaceMoved(ifname, index));
    this.links.start().then(
      () => {
        // Made between the launch and the links' first dump: no event will tell.
        if (this.stopped) return;
        for (const ic of [...this.awaiting.values()])
          if (ic.interface && interfaceIndex(ic.interface) !== undefined)
            this.launchAwaiting(ic.interface);
        // Deleted and made again before the links were watched: no event told.
        for (const [key, sock] of [...this.sockets, ...this.ahSockets]) {
          const name = key.slice(0, key.indexOf('/'));
          const index = interfaceIndex(name);
          if (index !== undefined && index !== sock.ifindex) this.reopenSockets(name, index);
        }
        this.applyTracking();
      },
      (err: Error) => this.log.error(`cannot watch link states: ${err.message}`),
    );
  }

  /**
   * Every tracker's verdict applied to every instance, as keepalived does:
   * FAULT while the instance's interface, a tracked interface or script of
   * weight 0, or a non-zero track_file of weight 0 says so; otherwise the
   * weights move the priority (interfaces, scripts, processes: tracking-weights.ts;
   * files: value x weight).
   */
  /** implicitDevices, worked out once per config. */
  private readonly implicitOf = new WeakMap<VrrpInstanceConfig, string[]>();

  /** linkbeat_use_polling / linkbeat_interfaces: the interfaces polled, with their probe. */
  private linkbeatWanted(): Map<string, LinkbeatKind | undefined> {
    const vmacs = new Set(
      this.cfg.instances.flatMap((ic) => (ic.useVmac ? [ic.useVmac.name] : [])),
    );
    const used = this.cfg.instances.map((ic) => ({
      names: [
        ...(ic.interface ? [ic.interface] : []),
        ...ic.trackInterfaces.map((t) => t.name),
        ...this.implicit(ic),
      ],
      polling: ic.linkbeatPolling,
    }));
    return linkbeatInterfaces(this.cfg.linkbeat.lines, this.cfg.linkbeat.everywhere, used, vmacs);
  }

  private implicit(ic: VrrpInstanceConfig): string[] {
    let d = this.implicitOf.get(ic);
    if (!d) this.implicitOf.set(ic, (d = implicitDevices(ic)));
    return d;
  }

  /**
   * track_bfd reads these sessions. A session that is not Up counts as down,
   * as in keepalived, where an instance tracking BFD with weight 0 starts in
   * FAULT until its session comes Up.
   */
  useBfd(states: BfdStates): void {
    this.bfdUnsubscribe?.();
    this.bfd = states;
    this.bfdUnsubscribe = states.onChange((name, up) => {
      if (this.stopped) return;
      for (const inst of this.instances)
        if (inst.cfg.trackBfds.some((t) => t.name === name))
          this.log.info(
            `VRRP_Instance(${inst.cfg.name}) Tracked BFD instance ${name} is ${up ? 'UP' : 'DOWN'}`,
          );
      this.applyTracking();
    });
  }

  private applyTracking(): void {
    // Held instances whose scripts now have a result: they leave INIT below,
    // for FAULT directly when a tracker says so (keepalived), else as at start.
    const released = [...this.held].filter((i) => this.heldBy(i.cfg).length === 0);
    for (const inst of released) this.held.delete(inst);
    const own = new Map<VrrpInstance, string[]>();
    for (const inst of this.instances) {
      const ic = inst.cfg;
      const down = (name: string): boolean => this.debounce.isUp(name) === false;
      const faults: string[] = [];
      if (ic.interface && !ic.dontTrackPrimary && down(ic.interface))
        faults.push(`interface ${ic.interface} down`);
      for (const dev of this.implicit(ic)) if (down(dev)) faults.push(`interface ${dev} down`);
      const noSource = this.sources.fault(inst);
      if (noSource) faults.push(noSource);
      if (ic.unicastFaultNoPeer) faults.push(NO_PEER);
      const tracked: TrackedState[] = ic.trackInterfaces.map((t) => ({
        what: `tracked interface ${t.name}`,
        up: !down(t.name),
        weight: t.weight ?? 0,
        reverse: t.reverse,
      }));
      for (const t of ic.trackScripts) {
        const tracker = this.scripts.get(t.name);
        // No result yet (init): it moves nothing (keepalived), and holds back an
        // instance it can put in FAULT (heldByScripts).
        if (tracker?.ok === undefined) continue;
        tracked.push({
          what: `script ${t.name}`,
          words: ['succeeded', 'failed'],
          up: tracker.ok,
          weight: t.weight ?? tracker.cfg.weight,
          reverse: t.reverse || (t.weight === undefined && tracker.cfg.reverse),
        });
      }
      for (const t of ic.trackProcesses) {
        const up = this.processes.isUp(t.name);
        const block = this.processes.config(t.name);
        if (up === undefined || !block) continue;
        // Unlike scripts, a process's reverse is inherited even when the line gives a weight.
        tracked.push({
          what: `tracked process ${t.name}`,
          words: ['quorum achieved', 'quorum not achieved'],
          up,
          weight: t.weight ?? block.weight,
          reverse: t.reverse || block.reverse,
        });
      }
      for (const t of ic.trackBfds)
        tracked.push({
          what: `tracked BFD ${t.name}`,
          up: this.bfd?.isUp(t.name) === true,
          weight: t.weight ?? 0,
          reverse: t.reverse,
        });
      const w = weigh(ic.priority, tracked);
      faults.push(...w.faults);
      let priority = w.priority;
      // track_file: the priority moves by value x weight; weight 0 and a non-zero value mean FAULT.
      for (const t of ic.trackFiles) {
        const tracker = this.files.get(t.name);
        if (!tracker) continue;
        const weight =
          (t.weight ?? tracker.cfg.weight) *
          (t.reverse || (t.weight === undefined && tracker.cfg.reverse) ? -1 : 1);
        if (weight === 0) {
          if (tracker.value !== 0) faults.push(`track_file ${t.name} is ${tracker.value}`);
        } else priority += tracker.value * weight;
      }
      inst.setPriority(priority);
      own.set(inst, faults);
    }
    // A member in FAULT of its own puts its whole sync group in FAULT.
    for (const inst of this.instances) {
      const faults = own.get(inst) ?? [];
      const group = this.cfg.syncGroups.find((g) => g.members.includes(inst.cfg.name));
      const peer = group
        ? this.instances.find(
            (o) =>
              o !== inst && group.members.includes(o.cfg.name) && (own.get(o) ?? []).length > 0,
          )
        : undefined;
      const why =
        faults.length > 0
          ? faults.join(', ')
          : peer
            ? `sync group ${group?.name}: ${peer.cfg.name} is in FAULT`
            : undefined;
      if (this.held.has(inst)) continue;
      if (released.includes(inst)) inst.start(why);
      else if (why !== undefined) inst.setFault(true, why);
      else inst.setFault(false, `interface ${inst.cfg.interface} up`);
    }
  }

  /**
   * The trackers (scripts, files) that instances use: one whose config is
   * unchanged keeps running across a reload, others are stopped or started.
   */
  private syncTrackers<
    C extends { readonly name: string },
    T extends { readonly cfg: C; start(): void; dispose(): void; onChange(l: () => void): void },
  >(
    live: Map<string, T>,
    configs: readonly C[],
    used: ReadonlySet<string>,
    create: (cfg: C) => T,
  ): void {
    for (const [name, t] of live) {
      const now = configs.find((x) => x.name === name);
      if (!used.has(name) || JSON.stringify(now) !== JSON.stringify(t.cfg)) {
        t.dispose();
        live.delete(name);
      }
    }
    for (const cfg of configs.filter((x) => used.has(x.name) && !live.has(x.name))) {
      const tracker = create(cfg);
      tracker.onChange(() => this.applyTracking());
      live.set(cfg.name, tracker);
      tracker.start();
    }
  }

  private startTrackers(): void {
    const uses = (pick: (i: VrrpInstanceConfig) => readonly { name: string }[]): Set<string> =>
      new Set(this.cfg.instances.flatMap((i) => pick(i).map((t) => t.name)));
    this.syncTrackers(
      this.scripts,
      this.cfg.scripts,
      uses((i) => i.trackScripts),
      (sc) =>
        new ScriptTracker(
          sc,
          this.log,
          this.policy.spawnAs(sc.user),
          this.policy.refusal(sc.argv, sc.user),
        ),
    );
    this.syncTrackers(
      this.files,
      this.cfg.trackFiles,
      uses((i) => i.trackFiles),
      (tf) => new FileTracker(tf, this.log),
    );
    this.processes.sync(
      this.cfg.trackProcesses,
      uses((i) => i.trackProcesses),
    );
  }

  /** garp_interval / gna_interval for an interface: its garp_group's, else the global one. */
  private announceIntervalS(ifindex: number, arp: boolean): number {
    const g = this.cfg.garpGroups.find((gg) =>
      gg.interfaces.some((name) => interfaceIndex(name) === ifindex),
    );
    const own = arp ? g?.garpIntervalS : g?.gnaIntervalS;
    return own ?? (arp ? this.cfg.globals.garpIntervalS : this.cfg.globals.gnaIntervalS);
  }

  /**
   * A reload: instances whose configuration is unchanged keep running (same
   * state, VIPs, timers: no flap); changed or removed ones stop cleanly; new
   * ones start. Returns false when the global VRRP settings changed, which
   * needs a full restart.
   */
  async reconfigure(next: VrrpConfig): Promise<boolean> {
    // router_id only names the box in logs and mail, mail settings only who
    // hears of it, the process's scheduling is applied again below: none
    // needs a restart (which would flap every instance).
    const globals = (c: VrrpConfig): string =>
      JSON.stringify({
        ...c.globals,
        routerId: undefined,
        mail: undefined,
        nice: undefined,
        rtPriority: undefined,
        cpus: undefined,
        maxAutoPriority: undefined,
        minAutoDelayUs: undefined,
        noSwap: undefined,
        rtTimeLimitUs: undefined,
        // Receive buffers are sized again after the reload (sizeReceiveBuffers).
        rxBufs: undefined,
        logUnknownVrids: undefined,
        fifoStatesOnReload: undefined,
      });
    if (globals(next) !== globals(this.cfg)) return false;
    const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
    const kept: VrrpInstance[] = [];
    const gone: VrrpInstance[] = [];
    // Those still waiting for their interface are launched (or wait) again below.
    this.awaiting.clear();
    const withoutAuth = (c: VrrpInstanceConfig): unknown => ({ ...c, authHmac: undefined });
    // Users created since are found (a notify script's USER, vrrp_script user).
    this.policy.forgetUsers();
    for (const inst of this.instances) {
      const now = next.instances.find((i) => i.name === inst.cfg.name);
      if (now && same(now, inst.cfg)) kept.push(inst);
      else if (
        now &&
        same({ ...now, kernelRxBufSize: undefined }, { ...inst.cfg, kernelRxBufSize: undefined })
      ) {
        // Only kernel_rx_buf_size changed: the socket is sized again, nothing restarts.
        inst.adoptConfig(now);
        kept.push(inst);
      } else if (now && same(withoutAuth(now), withoutAuth(inst.cfg))) {
        // Only auth_hmac changed (a key rotation): in place, no flap.
        inst.adoptAuth(now);
        kept.push(inst);
      } else gone.push(inst);
    }
    for (const inst of gone) {
      const changed = next.instances.some((i) => i.name === inst.cfg.name);
      this.log.info(
        `(${inst.cfg.name}) ${changed ? 'changed' : 'removed'} by the reload: stopping it`,
      );
      // Removed: keepalived's notifications for a deleted instance (FAULT, or DELETED).
      if (changed) await inst.stop();
      else {
        await inst.remove();
        this.mailAlerts.instanceRemoved(inst.cfg);
      }
      await this.removeVmacs([inst]);
      this.byVrid.get(this.keyOf.get(inst) ?? '')?.delete(inst.cfg.vrid);
      this.keyOf.delete(inst);
      this.ahTransports.get(inst)?.dispose();
      this.ahTransports.delete(inst);
      this.held.delete(inst);
      this.sources.forget(inst);
      if (inst.cfg.promoteSecondaries && inst.cfg.interface)
        this.promoted.release(inst.cfg.interface);
    }
    this.instances = kept;
    this.scheduleRxSizing();
    for (const g of this.cfg.syncGroups)
      if (!next.syncGroups.some((n) => n.name === g.name)) this.groupNotifier.forget(g.name);
    this.cfg = next;
    this.debounce.setDelays(next.upDownDelays);
    this.linkbeat.configure(this.linkbeatWanted());
    this.applyScheduling();
    if (next.globals.fifoStatesOnReload) for (const inst of kept) inst.writeFifoState();
    void this.statics.apply(next.statics);
    for (const ic of next.instances.filter((i) => !kept.some((k) => k.cfg.name === i.name)))
      this.launch(ic);
    this.startTrackers();
    this.applyTracking();
    return true;
  }

  /**
   * kernel_rx_buf_size / vrrp_rx_bufs_policy: each socket's receive buffer,
   * the sum of its instances' shares (rx-buffers.ts); none: the kernel's default.
   */
  private rxSizing = false;

  /** Once per event-loop turn, after the instances that started in it. */
  private scheduleRxSizing(): void {
    if (this.rxSizing) return;
    this.rxSizing = true;
    setImmediate(() => {
      this.rxSizing = false;
      if (!this.stopped) this.sizeReceiveBuffers();
    });
  }

  private sizeReceiveBuffers(): void {
    const policy = this.cfg.globals.rxBufs;
    const want = new Map<string, number>();
    // Every socket is looked at: one no instance sizes any more (a reload took the
    // policy or kernel_rx_buf_size away) goes back to the kernel's default.
    for (const key of [...this.sockets.keys(), ...this.ahSockets.keys()]) want.set(key, 0);
    if (!policy.kind && !this.instances.some((i) => i.cfg.kernelRxBufSize)) {
      this.applyReceiveBuffers(want);
      return;
    }
    const mtus = new Map<string, number>();
    for (const inst of this.instances) {
      const key = this.keyOf.get(inst);
      if (!key) continue;
      const ifname = key.slice(0, key.indexOf('/'));
      let mtu = policy.kind === 'mtu' ? mtus.get(ifname) : 0;
      if (mtu === undefined) mtus.set(ifname, (mtu = interfaceMtu(ifname)));
      const ic = inst.cfg;
      const share = rxBufShare(
        policy,
        {
          family: ic.family,
          version: ic.version,
          vipCount: ic.vips.length,
          ah: ic.auth?.type === 'AH',
          kernelRxBufSize: ic.kernelRxBufSize,
        },
        mtu,
      );
      want.set(key, (want.get(key) ?? 0) + share);
    }
    this.applyReceiveBuffers(want);
  }

  private applyReceiveBuffers(want: ReadonlyMap<string, number>): void {
    for (const [key, bytes] of want) {
      try {
        const got = (this.sockets.get(key) ?? this.ahSockets.get(key))?.setReceiveBuffer(
          Math.max(0, bytes),
        );
        if (got !== undefined)
          this.log.info(
            bytes > 0
              ? `VRRP socket ${key}: receive buffer ${bytes} bytes (the kernel reports ${got})`
              : `VRRP socket ${key}: receive buffer back to the kernel's default (${got})`,
          );
      } catch (err) {
        this.log.error(`cannot size the receive buffer of ${key}: ${(err as Error).message}`);
      }
    }
  }

  /** Starts an instance, after making its VMAC when it has one; failures are logged. */
  private launch(ic: VrrpInstanceConfig): void {
    const fail = (err: Error): void => this.log.error(`(${ic.name}) cannot start: ${err.message}`);
    if (
      ic.interface &&
      this.cfg.globals.dynamicInterfaces &&
      interfaceIndex(ic.interface) === undefined
    ) {
      this.log.info(
        `(${ic.name}) interface ${ic.interface} does not exist yet: starting when it does (dynamic_interfaces)`,
      );
      this.awaiting.set(ic.name, ic);
      return;
    }
    if (!ic.useVmac) {
      try {
        this.startInstance(ic);
      } catch (err) {
        fail(err as Error);
      }
      return;
    }
    this.makeVmac(ic, '')
      .then(() => this.startInstance(ic))
      .then(() => this.applyTracking())
      .catch(fail);
  }

  /**
   * The instance's VMAC on its interface, made (again), and its firewall rule
   * set: before any socket on it joins the VRRP group (an IGMP / MLD report).
   */
  private async makeVmac(ic: VrrpInstanceConfig, again: '' | ' again'): Promise<number> {
    const vmac = ic.useVmac;
    if (!vmac) throw new Error('no VMAC');
    const base = ic.interface ? interfaceFacts(ic.interface) : undefined;
    await this.vmacs.ensure({
      name: vmac.name,
      parent: ic.interface ?? '',
      mac: vmac.mac,
      family: ic.family,
      linkLocal6: base?.linkLocal6,
    });
    this.log.info(`(${ic.name}) VMAC ${vmac.name} (${vmac.mac}) up on ${ic.interface}${again}`);
    const link = {
      family: ic.family,
      vmac: halbSys().ifNameToIndex(vmac.name),
      parent: base?.index ?? 0,
    };
    const old = this.vmacLinks.get(ic.name);
    if (old) this.fw?.removeVmac(ic.name, old);
    this.firewall().addVmac(ic.name, link);
    this.vmacLinks.set(ic.name, link);
    return link.vmac;
  }

  private startInstance(ic: VrrpInstanceConfig): void {
    if (!ic.interface) throw new Error('no interface');
    if (ic.unicastFaultNoPeer)
      this.log.info(`(${ic.name}) Cannot use unicast without any peers - going to fault state`);
    const facts = interfaceFacts(ic.interface);
    if (!facts) throw new Error(`interface ${ic.interface} does not exist`);
    const group = canonicalIp(
      ic.mcastDst ??
        (ic.family === 4 ? this.cfg.globals.mcastGroup4 : this.cfg.globals.mcastGroup6),
      ic.family,
    );
    // None (yet): the instance waits in FAULT for one (sources.ts), as keepalived's.
    const primary = this.sources.initial({ ...ic, interface: ic.interface }, this.cfg);
    // With use_vmac the adverts leave from the VMAC (unless vmac_xmit_base), still
    // carrying the base interface's address, which the VMAC does not hold.
    const onVmac = ic.useVmac !== undefined && !ic.vmacXmitBase;
    const sockIf = onVmac ? (ic.useVmac?.name as string) : ic.interface;
    const sockIndex = onVmac ? halbSys().ifNameToIndex(sockIf) : facts.index;
    // IPv6 adverts always name their source: with a link-local VIP on the
    // interface the kernel could pick it, and the checksum covers the source.
    const mcastSource = ic.family === 6 || onVmac ? primary : undefined;
    const ah = ic.auth?.type === 'AH' ? ic.auth : undefined;
    // One socket per interface, family and group (mcast_dst_ip: the same VRID may be on another group).
    const key = ah ? `${sockIf}/ah/${group}` : `${sockIf}/${ic.family}/${group}`;
    let sock = ah ? undefined : this.sockets.get(key);
    let ahTransport: AhTransport | undefined;
    // Set once the instance exists: AH drops are counted on it.
    const self: { inst?: VrrpInstance } = {};
    if (ah) {
      let ahs = this.ahSockets.get(key);
      if (!ahs) {
        ahs = new AhSocket(sockIf, sockIndex, group);
        this.ahSockets.set(key, ahs);
        this.byVrid.set(key, new Map());
      }
      ahTransport = ahs.transport(ic.vrid, {
        password: ah.password,
        src: primary ?? noAddress(ic.family),
        unicast: ic.unicastPeers.length > 0,
        onDrop: (reason) => self.inst?.countDrop(reason),
      });
      ahTransport.onPacket((p) => self.inst?.receive(p));
    } else if (!sock) {
      // A configured source the interface lacks (track_src_ip) cannot be bound yet: at its return.
      const created = new VrrpSocket(
        ic.family,
        sockIf,
        sockIndex,
        group,
        primary === undefined ? undefined : ic.unicastSrc,
        mcastSource,
      );
      const vrids = new Map<number, VrrpInstance>();
      this.byVrid.set(key, vrids);
      created.onPacket((p) => {
        const vrid = p.payload[1] as number;
        const inst = vrids.get(vrid);
        if (inst) inst.receive(p);
        else if (this.cfg.globals.logUnknownVrids)
          this.log.info(
            `Unknown VRID(${vrid}) received on interface(${sockIf}) from ${p.src}. ignoring...`,
          );
      });
      this.sockets.set(key, created);
      sock = created;
    }
    const indexOf = (name: string): number => halbSys().ifNameToIndex(name);
    const vmacNames = new Set(
      this.cfg.instances.map((i) => i.useVmac?.name).filter((n): n is string => n !== undefined),
    );
    const announcer = new Announcer(
      this.sender,
      ic.garp,
      interfaceMac,
      indexOf,
      extraIfVips(ic, vmacNames),
    );
    announcer.prepare([...ic.vips, ...ic.excludedVips]);
    const transport: VrrpTransport = ahTransport ?? (sock as VrrpSocket);
    const inst = new VrrpInstance(ic, {
      transport,
      ...(ahTransport ? {} : { repeats: (sock as VrrpSocket).repeats }),
      addresses: this.addresses,
      routes: this.routes,
      announcer,
      log: this.log,
      now: this.clock,
      deadlines: this.deadlines,
      startDelayUntil: this.startDelayUntil,
      ifindex: facts.index,
      primaryAddress: primary ?? noAddress(ic.family),
      group,
      indexOf,
      fifo: (line) => this.fifo?.write(line),
      notified: (state) => {
        for (const l of this.notifyListeners) l('INSTANCE', ic.name, state, ic);
      },
      ...(ic.accept ? {} : { firewall: this.firewall() }),
      runScript: (argv, user) => {
        const refused = this.policy.refusal(argv, user);
        if (refused) {
          this.log.error(`(${ic.name}) notify script refused: ${refused}`);
          return undefined;
        }
        return this.policy.spawnAs(user) ?? {};
      },
    });
    self.inst = inst;
    if (ic.promoteSecondaries) {
      try {
        this.promoted.acquire(ic.interface);
      } catch (err) {
        this.log.error(`(${ic.name}) cannot set promote_secondaries: ${(err as Error).message}`);
      }
    }
    if (primary === undefined) this.sources.lacking(inst);
    if (ahTransport) this.ahTransports.set(inst, ahTransport);
    this.byVrid.get(key)?.set(ic.vrid, inst);
    this.keyOf.set(inst, key);
    this.instances.push(inst);
    this.scheduleRxSizing();
    inst.onTransition((_from, to) => {
      this.syncGroupOf(inst, to);
      this.mailAlerts.instanceMoved(ic, to);
      const group = this.cfg.syncGroups.find((g) => g.members.includes(ic.name));
      if (group) {
        const states = this.instances
          .filter((i) => group.members.includes(i.cfg.name))
          .map((i) => i.status().state);
        this.groupNotifier.moved(group, states);
        this.mailAlerts.groupMoved(group, states);
      }
      for (const l of this.transitionListeners) l(ic.name, to);
    });
    const waiting = this.heldBy(ic);
    // Without a source it starts in FAULT, never MASTER for a moment (an address owner would).
    if (waiting.length === 0)
      inst.start(this.sources.fault(inst) ?? (ic.unicastFaultNoPeer ? NO_PEER : undefined));
    else {
      // keepalived keeps such an instance in INIT until its scripts have a result.
      this.log.info(`(${ic.name}) waiting for the first result of ${waiting.join(', ')}`);
      this.held.add(inst);
    }
  }

  /**
   * An interface an instance uses was deleted (index 0: its instances are in
   * FAULT, as for a link down) or made again under the same name: the
   * sockets bound to the old index are made again on the new one, and the
   * VMACs the old interface took with it are made again on it (keepalived's
   * "Interface eth0 deleted" / "added", keepalived_netlink.c). Without this
   * the instances would leave FAULT deaf and mute, and become MASTER beside
   * the real one.
   */
  /** The instance sends, receives or tracks on the interface. */
  private usesInterface(ic: VrrpInstanceConfig, ifname: string): boolean {
    return (
      ic.interface === ifname ||
      ic.useVmac?.name === ifname ||
      ic.trackInterfaces.some((t) => t.name === ifname) ||
      this.implicit(ic).includes(ifname)
    );
  }

  private interfaceMoved(ifname: string, index: number): void {
    if (this.stopped) return;
    const uses = (ic: VrrpInstanceConfig): boolean => this.usesInterface(ic, ifname);
    const waiting = [...this.awaiting.values()].filter((ic) => ic.interface === ifname);
    if (!this.instances.some((i) => uses(i.cfg)) && waiting.length === 0) return;
    this.log.info(`Interface ${ifname} ${index === 0 ? 'deleted' : 'added'}`);
    if (index === 0) return;
    this.launchAwaiting(ifname);
    this.promoted.reapply(ifname);
    // A VMAC's sockets are made again once its firewall rule is back (below), as at launch.
    if (!this.instances.some((i) => i.cfg.useVmac?.name === ifname))
      this.reopenSockets(ifname, index);
    for (const inst of this.instances) {
      const ic = inst.cfg;
      const vmac = ic.useVmac;
      if (!vmac || ic.interface !== ifname) continue;
      this.makeVmac(ic, ' again')
        .then((index) => {
          this.reopenSockets(vmac.name, index);
          this.applyTracking();
        })
        .catch((err: Error) =>
          this.log.error(`(${ic.name}) cannot make VMAC ${vmac.name} again: ${err.message}`),
        );
    }
  }

  /** dynamic_interfaces: the instances waiting for this interface start now it exists. */
  private launchAwaiting(ifname: string): void {
    for (const ic of [...this.awaiting.values()]) {
      if (ic.interface !== ifname) continue;
      this.awaiting.delete(ic.name);
      this.launch(ic);
    }
  }

  /**
   * New sockets for an interface made again. One that cannot be made (the
   * interface went again, a membership the kernel refused) is tried again
   * every REOPEN_RETRY_MS while the interface exists, or the instances on it
   * would neither hear nor send until the next link event.
   */
  private reopenSockets(ifname: string, index: number, tries = 0): void {
    const pending = this.reopenRetries.get(ifname);
    if (pending) clearTimeout(pending);
    this.reopenRetries.delete(ifname);
    let failed: Error | undefined;
    for (const [key, sock] of [...this.sockets, ...this.ahSockets]) {
      if (!key.startsWith(`${ifname}/`) || sock.ifindex === index) continue;
      try {
        sock.reopen(index);
      } catch (err) {
        failed = err as Error;
      }
    }
    if (!failed) {
      if (tries > 0) this.log.info(`VRRP sockets on ${ifname} open again`);
      return;
    }
    if (this.stopped) return;
    const message = `cannot open the VRRP socket on ${ifname} again: ${failed.message}`;
    if (tries === 0) this.log.error(`${message}; trying again every ${REOPEN_RETRY_MS / 1000} s`);
    else this.log.detail(`${message} (try ${tries + 1})`);
    const timer = setTimeout(() => {
      this.reopenRetries.delete(ifname);
      const now = interfaceIndex(ifname);
      if (now !== undefined && !this.stopped) this.reopenSockets(ifname, now, tries + 1);
    }, REOPEN_RETRY_MS);
    this.reopenRetries.set(ifname, timer);
  }

  /** Interfaces whose sockets could not be made again: the timer of the next try. */
  private readonly reopenRetries = new Map<string, NodeJS.Timeout>();

  private socketOf(inst: VrrpInstance): VrrpSocket | undefined {
    return this.sockets.get(this.keyOf.get(inst) ?? '');
  }

  /** dynamic_interfaces: instances whose interface does not exist yet, by instance name. */
  private readonly awaiting = new Map<string, VrrpInstanceConfig>();

  /** Instances not started yet: a track_script of weight 0 has no result so far. */
  private readonly held = new Set<VrrpInstance>();

  /**
   * What keeps an instance in INIT: its own weight-0 scripts with no result
   * yet, and those of every other member of its sync group (keepalived's
   * num_member_init: the group leaves INIT together).
   */
  private heldBy(ic: VrrpInstanceConfig): string[] {
    const group = this.cfg.syncGroups.find((g) => g.members.includes(ic.name));
    if (!group) return this.heldByScripts(ic);
    const members = this.cfg.instances.filter((i) => group.members.includes(i.name));
    const own = new Set(this.heldByScripts(ic));
    const all = members.flatMap((m) =>
      this.heldByScripts(m).map((w) =>
        own.has(w) ? w : `${w} (${m.name}, sync group ${group.name})`,
      ),
    );
    return [...new Set(all)];
  }

  /** The instance's weight-0 scripts with no result yet (a script not running yet counts). */
  private heldByScripts(ic: VrrpInstanceConfig): string[] {
    return ic.trackScripts
      .filter((t) => {
        const cfg = this.cfg.scripts.find((sc) => sc.name === t.name);
        return cfg !== undefined && (t.weight ?? cfg.weight) === 0;
      })
      .filter((t) => this.scripts.get(t.name)?.ok === undefined)
      .map((t) => `script ${t.name}`);
  }

  private firewall(): NftFirewall {
    if (!this.fw) {
      this.log.info(
        `use_vmac or no_accept/strict specified: using nftables (table ${this.cfg.globals.firewall.table}, ip and ip6)`,
      );
      this.fw = new NftFirewall(this.cfg.globals.firewall, this.log);
    }
    return this.fw;
  }

  /**
   * vrrp_sync_group: the members move together. One in FAULT puts the others
   * in FAULT (until it recovers); one becoming MASTER takes the others to
   * MASTER; one falling back to BACKUP takes the others to BACKUP.
   */
  private syncGroupOf(inst: VrrpInstance, to: string): void {
    const group = this.cfg.syncGroups.find((g) => g.members.includes(inst.cfg.name));
    if (!group) return;
    const others = this.instances.filter((i) => i !== inst && group.members.includes(i.cfg.name));
    const why = `sync group ${group.name}: ${inst.cfg.name} is ${to.toUpperCase()}`;
    if (to === 'master' || to === 'backup') for (const o of others) o.sync(to, why);
  }

  private readonly notifyListeners: NotifyListener[] = [];

  /**
   * Each instance and sync group notification, as the notify FIFO gets them
   * (KEEPALIVED-MIB's traps); an instance's comes with its config.
   */
  onNotify(l: NotifyListener): void {
    this.notifyListeners.push(l);
  }

  /** Every instance's state changes (lvs_sync_daemon follows one). */
  onTransition(l: (instance: string, to: string) => void): void {
    this.transitionListeners.push(l);
  }

  /** An instance's state ('init', 'backup', 'master', 'fault'), undefined when it does not run. */
  stateOf(name: string): string | undefined {
    return this.instances.find((i) => i.cfg.name === name)?.status().state;
  }

  status(): InstanceStatus[] {
    return this.instances.map((i) => i.status());
  }

  /** VRRPv3-MIB's rows (snmp/vrrpv3-mib.ts), with the clock their up times count on. */
  snmpRows(): { rows: SnmpVrrpRow[]; nowMs: number } {
    return { rows: this.instances.map((i) => this.snmpRowOf(i)), nowMs: this.clock() };
  }

  /** Each instance's counters, for keepalived's statistics file (SIGUSR2). */
  statsCounters(): StatsCounters[] {
    return this.instances.map((i) => i.statsCounters());
  }

  /** The instances and sync groups as KEEPALIVED-MIB shows them (snmp/keepalived-rows.ts). */
  kaState(): {
    instances: Array<{ cfg: VrrpInstanceConfig; state: string; effectivePriority: number }>;
    groups: readonly SyncGroupConfig[];
    groupState: (name: string) => 'init' | 'backup' | 'master' | 'fault';
    scripts: readonly VrrpScriptConfig[];
    scriptState: (name: string) => { ok: boolean | undefined; runs: number } | undefined;
    statics: readonly Vip[];
  } {
    return {
      instances: this.instances.map((i) => {
        const s = i.status();
        return { cfg: i.cfg, state: s.state, effectivePriority: s.effectivePriority };
      }),
      groups: this.cfg.syncGroups,
      groupState: (name) => {
        const s = this.groupNotifier.stateOf(name);
        return s === 'MASTER'
          ? 'master'
          : s === 'BACKUP'
            ? 'backup'
            : s === 'FAULT'
              ? 'fault'
              : 'init';
      },
      scripts: this.cfg.scripts,
      scriptState: (name) => {
        const t = this.scripts.get(name);
        return t && { ok: t.ok, runs: t.runs };
      },
      statics: this.cfg.statics.addresses,
    };
  }

  snmpRow(name: string): SnmpVrrpRow | undefined {
    const inst = this.instances.find((i) => i.cfg.name === name);
    return inst && this.snmpRowOf(inst);
  }

  private snmpRowOf(inst: VrrpInstance): SnmpVrrpRow {
    const ic = inst.cfg;
    const mac = ic.useVmac?.mac ?? (ic.interface ? interfaceMac(ic.interface) : undefined);
    return inst.snmpRow(
      ic.interface ? (interfaceIndex(ic.interface) ?? 0) : 0,
      mac ? macBytes(mac) : Buffer.alloc(6),
    );
  }

  private async removeVmacs(instances: readonly VrrpInstance[]): Promise<void> {
    for (const inst of instances) {
      const name = inst.cfg.useVmac?.name;
      const link = this.vmacLinks.get(inst.cfg.name);
      if (link) this.fw?.removeVmac(inst.cfg.name, link);
      this.vmacLinks.delete(inst.cfg.name);
      if (name)
        await this.vmacs
          .remove(name)
          .catch((err: Error) => this.log.error(`cannot delete VMAC ${name}: ${err.message}`));
    }
  }

  private stopped = false;

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.reopenRetries.values()) clearTimeout(t);
    this.reopenRetries.clear();
    this.bfdUnsubscribe?.();
    this.scheduler.dispose();
    for (const t of this.scripts.values()) t.dispose();
    for (const t of this.files.values()) t.dispose();
    this.processes.dispose();
    await Promise.all(this.instances.map((i) => i.stop()));
    this.groupNotifier.stopping(this.cfg.syncGroups);
    // Sent while the rest is taken down; waited for at the end (bounded).
    const mails = this.mailAlerts.stopping(
      this.instances.map((i) => i.cfg),
      this.cfg.syncGroups,
    );
    // After the VIPs, as keepalived: rules, routes, then addresses.
    await this.statics.clear();
    await this.removeVmacs(this.instances);
    this.promoted.releaseAll();
    await this.fw?.dispose();
    this.fw = undefined;
    for (const s of this.sockets.values()) s.dispose();
    this.sockets.clear();
    for (const t of this.ahTransports.values()) t.dispose();
    this.ahTransports.clear();
    for (const s of this.ahSockets.values()) s.dispose();
    this.ahSockets.clear();
    this.byVrid.clear();
    this.addresses.dispose();
    this.packets.dispose();
    this.links.dispose();
    this.debounce.dispose();
    this.linkbeat.dispose();
    this.addressWatch.dispose();
    this.vmacs.dispose();
    this.deadlines.dispose();
    this.fifo?.dispose();
    for (const t of this.scripts.values()) t.dispose();
    await mails;
  }
}
