/**
 * TCP_CHECK's connect through the addon (halb_sys tcpProbe): no JS socket or
 * stream per check, a reset instead of a FIN, so the checker process does
 * tens of thousands of checks per second per core. One prober per process.
 */
import { constants } from 'node:os';
import { halbSys, type HalbSys } from '../../platform/halb-sys';
import { fail, ok, type CheckResult } from '../check';
import type { Target } from '../target';

const ERRNO_NAMES = new Map<number, string>(
  Object.entries(constants.errno).map(([name, n]) => [n, name]),
);
const ETIMEDOUT = constants.errno.ETIMEDOUT;

export class TcpProber {
  private readonly pending = new Map<number, (errno: number) => void>();
  private next = 1;

  constructor(private readonly sys: HalbSys) {
    sys.probeInit((id, errno) => {
      const done = this.pending.get(id);
      if (!done) return;
      this.pending.delete(id);
      done(errno);
    });
  }

  probe(t: Target, dst: Buffer, src: Buffer | null): Promise<CheckResult> {
    const id = this.next;
    this.next = this.next >= 0x7fffffff ? 1 : this.next + 1;
    return new Promise((resolve) => {
      this.pending.set(id, (errno) => {
        if (errno === 0) resolve(ok('connected'));
        else if (errno === ETIMEDOUT) resolve(fail(`timeout after ${t.timeoutMs / 1000} s`, true));
        else resolve(fail(ERRNO_NAMES.get(errno) ?? `errno ${errno}`));
      });
      try {
        this.sys.tcpProbe(id, t.family, dst, t.port, src, t.bindPort ?? 0, t.timeoutMs);
      } catch (err) {
        this.pending.delete(id);
        const e = err as Error & { errno?: number };
        resolve(fail(e.errno ? (ERRNO_NAMES.get(e.errno) ?? e.message) : e.message));
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
