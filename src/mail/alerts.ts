/**
 * keepalived's e-mail alerts (core/smtp.c, vrrp/vrrp_notify.c), pure: who
 * gets them and from where (global_defs: notification_email,
 * notification_email_from, smtp_server, smtp_helo_name, smtp_connect_timeout),
 * whether an instance or sync group sends them (its smtp_alert, else the
 * global smtp_alert_vrrp, else smtp_alert), and the message itself, with
 * keepalived's subject and body lines, which mail filters match on.
 */
import { bool, lines, num, str, words } from '../config/access';
import type { ModelBlock } from '../config/validate';

export interface MailSettings {
  readonly host: string;
  readonly port: number;
  readonly to: readonly string[];
  readonly from: string;
  readonly helo: string;
  readonly routerId: string;
  readonly timeoutMs: number;
  /** no_email_faults: no mail for FAULT. */
  readonly noFaults: boolean;
}

/** smtp_server's port (25 when not given); undefined when it is no port. */
export function smtpPort(word: string | undefined): number | undefined {
  if (word === undefined) return 25;
  const n = Number(word);
  return /^\d+$/.test(word) && n >= 1 && n <= 65535 ? n : undefined;
}

/** None without recipients or a server: keepalived sends nothing then. */
export function mailSettings(
  g: ModelBlock | undefined,
  hostname: string,
  user: string,
): MailSettings | undefined {
  const to = lines(g, 'notification_email').map((l) => l[0] as string);
  const server = words(g, 'smtp_server');
  if (to.length === 0 || !server?.[0]) return undefined;
  const port = smtpPort(server[1]);
  if (port === undefined) return undefined; // keepalived: "Invalid smtp server", no mail
  return {
    host: server[0],
    port,
    to,
    from: str(g, 'notification_email_from') ?? `${user}@${hostname}`,
    helo: str(g, 'smtp_helo_name') ?? hostname,
    routerId: str(g, 'router_id') ?? hostname,
    timeoutMs: Math.max(1, num(g, 'smtp_connect_timeout') ?? 30) * 1000,
    noFaults: g?.no_email_faults === true,
  };
}

/** smtp_alert of an instance or sync group: its own, else smtp_alert_vrrp, else smtp_alert. */
export function alertsOn(own: ModelBlock | undefined, g: ModelBlock | undefined): boolean {
  if (own?.smtp_alert !== undefined) return bool(own, 'smtp_alert', false);
  if (g?.smtp_alert_vrrp !== undefined) return bool(g, 'smtp_alert_vrrp', false);
  return bool(g, 'smtp_alert', false);
}

/** An instance's mails; a sync group has no DELETED one (keepalived's vrrp_notify.c). */
export type AlertState = 'master' | 'backup' | 'fault' | 'stop' | 'deleted';

const INSTANCE_BODY: Record<AlertState, string> = {
  master: '=> VRRP Instance is now owning VRRP VIPs <=',
  backup: '=> VRRP Instance is no longer owning VRRP VIPs <=',
  fault: '=> VRRP Instance is no longer owning VRRP VIPs <=',
  stop: '=> VRRP Instance stopping <=',
  deleted: '=> VRRP Deleted at reload <=',
};

const GROUP_BODY: Record<Exclude<AlertState, 'deleted'>, string> = {
  master: '=> All VRRP group instances are now in MASTER state <=',
  backup: '=> All VRRP group instances are now in BACKUP state <=',
  fault: '=> All VRRP group instances are now in FAULT state <=',
  stop: '=> All VRRP group instances are now stopping <=',
};

/** What follows the name in the subject: "Entering MASTER state", "Stopping", "Deleted". */
function happening(state: AlertState): string {
  if (state === 'stop') return 'Stopping';
  if (state === 'deleted') return 'Deleted';
  return `Entering ${state.toUpperCase()} state`;
}

export interface Alert {
  readonly subject: string;
  readonly body: string;
}

export function vrrpAlert(
  s: MailSettings,
  kind: 'instance' | 'group',
  name: string,
  state: AlertState,
): Alert {
  const what = kind === 'instance' ? 'VRRP Instance' : 'VRRP Group';
  return {
    subject: `[${s.routerId}] ${what} ${name} - ${happening(state)}`,
    body: kind === 'group' && state !== 'deleted' ? GROUP_BODY[state] : INSTANCE_BODY[state],
  };
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

/** RFC 822 date in local time, as strftime("%a, %d %b %Y %H:%M:%S %z"). */
export function rfc822(d: Date): string {
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const zone = `${sign}${two(Math.floor(Math.abs(off) / 60))}${two(Math.abs(off) % 60)}`;
  return (
    `${DAYS[d.getDay()]}, ${two(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ` +
    `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${zone}`
  );
}

/** What follows DATA, ending with the lone dot (keepalived's headers, in its order). */
export function dataText(s: MailSettings, a: Alert, date: Date): string {
  return (
    `Date: ${rfc822(date)}\r\nFrom: ${s.from}\r\nSubject: ${a.subject}\r\n` +
    `X-Mailer: Keepalived\r\nTo: ${s.to.join(', ')}\r\n\r\n${a.body}\r\n\r\n.\r\n`
  );
}

/** The body of a checker's mail (check_*.c), by checker type; FILE_CHECK sends none. */
export function checkerBody(type: string, up: boolean): string | undefined {
  const ok = up ? 'succeed' : 'failed';
  switch (type) {
    case 'TCP_CHECK':
      return `=> TCP CHECK ${ok} on service <=`;
    case 'UDP_CHECK':
      return `=> UDP CHECK ${ok} on service <=`;
    case 'PING_CHECK':
      return `=> ICMP CHECK ${ok} on service <=`;
    case 'DNS_CHECK':
      return `=> DNS_CHECK: ${ok} on service <=`;
    case 'MISC_CHECK':
      return `=> MISC CHECK ${up ? 'succeeded' : 'failed'} on service <=`;
    case 'HTTP_GET':
    case 'SSL_GET':
      return up
        ? '=> CHECK succeed on service <='
        : '=> CHECK failed on service : HTTP request failed <=';
    case 'SMTP_CHECK':
      return `=> CHECK ${ok} on service <=`;
    default:
      return undefined;
  }
}

/** A real server's mail: the subject names the server's state after the change (ipwrapper.c). */
export function realServerAlert(
  s: MailSettings,
  server: string,
  service: string,
  serverUp: boolean,
  body: string,
): Alert {
  return {
    subject: `[${s.routerId}] Realserver ${server} of virtual server ${service} - ${serverUp ? 'UP' : 'DOWN'}`,
    body,
  };
}

/** smtp_alert of a real server: its own, else its virtual server's, else smtp_alert_checker, else smtp_alert. */
export function checkerAlertsOn(
  rs: ModelBlock | undefined,
  vs: ModelBlock | undefined,
  g: ModelBlock | undefined,
): boolean {
  for (const [b, k] of [
    [rs, 'smtp_alert'],
    [vs, 'smtp_alert'],
    [g, 'smtp_alert_checker'],
    [g, 'smtp_alert'],
  ] as const)
    if (b?.[k] !== undefined) return bool(b, k, false);
  return false;
}

/**
 * A virtual server gained or lost quorum (ipwrapper.c update_quorum_state,
 * do_vs_notifies); `starting`: a start or reload did it. The threshold shown
 * is the one crossed: quorum + hysteresis from down, quorum - hysteresis from up.
 */
export function quorumAlert(
  s: MailSettings,
  service: string,
  up: boolean,
  quorum: number,
  hysteresis: number,
  weightSum: number,
  starting = false,
  wasUp = !up,
): Alert {
  const threshold = quorum + (wasUp ? -1 : 1) * hysteresis;
  const what = starting
    ? `Starting with quorum ${up ? 'up' : 'down'}`
    : `${up ? 'Gained' : 'Lost'} quorum`;
  return {
    subject: `[${s.routerId}] Virtualserver ${service} - ${up ? 'UP' : 'DOWN'}`,
    body: `=> ${what} ${quorum}+${hysteresis}=${threshold} <= ${weightSum} <=`,
  };
}

/** A virtual server (with omega) at stop. */
export function shutdownAlert(s: MailSettings, service: string): Alert {
  return {
    subject: `[${s.routerId}] Virtualserver ${service} - DOWN`,
    body: '=> Shutting down <=',
  };
}
