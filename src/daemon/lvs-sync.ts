/**
 * lvs_sync_daemon in the daemon: keeps the kernel's IPVS connection sync
 * daemons as sync-plan.ts says for the followed VRRP instance's state. Every
 * change (a transition, a reload, the stop) is one pass: list what runs
 * (GET_DAEMON), stop and start the difference. Passes run one at a time and in
 * order; a kernel without IPVS is said once. Nothing is touched when the
 * config has no lvs_sync_daemon.
 */
import type { Logger } from '../core/log';
import { IpvsClient } from '../ipvs/client';
import { syncDaemonOps, wantedSyncDaemons, type SyncOp, type SyncPlan } from '../ipvs/sync-plan';
import type { SyncDaemon } from '../ipvs/types';

/** What the sync driver needs of the kernel; the real one is IpvsClient. */
export interface SyncKernel {
  syncDaemons(): Promise<SyncDaemon[]>;
  startSyncDaemon(d: SyncDaemon): Promise<void>;
  stopSyncDaemon(state: SyncDaemon['state']): Promise<void>;
  dispose(): void;
}

export interface LvsSyncOptions {
  readonly log: Logger;
  /** The followed instance's state now ('master', 'backup', 'fault', 'init'), undefined when it does not run. */
  readonly stateOf: (instance: string) => string | undefined;
  /** Tests: a fake kernel. */
  readonly openKernel?: () => Promise<SyncKernel>;
}

export function describeSyncOp(o: SyncOp): string {
  if (o.op === 'stop') return `stopping ${o.state} sync daemon`;
  const d = o.daemon;
  const extra = [
    d.maxLen !== undefined ? `maxlen ${d.maxLen}` : '',
    d.port !== undefined ? `port ${d.port}` : '',
    d.ttl !== undefined ? `ttl ${d.ttl}` : '',
    d.group !== undefined ? `group ${d.group}` : '',
  ].filter(Boolean);
  return `starting ${d.state} sync daemon on ${d.interface} (syncid ${d.syncId}${extra.map((e) => `, ${e}`).join('')})`;
}

export class LvsSync {
  private plan: SyncPlan | undefined;
  private kernel: Promise<SyncKernel | undefined> | undefined;
  private queue: Promise<void> = Promise.resolve();
  private stopping = false;
  private listed: SyncDaemon[] | undefined;

  constructor(private readonly o: LvsSyncOptions) {}

  /** The kernel's sync daemons as listed after the last pass (for halb status). */
  get daemons(): readonly SyncDaemon[] | undefined {
    return this.listed;
  }

  /** Start or reload: the plan (undefined: no lvs_sync_daemon); daemons of a removed plan stop. */
  configure(plan: SyncPlan | undefined): Promise<void> {
    const had = this.plan !== undefined;
    this.plan = plan;
    if (!plan && !had) return this.queue;
    return this.pass(plan === undefined);
  }

  /** A VRRP instance changed state; only the followed one matters. */
  transition(instance: string): Promise<void> {
    if (!this.plan || this.plan.follow !== instance) return this.queue;
    return this.pass(false);
  }

  private openKernel(): Promise<SyncKernel | undefined> {
    this.kernel ??= (this.o.openKernel ?? (() => IpvsClient.open()))().catch((err: Error) => {
      this.o.log.error(`${err.message}: lvs_sync_daemon not started`);
      return undefined;
    });
    return this.kernel;
  }

  /** One pass against what the kernel lists; `none` wants no daemon at all. */
  private pass(none: boolean): Promise<void> {
    const run = async (): Promise<void> => {
      const plan = this.plan;
      const k = await this.openKernel();
      if (!k) return;
      const role = plan?.follow === undefined ? undefined : this.o.stateOf(plan.follow);
      const wanted = none ? [] : wantedSyncDaemons(plan, role, this.stopping);
      const running = await k.syncDaemons();
      for (const op of syncDaemonOps(wanted, running)) {
        this.o.log.info(`IPVS: ${describeSyncOp(op)}`);
        try {
          if (op.op === 'stop') await k.stopSyncDaemon(op.state);
          else await k.startSyncDaemon(op.daemon);
        } catch (err) {
          this.o.log.error(`IPVS: ${(err as Error).message}`);
        }
      }
      this.listed = await k.syncDaemons();
    };
    this.queue = this.queue.then(run).catch((err: Error) => {
      this.o.log.error(`IPVS: lvs_sync_daemon: ${err.message}`);
    });
    return this.queue;
  }

  /** halb stops: the daemons it runs are stopped (keepalived does the same at its stop). */
  async dispose(): Promise<void> {
    if (this.stopping) return this.queue;
    this.stopping = true;
    if (this.plan) await this.pass(true);
    else await this.queue;
    (await this.kernel)?.dispose();
  }
}
