/**
 * SMTP_CHECK: the banner must be 220, `HELO helo_name` must get 250, then
 * QUIT (keepalived check_smtp.c; helo_name defaults to
 * smtpchecker.keepalived.org). Multi-line replies ("250-...") are read whole.
 */
import { errorText, fail, ok, type Check, type CheckResult } from '../check';
import type { Target } from '../target';
import { connectTcp } from './tcp';

export const SMTP_DEFAULT_HELO = 'smtpchecker.keepalived.org';

/** Splits complete SMTP replies off a buffer: [code, rest of buffer] or undefined. */
export function takeReply(buf: string): { code: number; rest: string } | undefined {
  let at = 0;
  for (;;) {
    const nl = buf.indexOf('\n', at);
    if (nl < 0) return undefined;
    const line = buf.slice(at, nl).replace(/\r$/, '');
    at = nl + 1;
    const m = /^(\d{3})([ -]?)/.exec(line);
    if (!m) return { code: 0, rest: buf.slice(at) };
    if (m[2] !== '-') return { code: Number(m[1]), rest: buf.slice(at) };
  }
}

export function smtpCheck(t: Target, helo: string | undefined): Check {
  const name = helo ?? SMTP_DEFAULT_HELO;
  return {
    async run() {
      const c = await connectTcp(t);
      if (c.result) return c.result;
      const socket = c.socket;
      return new Promise<CheckResult>((resolve) => {
        let buf = '';
        let stage: 'banner' | 'helo' = 'banner';
        let settled = false;
        const finish = (r: CheckResult): void => {
          if (settled) return;
          settled = true;
          socket.destroy();
          resolve(r);
        };
        socket.setTimeout(t.timeoutMs, () =>
          finish(fail(`SMTP ${stage} timeout after ${t.timeoutMs / 1000} s`, true)),
        );
        socket.on('error', (err) => finish(fail(errorText(err))));
        socket.on('end', () => finish(fail(`connection closed while waiting for ${stage}`)));
        socket.on('data', (d: Buffer) => {
          buf += d.toString('latin1');
          for (let r = takeReply(buf); r; r = takeReply(buf)) {
            buf = r.rest;
            if (stage === 'banner') {
              if (r.code !== 220) return finish(fail(`SMTP banner code ${r.code}`));
              stage = 'helo';
              socket.write(`HELO ${name}\r\n`);
            } else {
              if (r.code !== 250) return finish(fail(`SMTP HELO reply code ${r.code}`));
              socket.end('QUIT\r\n');
              return finish(ok('SMTP HELO accepted'));
            }
          }
        });
      });
    },
  };
}
