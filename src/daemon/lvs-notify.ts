/**
 * The LVS side of keepalived's notify FIFOs: `notify_fifo` and
 * `lvs_notify_fifo` (global_defs) get an `RS ... UP|DOWN` line when a real
 * server's health changes and a `VS ... UP|DOWN` line when its virtual server
 * gains or loses quorum (lvs/notify-lines.ts). The states are worked out from
 * the config and the checkers' health alone, so the lines follow the checks
 * whether or not the kernel has IPVS. A virtual server with smtp_alert also
 * mails its quorum changes (mail/). Nothing is computed without a FIFO or
 * such a virtual server.
 */
import { words } from '../config/access';
import type { LvsConfig } from '../config/lvs-config';
import type { ModelBlock } from '../config/validate';
import type { Logger } from '../core/log';
import { desiredTable, virtualServerId, type VirtualServerState } from '../ipvs/desired';
import type { HealthTable, ServiceId } from '../lvs/health';
import { lvsNotifyLines } from '../lvs/notify-lines';
import { NotifyFifo } from '../vrrp/notify-fifo';
import { quorumAlert, type MailSettings } from '../mail/alerts';
import { localMailSettings, sendAlert } from '../mail/smtp';

export class LvsNotifier {
  private fifos: NotifyFifo[] = [];
  private states: ReadonlyMap<ServiceId, VirtualServerState> | undefined;
  private mail: MailSettings | undefined;

  constructor(private readonly log: Logger) {}

  /** Opens the FIFOs the config names (again only when the paths change). */
  configure(globals: ModelBlock | undefined): void {
    this.mail = localMailSettings(globals);
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

  /** The config or the health changed: a line for each real server and virtual server that changed state. */
  update(lvs: LvsConfig, health: HealthTable): void {
    const mail = this.mail;
    const mailing = mail ? lvs.virtualServers.filter((vs) => vs.smtpAlert) : [];
    if (this.fifos.length === 0 && mailing.length === 0) return;
    const quorum = new Map([...(this.states ?? [])].map(([id, s]) => [id, s.quorumUp]));
    const next = desiredTable(lvs, health, quorum).states;
    for (const line of lvsNotifyLines(this.states, next)) for (const f of this.fifos) f.write(line);
    for (const vs of mailing) {
      const id = virtualServerId(vs);
      const now = next.get(id);
      const before = this.states?.get(id);
      if (!mail || !now || !before || now.quorumUp === before.quorumUp) continue;
      const alert = quorumAlert(mail, id, now.quorumUp, vs.quorum, vs.hysteresis, now.weightSum);
      void sendAlert(mail, alert, this.log);
    }
    this.states = next;
  }

  dispose(): void {
    this.closeFifos();
  }

  private closeFifos(): void {
    for (const f of this.fifos) f.dispose();
    this.fifos = [];
  }
}
