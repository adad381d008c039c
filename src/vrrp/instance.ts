/**
 * One VRRP instance at run time: the pure state machine driven by received
 * adverts and a monotonic timer; its actions carried out on the transport
 * (adverts), the address manager (VIPs), the announcer (GARP / NA), the log
 * and the notify scripts.
 */
import type { NotifyScript } from '../config/access';
import type { Vip, VrrpInstanceConfig } from '../config/vrrp-config';
import type { Logger } from '../core/log';
import type { InstanceStatus } from '../core/status';
import type { MasterReason, ProtoErrReason, SnmpVrrpRow } from '../snmp/vrrpv3-mib';
import type { StatsCounters } from './stats-file';
import type { Announcer } from './announcer';
import type { AddressManager } from './io/addresses';
import type { FirewallVip, VipFirewall } from './io/nft-firewall';
import { CHECK_SLACK_MS, type DeadlineOwner, type Deadlines } from './deadlines';
import type { RouteSpec, RuleSpec } from './routes';

export interface RouteManager {
  addRoute(r: RouteSpec): Promise<void>;
  removeRoute(r: RouteSpec): Promise<void>;
  addRule(r: RuleSpec): Promise<void>;
  removeRule(r: RuleSpec): Promise<void>;
}
import type { Repeats } from './io/repeat-filter';
import type { ReceivedPacket, VrrpTransport } from './io/vrrp-socket';
import { HmacAuth } from './auth-hmac';
import { encodeAdvert, passwordBytes, type Advert } from './packet';
import { runNotifyScript } from './notify-script';
import { checkReceived, count, type Counters, type DropReason } from './receive-check';
import {
  initialMachine,
  nextDeadline,
  step,
  type InstanceParams,
  type Machine,
  type VrrpAction,
  type VrrpEvent,
} from './state-machine';

export interface InstanceDeps {
  readonly transport: VrrpTransport;
  readonly addresses: AddressManager;
  /** virtual_routes / virtual_rules; absent in tests that have none. */
  readonly routes?: RouteManager;
  readonly announcer: Announcer;
  readonly log: Logger;
  readonly now: () => number;
  /** The engine's one timer for every instance's deadlines (on the same clock as now). */
  readonly deadlines: Deadlines;
  readonly ifindex: number;
  readonly primaryAddress: string;
  readonly group: string;
  readonly indexOf: (ifname: string) => number;
  /** keepalived's notify FIFO, when configured. */
  readonly fifo?: (line: string) => void;
  /** Each instance notification (where keepalived also sends its KEEPALIVED-MIB trap). */
  readonly notified?: (state: 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP' | 'DELETED') => void;
  /** Drops traffic to the VIPs of a MASTER without accept mode; absent when every instance accepts. */
  readonly firewall?: VipFirewall;
  /** Script security for notify scripts: spawn options, or undefined when refused. */
  readonly runScript?: (
    argv: readonly string[],
    user?: readonly string[],
  ) => { uid?: number; gid?: number } | undefined;
  /** vrrp_startup_delay's end on the now() clock (0 or absent: none). */
  readonly startDelayUntil?: number;
  /** The wall clock (ms since the epoch) for auth_hmac's sequence; Date.now when absent. */
  readonly wallMs?: () => number;
  /** The socket's repeat fast path (io/repeat-filter.ts); absent with AH and in tests. */
  readonly repeats?: Repeats;
}

/** auth_hmac drops are logged at most this often per instance and reason (keepalived rate-limits them too). */
const AUTH_LOG_EVERY_MS = 30_000;

/** Both pieces of work done, whatever their outcome. */
function settle(a: Promise<void>, b: Promise<unknown>): Promise<void> {
  return Promise.all([a, b]).then(
    () => undefined,
    () => undefined,
  );
}

const TIMER: VrrpEvent = { type: 'timer' };

/** Byte for byte, in JS: a few dozen bytes compare faster here than through a native call. */
function sameBytes(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class VrrpInstance implements DeadlineOwner {
  private m: Machine;
  private params: InstanceParams;
  /** The deadline armed in deps.deadlines, if any. */
  private timerAt: number | undefined;
  readonly drops: Counters = new Map();
  readonly stats = {
    advertsReceived: 0,
    advertsSent: 0,
    becameMaster: 0,
    releasedMaster: 0,
    priorityZeroReceived: 0,
    priorityZeroSent: 0,
  };
  private vipWork: Promise<void> = Promise.resolve();
  private readonly transitionListeners: Array<(from: string, to: string) => void> = [];
  private hmac: HmacAuth | undefined;
  private readonly authLogged = new Map<DropReason, number>();
  /** RFC 6527's new-master and protocol-error reasons, as keepalived keeps them (snmp/vrrpv3-mib.ts). */
  private masterReason: MasterReason = 0;
  private nextMasterReason: MasterReason = 3;
  private protoErr: ProtoErrReason = 0;
  /** When it started (the engine's clock): RFC 6527's up time. */
  private startedAt = 0;
  /** The source of the last advert taken (the MIBs' master address, as keepalived's master_saddr). */
  private lastAdvertFrom: string | undefined;
  /** old_unicast_checksum, `switched` once a peer's advert carried the old checksum (receive-check.ts). */
  private checksumMode: VrrpInstanceConfig['oldUnicastChecksum'] | 'switched';

  constructor(
    private config: VrrpInstanceConfig,
    private readonly deps: InstanceDeps,
  ) {
    const cfg = config;
    this.hmac = this.hmacFor(cfg);
    this.checksumMode = cfg.oldUnicastChecksum;
    this.params = {
      name: cfg.name,
      version: cfg.version,
      priority: cfg.priority,
      advertIntervalCs: cfg.advertIntervalCs,
      nopreempt: cfg.nopreempt,
      preemptDelayMs: cfg.preemptDelayS * 1000,
      primaryAddress: cfg.unicastSrc ?? deps.primaryAddress,
      downTimerAdverts: cfg.downTimerAdverts,
      startDelayUntil: deps.startDelayUntil ?? 0,
      lowerPrioNoAdvert: cfg.lowerPrioNoAdvert,
      higherPrioSendAdvert: cfg.higherPrioSendAdvert,
      wantMaster: cfg.initialState === 'MASTER' && !cfg.nopreempt,
    };
    this.m = initialMachine(this.params);
    this.dsts = cfg.unicastPeers.length > 0 ? cfg.unicastPeers.map((p) => p.address) : [deps.group];
  }

  get state(): Machine {
    return this.m;
  }

  get cfg(): VrrpInstanceConfig {
    return this.config;
  }

  private hmacFor(cfg: VrrpInstanceConfig): HmacAuth | undefined {
    if (!cfg.authHmac) return undefined;
    const ctx = { family: cfg.family, version: cfg.version, vrid: cfg.vrid };
    return new HmacAuth(cfg.authHmac, ctx, this.deps.wallMs ?? Date.now);
  }

  /** A reload changed nothing the instance runs on (kernel_rx_buf_size): the config is taken as it is. */
  adoptConfig(next: VrrpInstanceConfig): void {
    this.stopRepeats();
    this.config = next;
  }

  /**
   * A reload that changed only auth_hmac (a key rotation): taken in place,
   * with the sequence and replay marks kept, so nothing flaps.
   */
  adoptAuth(next: VrrpInstanceConfig): void {
    this.stopRepeats();
    this.config = next;
    if (next.authHmac && this.hmac) this.hmac.update(next.authHmac);
    else this.hmac = this.hmacFor(next);
    this.deps.log.info(
      `(${next.name}) auth_hmac ${next.authHmac ? `now signs with key ${next.authHmac.activeKey}, mode ${next.authHmac.mode}` : 'removed'}`,
    );
  }

  /** faultWhy: it leaves INIT for FAULT, not BACKUP (held for its scripts, one said failed). */
  start(faultWhy?: string): void {
    this.startedAt = this.deps.now();
    // Encoded now, so becoming MASTER later only sends.
    this.advertsFor(this.m.effectivePriority);
    if (faultWhy !== undefined) {
      this.feed({ type: 'fault', faulty: true, why: faultWhy });
      return;
    }
    this.deps.log.info(`(${this.cfg.name}) Entering BACKUP STATE (init)`);
    this.feed({ type: 'startup' });
  }

  /** A packet for this VRID from the shared socket. */
  receive(p: ReceivedPacket): void {
    const advert = this.accepted(p);
    if (!advert) return;
    this.stats.advertsReceived++;
    this.lastAdvertFrom = p.src;
    if (advert.priority === 0) this.stats.priorityZeroReceived++;
    // keepalived: a backup that takes over next does so for this advert's reason.
    if (this.m.state === 'backup') this.nextMasterReason = advert.priority === 0 ? 1 : 3;
    const e: AdvertEvent = {
      type: 'advert',
      from: p.src,
      priority: advert.priority,
      advertIntervalCs: advert.advertIntervalCs,
    };
    const before = this.m;
    this.feed(e);
    this.lastAdvertAt = this.deps.now();
    // A backup's plain refresh (nothing moved but the master-down time): its repeats may stay in the addon.
    if (!this.hmac && onlyRefreshed(before, this.m)) {
      const unicast = this.cfg.unicastPeers.length > 0;
      if (this.deps.repeats?.arm(this, p, unicast && !this.cfg.checkUnicastSrc)) this.repeatOf = e;
    }
  }

  /** The advert whose repeats the addon counts for us (deps.repeats), if armed. */
  private repeatOf: AdvertEvent | undefined;
  /** When the last advert was stepped, on the now() clock. */
  private lastAdvertAt = -Infinity;

  /**
   * The repeats the addon counted since the last look, stepped as the one
   * advert they amount to, at the time the last one came: before anything
   * else is stepped, so that the machine always knows its master's last advert.
   */
  private takeRepeats(): void {
    const e = this.repeatOf;
    if (!e) return;
    const r = this.deps.repeats?.take(this, this.cfg.vrid);
    if (!r) return;
    this.stats.advertsReceived += r.count;
    if (r.at <= this.lastAdvertAt) return;
    this.lastAdvertAt = r.at;
    this.m = step(this.params, this.m, e, r.at).machine;
  }

  private stopRepeats(): void {
    if (!this.repeatOf) return;
    this.takeRepeats();
    this.deps.repeats?.clear(this, this.cfg.vrid);
    this.repeatOf = undefined;
  }

  /** The last advert that passed the checks: a master repeats the same bytes. */
  /** A packet the transport dropped before the advert checks (AH's ICV, SPI, sequence). */
  countDrop(reason: DropReason): void {
    count(this.drops, reason);
    this.noteProtoError(reason);
  }

  private lastGood:
    { src: string; dst: string; hopLimit: number; payload: Buffer; advert: Advert } | undefined;

  /**
   * The receive checks, or their earlier verdict when the packet repeats the
   * last accepted one byte for byte from the same source to the same
   * destination (the checks are a function of exactly those and the TTL).
   */
  private accepted(p: ReceivedPacket): Advert | undefined {
    const unicast = this.cfg.unicastPeers.length > 0;
    const last = this.lastGood;
    // Unicast: any TTL, unless check_unicast_src bounds it (then it must repeat too).
    const ttlOk = unicast
      ? !this.cfg.checkUnicastSrc || p.hopLimit === last?.hopLimit
      : p.hopLimit === -1 || p.hopLimit === 255;
    // auth_hmac: every packet is checked (a repeat of the last one is a replay).
    if (
      !this.hmac &&
      ttlOk &&
      last &&
      last.src === p.src &&
      last.dst === p.dst &&
      sameBytes(last.payload, p.payload)
    )
      return last.advert;
    const skip = this.cfg.skipCheckAdvAddr && last?.src === p.src;
    const mode = this.checksumMode;
    const checked = checkReceived(this.cfg, p, unicast, skip, this.hmac, {
      mode: mode === 'always' || mode === 'switched' ? 'use' : mode === 'auto' ? 'try' : 'never',
      group: this.deps.group,
    });
    if (!checked.ok) {
      count(this.drops, checked.reason);
      this.noteProtoError(checked.reason);
      this.logDrop(checked.reason, p.src);
      return undefined;
    }
    if (checked.oldChecksum) {
      // keepalived 2.2.7: the peer is 1.3.6 or older; from now on this side sends its checksum too.
      this.checksumMode = 'switched';
      this.stopRepeats();
      this.adverts.clear();
      this.deps.log.info(`(${this.cfg.name}) Setting unicast VRRPv3 checksum to old version`);
    }
    this.lastGood = {
      src: p.src,
      dst: p.dst,
      hopLimit: p.hopLimit,
      payload: Buffer.from(p.payload),
      advert: checked.advert,
    };
    return checked.advert;
  }

  /** Drops go to the detail log; auth_hmac's are errors, as in keepalived, at most one per reason per 30 s. */
  private logDrop(reason: DropReason, src: string): void {
    const message = `(${this.cfg.name}) dropped advert from ${src}: ${reason}`;
    if (!reason.startsWith('auth-') || !this.hmac) {
      this.deps.log.detail(message);
      return;
    }
    const now = this.deps.now();
    const last = this.authLogged.get(reason);
    if (last !== undefined && now - last < AUTH_LOG_EVERY_MS) return;
    this.authLogged.set(reason, now);
    const n = this.drops.get(reason) ?? 0;
    this.deps.log.error(`${message} (auth_hmac; ${n} so far)`);
  }

  setFault(faulty: boolean, why: string): void {
    if (faulty === (this.m.state === 'fault')) return;
    this.feed({ type: 'fault', faulty, why });
  }

  /** While MASTER: puts back any VIP someone else removed (keepalived does the same). */
  restoreVips(): void {
    if (this.m.state !== 'master') return;
    this.vipWork = this.vipWork
      .then(async () => {
        if (this.m.state !== 'master') return;
        for (const v of [...this.cfg.vips, ...this.cfg.excludedVips]) {
          const idx = v.dev ? this.deps.indexOf(v.dev) : this.deps.ifindex;
          const present = await this.deps.addresses.list(idx, v.family);
          if (present.includes(v.address) || this.m.state !== 'master') continue;
          this.deps.log.info(
            `(${this.cfg.name}) VIP ${v.address} was removed while MASTER: restoring it`,
          );
          await this.deps.addresses.add(v, idx);
        }
      })
      .catch((err: Error) =>
        this.deps.log.error(`(${this.cfg.name}) cannot restore VIPs: ${err.message}`),
      );
  }

  onTransition(l: (from: string, to: string) => void): void {
    this.transitionListeners.push(l);
  }

  /** Moves with its sync group. */
  sync(to: 'master' | 'backup', why: string): void {
    this.feed({ type: 'sync', to, why });
  }

  /** The address the adverts come from (the unspecified address while the interface has none). */
  get source(): string {
    return this.params.primaryAddress;
  }

  /** The interface's address changed (source-address.ts): the next adverts carry the new one. */
  setSource(address: string): void {
    if (address === this.params.primaryAddress) return;
    this.stopRepeats();
    this.params = { ...this.params, primaryAddress: address };
    this.adverts.clear();
  }

  setPriority(effective: number): void {
    const before = this.m.effectivePriority;
    if (effective === before) return;
    this.feed({ type: 'priority', effective });
    const now = this.m.effectivePriority;
    if (now === before) return;
    this.deps.log.info(`(${this.cfg.name}) Changing effective priority from ${before} to ${now}`);
    // notify_priority_changes: a FIFO line, as keepalived's (no script).
    if (this.cfg.notifyPriorityChanges)
      this.deps.fifo?.(
        `INSTANCE "${this.cfg.name}" ${this.m.state === 'master' ? 'MASTER' : 'BACKUP'}_PRIORITY ${now}`,
      );
  }

  /**
   * A reload removed the instance: it stops as at shutdown (priority 0,
   * VIPs removed), but notifies as keepalived does then: FAULT (nothing if
   * it was in FAULT already), or DELETED with notify_deleted.
   */
  async remove(): Promise<void> {
    this.removing = this.m.state;
    await this.stop();
  }

  /** Set by remove(): the state the instance was in. */
  private removing: Machine['state'] | undefined;

  async stop(): Promise<void> {
    this.feed({ type: 'shutdown' });
    this.stopRepeats();
    this.disarm();
    await this.vipWork;
  }

  private feed(e: VrrpEvent): void {
    this.takeRepeats();
    const s = step(this.params, this.m, e, this.deps.now());
    const was = this.m.state;
    const before = this.m;
    this.m = s.machine;
    // Anything but a plain refresh: every advert is looked at in JS again.
    if (this.repeatOf && (s.actions.length > 0 || !sameExceptTimes(before, this.m)))
      this.stopRepeats();
    if (was !== 'master' && this.m.state === 'master') {
      this.stats.becameMaster++;
      const why = this.m.lastTransition?.why ?? '';
      this.masterReason = /address owner|preempt/.test(why) ? 2 : this.nextMasterReason;
      this.nextMasterReason = 3;
    }
    if (was === 'master' && this.m.state !== 'master') this.stats.releasedMaster++;
    for (const a of s.actions) this.act(a);
    this.schedule();
    if (was !== this.m.state) for (const l of this.transitionListeners) l(was, this.m.state);
  }

  /**
   * The machine's next deadline, armed in the engine's shared timer. A
   * backup's deadline moves later with every advert it hears: the armed one
   * is then left alone, and when it comes early it re-arms for what is left —
   * instead of moving it in the heap per advert per instance.
   */
  private schedule(): void {
    const d = nextDeadline(this.m);
    if (d === null) {
      this.disarm();
      return;
    }
    if (this.timerAt !== undefined && this.timerAt <= d) {
      // Left armed as a check, which the shared timer may run a little early.
      if (this.timerAt < d) this.deps.deadlines.relax(this);
      return;
    }
    this.timerAt = d;
    this.deps.deadlines.set(this, d);
    // Its master's repeats are in the addon: the deadline will most likely move,
    // so it may be looked at early with others. Not when it is near: then it must
    // come on time (and a check re-armed inside the current turn would run again).
    if (this.repeatOf && d > this.deps.now() + CHECK_SLACK_MS) this.deps.deadlines.relax(this);
  }

  onDeadline(): void {
    this.timerAt = undefined;
    this.takeRepeats();
    const d = nextDeadline(this.m);
    if (d !== null && d > this.deps.now()) this.schedule();
    else this.feed(TIMER);
  }

  private disarm(): void {
    if (this.timerAt !== undefined) this.deps.deadlines.clear(this);
    this.timerAt = undefined;
  }

  /** Adverts differ only by priority and destination: per priority, one per destination, encoded once. */
  private readonly adverts = new Map<number, Buffer[]>();

  private advertsFor(priority: number): Buffer[] {
    const cached = this.adverts.get(priority);
    if (cached) return cached;
    const cfg = this.cfg;
    const advert = {
      version: cfg.version,
      vrid: cfg.vrid,
      priority,
      advertIntervalCs: cfg.advertIntervalCs,
      addresses: cfg.vips.map((v) => v.address),
      authType:
        cfg.auth?.type === 'AH'
          ? ('ah' as const)
          : cfg.auth
            ? ('pass' as const)
            : ('none' as const),
      // AH: the advert's 8 auth bytes stay zero; the AH header carries the ICV (ah.ts).
      authData:
        cfg.version !== 2
          ? Buffer.alloc(0)
          : cfg.auth?.type === 'PASS'
            ? passwordBytes(cfg.auth.password)
            : Buffer.alloc(8),
    };
    // The old unicast checksum sums the multicast group, not the peer (receive-check.ts).
    const old = this.usesOldChecksum();
    const bytes = this.dsts.map((dst) =>
      encodeAdvert(advert, {
        family: cfg.family,
        src: this.params.primaryAddress,
        dst: old ? this.deps.group : dst,
        checksumAsV2: cfg.checksumAsV2,
      }),
    );
    this.adverts.set(priority, bytes);
    return bytes;
  }

  /** The group, or the unicast peers. */
  private readonly dsts: readonly string[];

  private get unicastTtl(): number | undefined {
    const c = this.cfg;
    return c.unicastPeers.length > 0 && c.unicastTtl !== 255 ? c.unicastTtl : undefined;
  }

  private sendAdvert(priority: number): void {
    const dsts = this.dsts;
    const bytes = this.advertsFor(priority);
    // auth_hmac: one trailer per advert, the same for every peer (the HMAC
    // covers neither the destination nor the checksum). IPv4's checksum
    // leaves the trailer out; IPv6's is the kernel's, over everything.
    const trailer = this.hmac?.signs
      ? this.hmac.sign(bytes[0] as Buffer, this.params.primaryAddress)
      : undefined;
    for (let i = 0; i < dsts.length; i++) {
      const dst = dsts[i] as string;
      try {
        const msg = bytes[i] as Buffer;
        const out = trailer ? Buffer.concat([msg, trailer]) : msg;
        // unicast_ttl: unicast adverts only (the multicast ones keep RFC 5798's 255).
        if (this.unicastTtl === undefined) this.deps.transport.send(out, dst);
        else this.deps.transport.send(out, dst, this.unicastTtl);
        this.stats.advertsSent++;
        if (priority === 0) this.stats.priorityZeroSent++;
      } catch (err) {
        this.deps.log.error(
          `(${this.cfg.name}) cannot send advert to ${dst}: ${(err as Error).message}`,
        );
      }
    }
  }

  /**
   * `op` on each VIP with its interface's index. An interface that no longer
   * exists took its VIPs with it: nothing to remove (`gone` 'skip'), an error
   * to add ('error'). Never throws: this runs from netlink events too.
   */
  private eachVip(
    op: (v: Vip, ifindex: number) => Promise<void>,
    gone: 'skip' | 'error',
  ): Promise<unknown> {
    return Promise.all(
      [...this.cfg.vips, ...this.cfg.excludedVips].map((v) => {
        let idx: number;
        try {
          idx = v.dev ? this.deps.indexOf(v.dev) : this.deps.ifindex;
        } catch (err) {
          if (gone === 'error')
            this.deps.log.error(
              `(${this.cfg.name}) cannot add VIP ${v.address}: ${(err as Error).message}`,
            );
          return Promise.resolve();
        }
        return op(v, idx).catch((err: Error) => this.deps.log.error(err.message));
      }),
    );
  }

  private firewallVips(): FirewallVip[] {
    const out: FirewallVip[] = [];
    for (const v of [...this.cfg.vips, ...this.cfg.excludedVips]) {
      try {
        const ifindex = v.dev ? this.deps.indexOf(v.dev) : this.deps.ifindex;
        out.push({ address: v.address, family: v.family, ifindex });
      } catch {
        /* no such device: the VIP cannot be added either (logged there) */
      }
    }
    return out;
  }

  private eachRoute(op: 'add' | 'remove'): Promise<unknown> {
    const r = this.deps.routes;
    const { virtualRoutes: routes, virtualRules: rules } = this.cfg;
    if (!r || (routes.length === 0 && rules.length === 0)) return Promise.resolve();
    if (op === 'add') this.deps.log.info(`(${this.cfg.name}) setting virtual routes and rules.`);
    const logged = (p: Promise<void>): Promise<void> =>
      p.catch((err: Error) => this.deps.log.error(`(${this.cfg.name}) ${err.message}`));
    const work =
      op === 'add'
        ? [...routes.map((x) => r.addRoute(x)), ...rules.map((x) => r.addRule(x))]
        : [...rules.map((x) => r.removeRule(x)), ...routes.map((x) => r.removeRoute(x))];
    return Promise.all(work.map(logged));
  }

  private act(a: VrrpAction): void {
    switch (a.type) {
      case 'send-advert':
        this.sendAdvert(a.priority);
        return;
      case 'add-vips':
        // Everything is issued at once, in keepalived's order (VIPs, routes,
        // rules): the netlink package calls sendmsg() at once on an idle socket
        // and the kernel applies each request inside that call; one socket keeps
        // them in order. Only the acks are awaited, later.
        // Without accept mode the drop rule goes in first: no packet reaches a VIP unfiltered.
        if (!this.cfg.accept) this.deps.firewall?.block(this.cfg.name, this.firewallVips());
        this.deps.log.info(`(${this.cfg.name}) setting VIPs.`);
        this.vipWork = settle(
          this.vipWork,
          Promise.all([
            this.eachVip((v, idx) => this.deps.addresses.add(v, idx), 'error'),
            this.eachRoute('add'),
          ]),
        );
        return;
      case 'remove-vips':
        // The reverse order: rules, routes, then the VIPs they may name.
        this.vipWork = settle(
          this.vipWork,
          Promise.all([
            this.eachRoute('remove'),
            this.eachVip((v, idx) => this.deps.addresses.remove(v, idx), 'skip'),
          ]),
        );
        // The drop rule goes once the VIPs are gone (counted: a new block in between keeps it).
        if (!this.cfg.accept && this.deps.firewall) {
          const fw = this.deps.firewall;
          const vips = this.firewallVips();
          this.vipWork = this.vipWork.then(() => fw.unblock(this.cfg.name, vips));
        }
        return;
      case 'announce':
        this.deps.announcer.start([...this.cfg.vips, ...this.cfg.excludedVips]);
        return;
      case 'announce-lower-priority':
        this.deps.announcer.lowerPriority([...this.cfg.vips, ...this.cfg.excludedVips]);
        // notify_master_rx_lower_pri, and its FIFO line (written with or without the script).
        this.deps.fifo?.(
          `INSTANCE "${this.cfg.name}" MASTER_RX_LOWER_PRI ${this.m.effectivePriority}`,
        );
        if (this.cfg.notify.masterRxLowerPri) this.runNotify(this.cfg.notify.masterRxLowerPri);
        return;
      case 'stop-announcing':
        this.deps.announcer.stop();
        return;
      case 'log':
        if (a.detail) this.deps.log.detail(a.message);
        else this.deps.log.info(a.message);
        return;
      case 'notify':
        if (a.state === 'STOP' && this.removing !== undefined) {
          if (this.cfg.notifyDeleted) this.notify('DELETED');
          else if (this.removing !== 'fault') this.notify('FAULT');
          return;
        }
        this.notify(a.state);
        return;
    }
  }

  /** A notify script, without blocking, killed after 30 s, as its user under script security. */
  private runNotify(script: NotifyScript): void {
    const as = this.deps.runScript ? this.deps.runScript(script.argv, script.user) : {};
    runNotifyScript(script.argv, as, this.deps.log, this.cfg.name);
  }

  /** fifo_write_vrrp_states_on_reload: the FIFO line of the state it is in, again. */
  writeFifoState(): void {
    const state = ({ master: 'MASTER', backup: 'BACKUP', fault: 'FAULT' } as const)[
      this.m.state as 'master' | 'backup' | 'fault'
    ];
    if (state) this.deps.fifo?.(`INSTANCE "${this.cfg.name}" ${state} ${this.m.effectivePriority}`);
  }

  private notify(state: 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP' | 'DELETED'): void {
    const n = this.cfg.notify;
    const specific = {
      MASTER: n.master,
      BACKUP: n.backup,
      FAULT: n.fault,
      STOP: n.stop,
      DELETED: n.deleted,
    }[state];
    const run = (script: NotifyScript): void => this.runNotify(script);
    this.deps.fifo?.(`INSTANCE "${this.cfg.name}" ${state} ${this.m.effectivePriority}`);
    this.deps.notified?.(state);
    if (specific) run(specific);
    // keepalived's generic notify: SCRIPT INSTANCE NAME STATE PRIORITY.
    if (n.any)
      run({
        ...n.any,
        argv: [...n.any.argv, 'INSTANCE', this.cfg.name, state, String(this.m.effectivePriority)],
      });
  }

  status(): InstanceStatus {
    this.takeRepeats();
    return {
      name: this.cfg.name,
      state: this.m.state === 'init' ? 'init' : this.m.state,
      priority: this.cfg.priority,
      effectivePriority: this.m.effectivePriority,
      masterAddress: this.m.masterAddress,
      vips: this.cfg.vips.map((v) => `${v.address}/${v.prefix}`),
      lastTransition: this.m.lastTransition
        ? { to: this.m.lastTransition.to, why: this.m.lastTransition.why }
        : null,
      stats: { ...this.stats },
      drops: Object.fromEntries(this.drops),
      ...(this.usesOldChecksum()
        ? { oldUnicastChecksum: this.checksumMode === 'always' ? 'configured' : 'learned' }
        : {}),
    };
  }

  /** RFC 6527's last protocol error: TTL 1, version 2, checksum 3. */
  private noteProtoError(reason: DropReason): void {
    const code: ProtoErrReason | undefined =
      reason === 'ttl'
        ? 1
        : reason === 'bad-version' || reason === 'version-mismatch'
          ? 2
          : reason === 'bad-checksum'
            ? 3
            : undefined;
    if (code !== undefined) this.protoErr = code;
  }

  /** Packets dropped for these reasons (the repeats taken first by the caller). */
  private dropped(...reasons: DropReason[]): number {
    return reasons.reduce((a, r) => a + (this.drops.get(r) ?? 0), 0);
  }

  /** The counters keepalived's SIGUSR2 statistics file shows (stats-file.ts). */
  statsCounters(): StatsCounters {
    this.takeRepeats();
    const d = (...reasons: DropReason[]): number => this.dropped(...reasons);
    return {
      name: this.cfg.name,
      advertsReceived: this.stats.advertsReceived,
      advertsSent: this.stats.advertsSent,
      becameMaster: this.stats.becameMaster,
      releasedMaster: this.stats.releasedMaster,
      lengthErrors: d('bad-length', 'too-short'),
      ttlErrors: d('ttl'),
      invalidType: d('bad-type'),
      intervalErrors: d('interval-mismatch'),
      addressListErrors: d('address-list'),
      invalidAuthType: d('bad-auth-type'),
      authTypeMismatch: d('auth-type-mismatch'),
      authFailures: d('auth-failure'),
      priorityZeroReceived: this.stats.priorityZeroReceived,
      priorityZeroSent: this.stats.priorityZeroSent,
    };
  }

  /** The instance's row of VRRPv3-MIB, but for what the interface says (the engine adds it). */
  snmpRow(ifIndex: number, mac: Buffer): SnmpVrrpRow {
    const c = this.cfg;
    // The counters keepalived's statistics file shows, plus what RFC 6527 adds.
    const s = this.statsCounters();
    return {
      ifIndex,
      vrid: c.vrid,
      family: c.family,
      state: this.m.state,
      masterAddress: this.lastAdvertFrom,
      version: c.version,
      authType: c.auth?.type === 'AH' ? 'ah' : c.auth ? 'pass' : 'none',
      primaryAddress: this.params.primaryAddress,
      mac,
      priority: c.priority,
      vips: c.vips.map((v) => v.address),
      advertIntervalCs: c.advertIntervalCs,
      preempt: !c.nopreempt,
      accept: c.accept,
      startedAtMs: this.startedAt,
      stats: {
        becameMaster: s.becameMaster,
        masterReason: this.masterReason,
        advertsReceived: s.advertsReceived,
        intervalErrors: s.intervalErrors,
        ttlErrors: s.ttlErrors,
        protoErrReason: this.protoErr,
        priorityZeroReceived: s.priorityZeroReceived,
        priorityZeroSent: s.priorityZeroSent,
        invalidType: s.invalidType,
        addressListErrors: s.addressListErrors,
        lengthErrors: s.lengthErrors,
        checksumErrors: this.dropped('bad-checksum'),
        versionErrors: this.dropped('bad-version', 'version-mismatch'),
        vridErrors: 0,
        authFailures: s.authFailures,
        invalidAuthType: s.invalidAuthType,
        authTypeMismatch: s.authTypeMismatch,
      },
    };
  }

  private usesOldChecksum(): boolean {
    const c = this.cfg;
    return (
      c.family === 4 &&
      c.version === 3 &&
      c.unicastPeers.length > 0 &&
      (this.checksumMode === 'always' || this.checksumMode === 'switched')
    );
  }
}

type AdvertEvent = Extract<VrrpEvent, { type: 'advert' }>;

/** Equal but for the deadlines: what a repeat of the same advert may change. */
function sameExceptTimes(a: Machine, b: Machine): boolean {
  return (
    a.state === b.state &&
    a.effectivePriority === b.effectivePriority &&
    a.masterAdvertIntervalCs === b.masterAdvertIntervalCs &&
    a.masterAddress === b.masterAddress &&
    a.lastTransition === b.lastTransition &&
    (a.preemptAt === null) === (b.preemptAt === null) &&
    (a.advertAt === null) === (b.advertAt === null)
  );
}

/**
 * A backup that heard its master and did nothing but move its master-down
 * time later, with no preemption pending: a repeat of that advert would do
 * the same, so its repeats may be counted in the addon.
 */
function onlyRefreshed(before: Machine, after: Machine): boolean {
  return (
    before.state === 'backup' &&
    sameExceptTimes(before, after) &&
    after.preemptAt === null &&
    after.advertAt === null &&
    after.masterDownAt !== null &&
    (before.masterDownAt === null || after.masterDownAt > before.masterDownAt)
  );
}
