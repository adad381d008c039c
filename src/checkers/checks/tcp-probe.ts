/**
 * TCP_CHECK's connect through the addon (halb_sys tcpProbe): no JS socket or
 * stream per check, a reset instead of a FIN, so the checker process does
 * tens of thousands of checks per second per core. One prober per process.
 * It also connects for the checkers that talk (HTTP, SMTP) when the socket
 * needs what node:net cannot set before connecting: fwmark (SO_MARK) and
 * bind_if (SO_BINDTODEVICE); the connected socket is then handed over.
 */
import { constants } from 'node:os';
import { halbSys, type HalbSys } from '../../platform/halb-sys';
import { fail, ok, type CheckResult } from '../check';
import type { Target } from '../target';

const ERRNO_NAMES = new Map<number, string>(
  Object.entries(constants.errno).map(([name, n]) => [n, name]),
);
const ETIMEDOUT = constants.errno.ETIMEDOUT;

function failure(t: Target, errno: number): CheckResult {
  return errno === ETIMEDOUT
    ? fail(`timeout after ${t.timeoutMs / 1000} s`, true)
    : fail(ERRNO_NAMES.get(errno) ?? `errno ${errno}`);
}

export class TcpProber {
  private readonly pending = new Map<number, (errno: number, fd: number) => void>();
  private next = 1;

  constructor(private readonly sys: HalbSys) {
    sys.probeInit((id, errno, fd) => {
      const done = this.pending.get(id);
      if (!done) return;
      this.pending.delete(id);
      done(errno, fd);
    });
  }

  probe(t: Target, dst: Buffer, src: Buffer | null): Promise<CheckResult> {
    return this.start(t, dst, src, false).then((r) => r.result ?? ok('connected'));
  }

  /** A connected socket's fd (the caller owns it), or why there is none. */
  connect(
    t: Target,
    dst: Buffer,
    src: Buffer | null,
  ): Promise<{ fd?: number; result?: CheckResult }> {
    return this.start(t, dst, src, true);
  }

  private start(
    t: Target,
    dst: Buffer,
    src: Buffer | null,
    keep: boolean,
  ): Promise<{ fd?: number; result?: CheckResult }> {
    const id = this.next;
    this.next = this.next >= 0x7fffffff ? 1 : this.next + 1;
    return new Promise((resolve) => {
      this.pending.set(id, (errno, fd) =>
        resolve(errno === 0 ? (fd >= 0 ? { fd } : {}) : { result: failure(t, errno) }),
      );
      try {
        this.sys.tcpProbe(
          id,
          t.family,
          dst,
          t.port,
          src,
          t.bindPort ?? 0,
          t.timeoutMs,
          t.fwmark ?? 0,
          t.bindIf ?? null,
          keep,
        );
      } catch (err) {
        this.pending.delete(id);
        const e = err as Error & { errno?: number };
        const why = e.errno ? (ERRNO_NAMES.get(e.errno) ?? e.message) : e.message;
        resolve({
          result: fail(
            t.bindIf && e.message.includes('SO_BINDTODEVICE')
              ? `Checker can't bind to device ${t.bindIf}: ${why}`
              : why,
          ),
        });
      }
    });
  }
}

let shared: TcpProber | null | undefined;

/** The process's prober, or null when the addon cannot be loaded here. */
export function tcpProber(): TcpProber | null {
  if (shared === undefined) {
    try {
      shared = new TcpProber(halbSys());
    } catch {
      shared = null;
    }
  }
  return shared;
}
