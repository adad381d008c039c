/**
 * The LVS side of keepalived's notify FIFOs: `notify_fifo` and
 * `lvs_notify_fifo` (global_defs) get an `RS ... UP|DOWN` line when a real
 * server's health changes and a `VS ... UP|DOWN` line when its virtual server
 * gains or loses quorum (lvs/notify-lines.ts). The states are worked out from
 * the config and the checkers' health alone, so the lines follow the checks
 * whether or not the kernel has IPVS. The quorum events of lvs/quorum-events.ts
 * (a start or reload's "Starting with quorum", a reload removing real
 * servers, omega at stop) run quorum_up / quorum_down and the removed real
 * servers' notify_down here, under the script security of the VRRP notifies,
 * and a virtual server with smtp_alert mails them (mail/).
 */
import { bool, flag, words, type NotifyScript } from '../config/access';
import type { LvsConfig } from '../config/lvs-config';
import type { ModelBlock } from '../config/validate';
import type { Logger } from '../core/log';
import { desiredTable, type VirtualServerState } from '../ipvs/desired';
import type { HealthTable, ServiceId } from '../lvs/health';
import { lvsNotifyLines } from '../lvs/notify-lines';
import { NotifyFifo } from '../vrrp/notify-fifo';
import {
  quorumAlert,
  realServerAlert,
  shutdownAlert,
  type Alert,
  type MailSettings,
} from '../mail/alerts';
import { localMailSettings, sendAlert } from '../mail/smtp';
import { ScriptRunner } from '../checkers/scripts';
import { lvsEvents, shutdownEvents, type LvsEvent } from '../lvs/quorum-events';

/** How long a stopping daemon waits for omega's scripts and mails (keepalived: its 1 s shutdown timer). */
export const STOP_NOTIFY_WAIT_MS = 2000;

export class LvsNotifier {
  private fifos: NotifyFifo[] = [];
  private states: ReadonlyMap<ServiceId, VirtualServerState> | undefined;
  private lvs: LvsConfig | undefined;
  private mail: MailSettings | undefined;
  /** rs_init_notifies: a real server that starts up gets its UP line. */
  private initNotifies = false;
  private readonly scripts = new ScriptRunner({ scriptUser: undefined, scriptSecurity: false });

  constructor(
    private readonly log: Logger,
    private readonly send: (s: MailSettings, a: Alert, log: Logger) => Promise<unknown> = sendAlert,
  ) {}

  /** Opens the FIFOs the config names (again only when the paths change). */
  configure(globals: ModelBlock | undefined): void {
    this.mail = localMailSettings(globals);
    this.initNotifies = bool(globals, 'rs_init_notifies', false);
    this.scripts.setPolicy({
      scriptUser: words(globals, 'script_user'),
      scriptSecurity: flag(globals, 'enable_script_security'),
    });
    const paths = [
      ...new Set(
        ['notify_fifo', 'lvs_notify_fifo']
          .map((k) => words(globals, k)?.[0])
          .filter((p): p is string => p !== undefined),
      ),
    ];
    if (paths.join('\0') === this.fifos.map((f) => f.path).join('\0')) return;
    this.closeFifos();
    for (const p of paths) {
      const fifo = new NotifyFifo(p, this.log);
      try {
        fifo.open();
        this.fifos.push(fifo);
      } catch (err) {
        this.log.error(`cannot open the LVS notify FIFO ${p}: ${(err as Error).message}`);
      }
    }
  }

  /**
   * The config (`init`: a start or reload) or the health changed: a line for
   * each real server and virtual server that changed state, and the quorum
   * events' scripts and mails.
   */
  update(lvs: LvsConfig, health: HealthTable, init = false): void {
    // Once stopping, the checks' last results say nothing more (the stop has spoken).
    if (this.stopped) return;
    // A big table's states are not worked out twice per check for nothing.
    if (this.fifos.length === 0 && !announces(lvs)) {
      this.states = undefined;
      this.lvs = undefined;
      return;
    }
    const quorum = new Map([...(this.states ?? [])].map(([id, s]) => [id, s.quorumUp]));
    const next = desiredTable(lvs, health, quorum).states;
    for (const line of lvsNotifyLines(this.states, next, this.initNotifies))
      for (const f of this.fifos) f.write(line);
    for (const e of lvsEvents(this.lvs, this.states, lvs, next, init)) void this.announce(e);
    this.states = next;
    this.lvs = lvs;
  }

  /**
   * The daemon stops (the table is about to go): omega's announcements, as
   * keepalived's clear_services, waited for up to STOP_NOTIFY_WAIT_MS.
   */
  private stopped = false;

  async stopping(flushOnStop: boolean, waitMs = STOP_NOTIFY_WAIT_MS): Promise<void> {
    this.stopped = true;
    if (!this.lvs || !this.states) return;
    const events = shutdownEvents(this.lvs, this.states, flushOnStop);
    if (events.length === 0) return;
    const all = Promise.allSettled(events.map((e) => this.announce(e)));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise((r) => (timer = setTimeout(r, waitMs)))]);
    clearTimeout(timer);
    this.scripts.killAll();
  }

  /** One event: its script, its FIFO line, its mail; resolved when they are done. */
  private announce(e: LvsEvent): Promise<unknown> {
    const work: Promise<unknown>[] = [];
    const mail = this.mail;
    if (e.kind === 'rs') {
      if (e.rs.notifyDown?.argv.length) work.push(this.run(e.rs.notifyDown));
      this.fifoLine(`RS ${e.rsId} ${e.id} DOWN`);
      if (mail && e.rs.smtpAlert) {
        const body = e.why === 'removing' ? '=> Removing <=' : '=> Shutting down <=';
        work.push(this.send(mail, realServerAlert(mail, e.rsId, e.id, false, body), this.log));
      }
      return Promise.allSettled(work);
    }
    const script = e.up ? e.vs.quorumUp : e.vs.quorumDown;
    if (script?.argv.length) work.push(this.run(script));
    if (e.fifoLine) this.fifoLine(`VS ${e.id} ${e.up ? 'UP' : 'DOWN'}`);
    if (mail && e.vs.smtpAlert) {
      const alert =
        e.why === 'shutting-down'
          ? shutdownAlert(mail, e.id)
          : quorumAlert(
              mail,
              e.id,
              e.up,
              e.vs.quorum,
              e.vs.hysteresis,
              e.weightSum,
              e.why === 'starting',
              e.wasUp,
            );
      work.push(this.send(mail, alert, this.log));
    }
    return Promise.allSettled(work);
  }

  private fifoLine(line: string): void {
    for (const f of this.fifos) f.write(line);
  }

  /** quorum_up / quorum_down / notify_down: refused under script security as keepalived would. */
  private run(script: NotifyScript): Promise<unknown> {
    const refused = this.scripts.refusal(script.argv, script.user);
    if (refused) {
      this.log.error(`notify script ${script.argv[0]} refused: ${refused}`);
      return Promise.resolve();
    }
    return this.scripts.run(script.argv, 0, script.user);
  }

  dispose(): void {
    this.closeFifos();
  }

  private closeFifos(): void {
    for (const f of this.fifos) f.dispose();
    this.fifos = [];
  }
}

const announcing = new WeakMap<LvsConfig, boolean>();

/** Whether any event of this config would run a script or send a mail. */
function announces(lvs: LvsConfig): boolean {
  let yes = announcing.get(lvs);
  if (yes === undefined) {
    yes = lvs.virtualServers.some(
      (vs) =>
        vs.smtpAlert ||
        vs.quorumUp !== undefined ||
        vs.quorumDown !== undefined ||
        vs.realServers.some((rs) => rs.smtpAlert || rs.notifyDown !== undefined),
    );
    announcing.set(lvs, yes);
  }
  return yes;
}
