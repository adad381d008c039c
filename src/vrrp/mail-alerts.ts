/**
 * keepalived's VRRP e-mail alerts (vrrp_notify.c): an instance with
 * smtp_alert mails each change to MASTER, BACKUP or FAULT (not FAULT with
 * no_email_faults), never the same state twice in a row; a sync group with
 * smtp_alert mails when all its members are in one state.
 */
import type { SyncGroupConfig, VrrpInstanceConfig } from '../config/vrrp-config';
import type { Logger } from '../core/log';
import { vrrpAlert, type Alert, type AlertState, type MailSettings } from '../mail/alerts';
import { sendAlert } from '../mail/smtp';

export type SendAlert = (s: MailSettings, a: Alert, log: Pick<Logger, 'info' | 'error'>) => unknown;

const isAlertState = (s: string): s is AlertState =>
  s === 'master' || s === 'backup' || s === 'fault';

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

  private mail(kind: 'instance' | 'group', name: string, to: string): void {
    const s = this.settings();
    if (!s || !isAlertState(to) || (to === 'fault' && s.noFaults)) return;
    const key = `${kind} ${name}`;
    if (this.last.get(key) === to) return;
    this.last.set(key, to);
    void this.send(s, vrrpAlert(s, kind, name, to), this.log);
  }
}
