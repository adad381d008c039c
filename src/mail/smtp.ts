/**
 * Sends one alert over SMTP as keepalived does (core/smtp.c): one connection
 * per alert, HELO, MAIL FROM, a RCPT TO per recipient, DATA, QUIT, each reply
 * code checked; smtp_connect_timeout bounds the connection and every wait
 * for a reply. Never throws and never blocks the caller: a failure is logged
 * with the server and the step, the alert is lost (as keepalived's).
 */
import * as net from 'node:net';
import * as os from 'node:os';
import type { ModelBlock } from '../config/validate';
import type { Logger } from '../core/log';
import { dataText, mailSettings, type Alert, type MailSettings } from './alerts';

interface Step {
  readonly name: string;
  readonly send: string | undefined;
  readonly expect: number;
}

function steps(s: MailSettings, a: Alert, date: Date): Step[] {
  return [
    { name: 'connect', send: undefined, expect: 220 },
    { name: 'HELO', send: `HELO ${s.helo}\r\n`, expect: 250 },
    { name: 'MAIL', send: `MAIL FROM:<${s.from}>\r\n`, expect: 250 },
    ...s.to.map((to) => ({ name: 'RCPT', send: `RCPT TO:<${to}>\r\n`, expect: 250 })),
    { name: 'DATA', send: 'DATA\r\n', expect: 354 },
    { name: 'body', send: dataText(s, a, date), expect: 250 },
    { name: 'QUIT', send: 'QUIT\r\n', expect: 221 },
  ];
}

/** The code of a complete reply (its last line "NNN ..."), or undefined while it goes on. */
export function replyCode(buffered: string): number | undefined {
  const lines = buffered.split('\r\n');
  if (lines.length < 2) return undefined; // no full line yet
  for (const line of lines.slice(0, -1)) {
    const m = /^(\d{3})( |$)/.exec(line);
    if (m) return Number(m[1]);
  }
  return undefined;
}

export function sendAlert(
  s: MailSettings,
  a: Alert,
  log: Pick<Logger, 'info' | 'error'>,
  date = new Date(),
): Promise<boolean> {
  const server = `[${s.host}]:${s.port}`;
  const plan = steps(s, a, date);
  return new Promise((resolve) => {
    let at = 0;
    let buffered = '';
    let done = false;
    let sock: net.Socket;
    try {
      sock = net.connect({ host: s.host, port: s.port });
    } catch (err) {
      log.error(`SMTP alert to ${server} failed: ${(err as Error).message}`);
      resolve(false);
      return;
    }
    let sent = false;
    const finish = (ok: boolean, why?: string): void => {
      if (done) return;
      done = true;
      // Delivered once the body was accepted, whatever QUIT then gets.
      if (why && !sent) log.error(`SMTP alert to ${server} failed: ${why}`);
      sock.destroy();
      resolve(ok || sent);
    };
    sock.setTimeout(s.timeoutMs, () =>
      finish(false, `timeout waiting for the ${plan[at]?.name ?? 'server'} reply`),
    );
    sock.on('error', (err) => finish(false, err.message));
    sock.on('close', () => finish(false, `connection closed at ${plan[at]?.name ?? 'the end'}`));
    sock.setEncoding('latin1');
    sock.on('data', (chunk: string) => {
      buffered += chunk;
      const code = replyCode(buffered);
      if (code === undefined) return;
      buffered = '';
      const step = plan[at] as Step;
      if (code !== step.expect) {
        finish(false, `${step.name}: the server answered ${code}`);
        return;
      }
      if (step.name === 'body') {
        sent = true;
        log.info(`SMTP alert "${a.subject}" sent to ${server}`);
      }
      at++;
      const next = plan[at];
      if (!next) {
        finish(true);
        return;
      }
      sock.write(next.send ?? '');
    });
  });
}

/** mailSettings with this host's defaults: the host name, and the user the process runs as. */
export function localMailSettings(g: ModelBlock | undefined): MailSettings | undefined {
  let user = 'root';
  try {
    user = os.userInfo().username;
  } catch {
    /* no passwd entry: keepalived would send no default sender either; root will do */
  }
  return mailSettings(g, os.hostname(), user);
}
