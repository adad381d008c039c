/**
 * The checker process's core: one ServerHealth per (virtual server, real
 * server) with a runner per checker, all on one injected clock. apply() takes
 * a new setup (start or reload): servers whose configuration did not change
 * keep running with their state, changed ones start again from the health
 * they had, the others are stopped or started.
 */
import type { NotifyScript } from '../config/access';
import type { Logger } from '../core/log';
import { checkerBody, realServerAlert } from '../mail/alerts';
import { sendAlert } from '../mail/smtp';
import {
  healthKey,
  type HealthReport,
  type HealthTable,
  type ServerId,
  type ServiceId,
} from '../lvs/health';
import { buildChecker, type BuildDeps } from './build';
import type { Clock } from './clock';
import { serverId, serviceId } from './ids';
import { CheckerRunner } from './runner';
import { ServerHealth } from './server-health';
import type { CheckerSetup } from './setup';

export interface EngineEvents {
  report(r: HealthReport): void;
  removed(key: string): void;
}

interface Entry {
  readonly fingerprint: string;
  readonly service: ServiceId;
  readonly server: ServerId;
  readonly haSuspend: boolean;
  readonly health: ServerHealth;
  readonly runners: readonly CheckerRunner[];
}

export class CheckerEngine {
  private readonly entries = new Map<string, Entry>();
  private suspended: ReadonlySet<ServiceId> = new Set();

  constructor(
    private readonly clock: Clock,
    private readonly random: () => number,
    private readonly log: Logger,
    private readonly deps: BuildDeps,
    private readonly events: EngineEvents,
  ) {}

  /**
   * `known`: the health a previous checker process last reported, by
   * healthKey; a restarted process starts each server there (a server known
   * down starts down, as with alpha) instead of flapping it up.
   */
  /** The last setup's mail settings: a reload that changes only them restarts no checker. */
  private mail: Pick<CheckerSetup, 'mail' | 'noCheckerEmails'> = {};

  apply(setup: CheckerSetup, known: Readonly<Record<string, boolean>> = {}): void {
    this.mail = { mail: setup.mail, noCheckerEmails: setup.noCheckerEmails };
    const seen = new Set<string>();
    for (const vs of setup.lvs.virtualServers) {
      for (const rs of vs.realServers) {
        const service = serviceId(vs);
        const server = serverId(rs, vs);
        const key = healthKey(service, server);
        if (seen.has(key)) continue; // a duplicate real_server: the first one counts, as keepalived
        seen.add(key);
        const fingerprint = JSON.stringify([
          vs.protocol,
          vs.haSuspend,
          rs,
          setup.trackFiles,
          setup.scriptUser,
        ]);
        const old = this.entries.get(key);
        if (old && old.fingerprint === fingerprint) continue;
        if (old) this.stop(key, old);
        // A changed server (a new weight, a new check) starts where the old
        // one was: a server that is down does not go back into the pool
        // until a check passes (keepalived keeps a reloaded server's state).
        const knownUp = known[key] ?? old?.health.report.up;
        const built = rs.checkers
          .map((c) => buildChecker(c, rs, vs, setup, this.deps))
          .filter((b) => b !== undefined)
          .map((b) => (knownUp === undefined ? b : { ...b, alpha: !knownUp }));
        const health = new ServerHealth(
          service,
          server,
          rs,
          built.map((b) => !b.alpha),
          this.log,
          (script) => this.notify(script),
          (r) => this.events.report(r),
          this.clock.wallNow(),
          (i, up, serverMoved, serverUp) => {
            const { mail, noCheckerEmails } = this.mail;
            const body = checkerBody(built[i]?.line.type ?? '', up);
            if (!rs.smtpAlert || !mail || !body || (!serverMoved && noCheckerEmails)) return;
            void sendAlert(mail, realServerAlert(mail, server, service, serverUp, body), this.log);
          },
        );
        const runners = built.map(
          (b, i) =>
            new CheckerRunner(
              b.check,
              b.timing,
              b.alpha,
              this.clock,
              this.random,
              this.log,
              b.line,
              {
                onResult: (state, result, at) => health.update(i, state, result, at),
              },
            ),
        );
        const entry = { fingerprint, service, server, health, runners, haSuspend: vs.haSuspend };
        this.entries.set(key, entry);
        this.suspend(entry, true);
        this.events.report(health.report);
        // rs_init_notifies: a new real server that starts up (not alpha) says so, as keepalived's init_service_rs.
        const script = rs.notifyUp;
        if (
          setup.rsInitNotifies &&
          !old &&
          knownUp === undefined &&
          health.report.up &&
          script?.argv.length
        )
          this.notify(script);
        for (const r of runners) r.start();
      }
    }
    for (const [key, e] of this.entries) {
      if (seen.has(key)) continue;
      this.stop(key, e);
      this.entries.delete(key);
      this.events.removed(key);
    }
  }

  /**
   * ha_suspend (suspend.ts says which): the checkers of these services stop
   * checking, those of the others run again. keepalived's lines.
   */
  setSuspended(services: ReadonlySet<ServiceId>): void {
    this.suspended = services;
    for (const e of this.entries.values()) this.suspend(e, false);
  }

  private suspend(e: Entry, starting: boolean): void {
    const on = this.suspended.has(e.service);
    for (const r of e.runners) {
      if (!starting && r.suspended === on) continue;
      r.suspended = on;
      const verb = starting
        ? on
          ? 'Deactivating'
          : 'Activating'
        : on
          ? 'Suspending'
          : 'Activating';
      if (e.haSuspend)
        this.log.info(`${verb} healthchecker for service ${e.server} for VS ${e.service}`);
    }
    e.health.setSuspended(on);
  }

  /** notify_up / notify_down, under the same script security as MISC_CHECK. */
  private notify(script: NotifyScript): void {
    const refused = this.deps.scripts.refusal(script.argv, script.user);
    if (refused) {
      this.log.error(`notify script ${script.argv[0]} refused: ${refused}`);
      return;
    }
    void this.deps.scripts.run(script.argv, 0, script.user);
  }

  private stop(_key: string, e: Entry): void {
    for (const r of e.runners) r.dispose();
  }

  table(): HealthTable {
    const t = new Map<string, HealthReport>();
    for (const [k, e] of this.entries) t.set(k, e.health.report);
    return t;
  }

  /** Checks attempted so far, all checkers together. */
  attempts(): number {
    let n = 0;
    for (const e of this.entries.values()) for (const r of e.runners) n += r.attempts;
    return n;
  }

  dispose(): void {
    for (const e of this.entries.values()) this.stop('', e);
    this.entries.clear();
    this.deps.pinger.close();
  }
}
