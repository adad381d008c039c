/**
 * keepalived's VRRP e-mail alerts (vrrp_notify.c): an instance with
 * smtp_alert mails each change to MASTER, BACKUP or FAULT (not FAULT with
 * no_email_faults), never the same state twice in a row; a sync group with
 * smtp_alert mails when all its members are in one state. At shutdown every
 * instance and group mails "Stopping"; an instance a reload removes mails
 * "Deleted" with notify_deleted, else FAULT (keepalived's old way).
 */
import type { SyncGroupConfig, VrrpInstanceConfig } from '../config/vrrp-config';
import type { Logger } from '../core/log';
import { vrrpAlert, type Alert, type AlertState, type MailSettings } from '../mail/alerts';
import { sendAlert } from '../mail/smtp';

export type SendAlert = (s: MailSettings, a: Alert, log: Pick<Logger, 'info' | 'error'>) => unknown;

const isAlertState = (s: string): s is AlertState =>
  s === 'master' || s === 'backup' || s === 'fault' || s === 'stop' || s === 'deleted';

/**
 * How long a stopping daemon waits for its "Stopping" mails. keepalived gives
 * them the second its shutdown timer runs; a little more here, never the
 * full smtp_connect_timeout (30 s by default) of a server that is down.
 */
export const STOP_MAIL_WAIT_MS = 2000;

export class MailAlerts {
  /** The state last mailed, by 'instance NAME' / 'group NAME'. */
  private readonly last = new Map<string, AlertState>();

  constructor(
    private readonly settings: () => MailSettings | undefined,
    private readonly log: Pick<Logger, 'info' | 'error'>,
    private readonly send: SendAlert = sendAlert,
  ) {}

  instanceMoved(ic: VrrpInstanceConfig, to: string): void {
    if (ic.smtpAlert) this.mail('instance', ic.name, to);
  }

  /** After a member moved: the group's states, one per member running. */
  groupMoved(g: SyncGroupConfig, states: readonly string[]): void {
    if (!g.smtpAlert || states.length !== g.members.length) return;
    const first = states[0] ?? '';
    if (states.every((s) => s === first)) this.mail('group', g.name, first);
  }

  /** A reload removed the instance. */
  instanceRemoved(ic: VrrpInstanceConfig): void {
    if (ic.smtpAlert) void this.mail('instance', ic.name, ic.notifyDeleted ? 'deleted' : 'fault');
  }

  /**
   * The daemon stops: "Stopping" for every instance and group that mails,
   * resolved once they are sent (or failed), or after STOP_MAIL_WAIT_MS.
   */
  async stopping(
    instances: readonly VrrpInstanceConfig[],
    groups: readonly SyncGroupConfig[],
    waitMs = STOP_MAIL_WAIT_MS,
  ): Promise<void> {
    const sends: unknown[] = [];
    for (const ic of instances)
      if (ic.smtpAlert) sends.push(this.mail('instance', ic.name, 'stop'));
    for (const g of groups) if (g.smtpAlert) sends.push(this.mail('group', g.name, 'stop'));
    if (!sends.some((p) => p !== undefined)) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(sends),
      new Promise((resolve) => (timer = setTimeout(resolve, waitMs))),
    ]);
    clearTimeout(timer);
  }

  private mail(kind: 'instance' | 'group', name: string, to: string): unknown {
    const s = this.settings();
    if (!s || !isAlertState(to) || (to === 'fault' && s.noFaults)) return undefined;
    const key = `${kind} ${name}`;
    if (this.last.get(key) === to) return undefined;
    this.last.set(key, to);
    return this.send(s, vrrpAlert(s, kind, name, to), this.log);
  }
}
