/** TCP_CHECK: a connect() that completes within connect_timeout means up. */
import * as net from 'node:net';
import { errorText, fail, ok, type Check, type CheckResult } from '../check';
import type { Target } from '../target';

/** Opens a TCP connection, or says why not; the caller owns the socket. */
export function connectTcp(
  t: Target,
): Promise<{ socket: net.Socket; result?: undefined } | { result: CheckResult }> {
  return new Promise((resolve) => {
    const socket = net.connect({
      host: t.host,
      port: t.port,
      family: t.family,
      ...(t.bindTo ? { localAddress: t.bindTo } : {}),
      ...(t.bindPort ? { localPort: t.bindPort } : {}),
    });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ result: fail(`timeout after ${t.timeoutMs / 1000} s`, true) });
    }, t.timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve({ socket });
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ result: fail(errorText(err)) });
    });
  });
}

export function tcpCheck(t: Target): Check {
  return {
    async run() {
      const c = await connectTcp(t);
      if (c.result) return c.result;
      // A reset, not a FIN: no TIME_WAIT left behind on either side for each check.
      c.socket.on('error', () => undefined);
      c.socket.resetAndDestroy();
      return ok('connected');
    },
  };
}
