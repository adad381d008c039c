/**
 * The LVS side of the daemon: the health checkers' process (started when the
 * config has virtual servers, as keepalived starts its checker child) and
 * the IPVS reconciler that keeps the kernel's table in step with the config
 * and every health change. A kernel without IPVS (a lab host) is said once;
 * the checks still run and report. With IPVS there and a NAT destination in
 * the config, IP forwarding is turned on (ipvs/ip-forwarding.ts says why).
 *
 * The appliance owns the kernel's table: at start the reconciler adopts what
 * matches the config and removes the rest, and at stop it removes every
 * service, unless -I (keepalived's --dont-release-ipvs) says to leave it.
 * lvs_flush flushes the table before the first pass (adopted services lose
 * their connections too, as keepalived's flush does); lvs_flush_on_stop
 * flushes the whole table at stop, services halb does not own too (with VS:
 * only its own services, which is what halb's stop does anyway). lvs_timeouts
 * are set before the table and put back at stop (ipvs/timeouts.ts).
 */
import type { LvsConfig } from '../config/lvs-config';
import type { ModelBlock } from '../config/validate';
import { flag, num, words } from '../config/access';
import type { Logger } from '../core/log';
import { checkerSetup } from '../checkers/setup';
import { CheckerSupervisor } from '../checkers/supervisor';
import { IpvsClient, type IpvsKernel, type ListedTable } from '../ipvs/client';
import { enableForwarding, natFamilies } from '../ipvs/ip-forwarding';
import { dropIpv6Redirects, NO_REDIRECTS_TABLE } from '../ipvs/ipv6-redirects';
import { IpvsReconciler } from '../ipvs/reconciler';
import { timeoutsOf } from '../ipvs/globals';
import { TimeoutKeeper } from '../ipvs/timeouts';
import type { Timeouts } from '../ipvs/types';
import { LvsNotifier } from './lvs-notify';
import type { HealthTable } from '../lvs/health';

export interface LvsRuntimeOptions {
  readonly entry: readonly string[];
  readonly log: Logger;
  readonly logDetail: boolean;
  /** keepalived -I: leave the table in the kernel at stop. */
  readonly keepTableAtStop?: boolean;
  /** Tests: a fake kernel. */
  readonly openKernel?: () => Promise<IpvsKernel>;
}

export class LvsRuntime {
  private checkers: CheckerSupervisor | undefined;
  private reconciler: IpvsReconciler | undefined;
  private kernel: Promise<IpvsKernel | undefined> | undefined;
  private lvs: LvsConfig | undefined;
  private listed: ListedTable | undefined;
  private listedAt = 0;
  private kernelReady: IpvsKernel | undefined;
  /** IPv6 NAT: the box's ICMPv6 redirects are dropped (once per run). */
  private redirectsDropped = false;
  /** global_defs lvs_flush, as the first config said (a reload never flushes). */
  private flushAtStart: boolean | undefined;

  private readonly notifier: LvsNotifier;
  /** global_defs lvs_flush_on_stop without VS: the whole table goes at stop. */
  private flushAtStop = false;
  private childWaitMs = 5000;
  /** global_defs lvs_timeouts of the config in force. */
  private timeouts: Timeouts | undefined;
  private readonly timeoutKeeper: TimeoutKeeper;

  constructor(private readonly o: LvsRuntimeOptions) {
    this.notifier = new LvsNotifier(o.log);
    this.timeoutKeeper = new TimeoutKeeper((m) => o.log.error(m));
  }

  get health(): CheckerSupervisor | undefined {
    return this.checkers;
  }

  get table(): HealthTable | undefined {
    return this.checkers?.table;
  }

  /**
   * The kernel's table with its counters as last read: after each pass, and
   * again when status asks and the copy is over 2 s old (a dump of a big
   * table is not background work for the VRRP process).
   */
  get kernelTable(): ListedTable | undefined {
    if (this.kernelReady && Date.now() - this.listedAt > 2000) this.list(this.kernelReady);
    return this.listed;
  }

  private list(k: IpvsKernel): void {
    this.listedAt = Date.now();
    k.list().then(
      (t) => (this.listed = t),
      () => undefined,
    );
  }

  /** BFD sessions' states, for BFD_CHECK in the checker process. */
  bfd(states: Readonly<Record<string, boolean>>): void {
    this.checkers?.bfd(states);
  }

  /** Start or reload: the checkers keep unchanged checks, the table follows the new config. */
  apply(model: ModelBlock): void {
    const setup = checkerSetup(model);
    const globals = model.global_defs as ModelBlock | undefined;
    this.flushAtStart ??= flag(globals, 'lvs_flush');
    this.timeouts = timeoutsOf(words(globals, 'lvs_timeouts'));
    this.flushAtStop = flag(globals, 'lvs_flush_on_stop');
    // child_wait_time (top level): how long a stopping daemon waits for the checker process.
    this.childWaitMs = (num(model, 'child_wait_time') ?? 5) * 1000;
    this.lvs = setup.lvs;
    this.notifier.configure(model.global_defs as ModelBlock | undefined);
    if (!this.checkers) {
      if (setup.lvs.virtualServers.length === 0) return;
      this.checkers = new CheckerSupervisor({
        entry: this.o.entry,
        log: this.o.log,
        logDetail: this.o.logDetail,
      });
      this.checkers.onChange(() => this.reconcile());
      this.checkers.start(setup);
    } else {
      this.checkers.update(setup);
    }
    this.reconcile(true);
    this.forwardFor(setup.lvs);
  }

  /** NAT replies are routed through this box: forwarding on, once the kernel has IPVS. */
  private forwardFor(lvs: LvsConfig): void {
    const families = natFamilies(lvs);
    if (families.size === 0 || this.o.openKernel) return;
    void this.openKernel().then((k) => {
      if (!k) return;
      try {
        const changed = enableForwarding(families);
        if (changed.length > 0)
          this.o.log.info(
            `NAT virtual servers: ${changed.join(', ')} (real servers reply through this box, never around it)`,
          );
      } catch (err) {
        this.o.log.error(
          `NAT virtual servers: cannot turn on IP forwarding: ${(err as Error).message}`,
        );
      }
      if (families.has(6) && !this.redirectsDropped) {
        this.redirectsDropped = true;
        dropIpv6Redirects().then(
          () =>
            this.o.log.info(
              `IPv6 NAT virtual servers: ICMPv6 redirects from this box dropped (nftables table ip6 ${NO_REDIRECTS_TABLE})`,
            ),
          (err: Error) => {
            this.redirectsDropped = false;
            this.o.log.error(
              `IPv6 NAT virtual servers: cannot drop ICMPv6 redirects: ${err.message}; real servers on the clients' LAN may be told to bypass this box`,
            );
          },
        );
      }
    });
  }

  private openKernel(): Promise<IpvsKernel | undefined> {
    this.kernel ??= (this.o.openKernel ?? (() => IpvsClient.open()))().then(
      async (k) => {
        if (this.flushAtStart) {
          this.o.log.info('lvs_flush: flushing the IPVS table before programming it');
          await k.flush().catch((err: Error) => this.o.log.error(`lvs_flush: ${err.message}`));
        }
        this.reconciler = new IpvsReconciler(k, (line) => this.o.log.info(line));
        this.kernelReady = k;
        return k;
      },
      (err: Error) => {
        this.o.log.error(`${err.message}: virtual servers are checked but not programmed`);
        return undefined;
      },
    );
    return this.kernel;
  }

  /** init: a start or reload, not a check's result (keepalived's notifications say which). */
  private reconcile(init = false): void {
    const lvs = this.lvs;
    const checkers = this.checkers;
    if (!lvs || !checkers) return;
    this.notifier.update(lvs, checkers.table, init);
    const timeouts = this.timeouts;
    void this.openKernel().then(async (k) => {
      const reconciler = this.reconciler;
      if (!k || !reconciler) return;
      // Before the table, as keepalived's checker sets them at its start and reload.
      await this.timeoutKeeper.want(k, timeouts);
      reconciler
        .update(lvs, checkers.table)
        .then(() => this.list(k))
        .catch((err: Error) => this.o.log.error(`IPVS: ${err.message}`));
    });
  }

  stale(): boolean {
    return this.checkers?.stale() ?? false;
  }

  /** Stops the checks and, as keepalived does when it stops, takes its virtual servers out of the kernel. */
  async dispose(): Promise<void> {
    // omega: the virtual servers' last announcements, while the table is still in.
    if (!this.o.keepTableAtStop) await this.notifier.stopping(this.flushAtStop);
    await this.checkers?.dispose(this.childWaitMs);
    this.checkers = undefined;
    this.notifier.dispose();
    const k = await this.kernel;
    if (this.o.keepTableAtStop)
      this.o.log.info('IPVS table left in the kernel at stop (--dont-release-ipvs)');
    else if (k && this.flushAtStop) {
      this.o.log.info('lvs_flush_on_stop: flushing the IPVS table');
      await k.flush().catch((err: Error) => this.o.log.error(`lvs_flush_on_stop: ${err.message}`));
    } else if (k && this.reconciler && this.lvs)
      await this.reconciler
        .update({ ...this.lvs, virtualServers: [] }, new Map())
        .catch((err: Error) => this.o.log.error(`IPVS: ${err.message}`));
    if (k) await this.timeoutKeeper.restore(k);
    this.kernelReady = undefined;
    k?.dispose();
  }
}
