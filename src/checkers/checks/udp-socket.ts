/** A connected UDP socket for one exchange, bound as the checker says. */
import * as dgram from 'node:dgram';
import { errorText, fail, type CheckResult } from '../check';
import type { Target } from '../target';

export function openUdp(
  t: Target,
): Promise<{ socket: dgram.Socket; result?: undefined } | { result: CheckResult }> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(t.family === 6 ? 'udp6' : 'udp4');
    const onError = (err: Error): void => {
      socket.close();
      resolve({ result: fail(errorText(err)) });
    };
    socket.once('error', onError);
    const connect = (): void =>
      socket.connect(t.port, t.host, () => {
        socket.removeListener('error', onError);
        resolve({ socket });
      });
    if (t.bindTo || t.bindPort) socket.bind({ address: t.bindTo, port: t.bindPort ?? 0 }, connect);
    else connect();
  });
}

/**
 * Sends one datagram and waits for a reply `accept` takes, within the
 * timeout. ICMP port unreachable comes back as ECONNREFUSED.
 */
export async function exchange(
  t: Target,
  payload: Buffer,
  accept: (reply: Buffer) => boolean,
): Promise<{ reply: Buffer } | { result: CheckResult }> {
  const o = await openUdp(t);
  if (o.result) return o;
  const socket = o.socket;
  return new Promise((resolve) => {
    let settled = false;
    const done = (v: { reply: Buffer } | { result: CheckResult }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.close();
      resolve(v);
    };
    const timer = setTimeout(
      () => done({ result: fail(`timeout after ${t.timeoutMs / 1000} s`, true) }),
      t.timeoutMs,
    );
    socket.on('error', (err) => done({ result: fail(errorText(err)) }));
    socket.on('message', (m) => {
      if (accept(m)) done({ reply: m });
    });
    socket.send(payload, (err) => {
      if (err) done({ result: fail(errorText(err)) });
    });
  });
}
