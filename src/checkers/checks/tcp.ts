/** TCP_CHECK: a connect() that completes within connect_timeout means up. */
import * as net from 'node:net';
import { errorText, fail, ok, type Check, type CheckResult } from '../check';
import type { Target } from '../target';
import { addressBytes } from './address';
import { tcpProber } from './tcp-probe';

type Connected = { socket: net.Socket; result?: undefined } | { result: CheckResult };

/**
 * Opens a TCP connection, or says why not; the caller owns the socket. With
 * fwmark or bind_if the addon connects (node:net cannot set them before its
 * SYN) and the connected socket becomes a node:net one.
 */
export function connectTcp(t: Target): Promise<Connected> {
  if (t.fwmark !== undefined || t.bindIf !== undefined) return connectMarked(t);
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

async function connectMarked(t: Target): Promise<Connected> {
  const prober = tcpProber();
  if (!prober)
    return { result: fail('fwmark / bind_if need the halb_sys addon, which did not load') };
  const c = await prober.connect(t, addressBytes(t.host), t.bindTo ? addressBytes(t.bindTo) : null);
  if (c.result) return { result: c.result };
  return { socket: new net.Socket({ fd: c.fd as number, readable: true, writable: true }) };
}

/** Through the addon when it loads (fast), else with node:net. */
export function tcpCheck(t: Target, prober = tcpProber()): Check {
  if (prober) {
    const dst = addressBytes(t.host);
    const src = t.bindTo ? addressBytes(t.bindTo) : null;
    return { run: () => prober.probe(t, dst, src) };
  }
  return netTcpCheck(t);
}

export function netTcpCheck(t: Target): Check {
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
