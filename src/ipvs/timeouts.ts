/**
 * global_defs lvs_timeouts in the running daemon, as keepalived's checker
 * does it: the kernel's own values are read before the first change; a
 * config with lvs_timeouts sets the ones it gives (the others keep the
 * kernel's own values); a reload without it and the daemon's stop put the
 * kernel's own values back. Nothing is sent while the wanted values stay the same.
 */
import type { Timeouts } from './types';

export interface TimeoutsKernel {
  timeouts(): Promise<Timeouts>;
  setTimeouts(t: Timeouts): Promise<void>;
}

const key = (t: Timeouts | undefined): string =>
  t ? `${t.tcpS}/${t.tcpFinS}/${t.udpS}` : 'kernel';

export class TimeoutKeeper {
  /** The kernel's values before the first change. */
  private original: Timeouts | undefined;
  private applied = 'kernel';
  private work: Promise<void> = Promise.resolve();

  constructor(private readonly onError: (message: string) => void) {}

  /** The config's lvs_timeouts (undefined: none, or all zero). Serialized; never rejects. */
  want(k: TimeoutsKernel, t: Timeouts | undefined): Promise<void> {
    const given = t && (t.tcpS || t.tcpFinS || t.udpS) ? t : undefined;
    this.work = this.work.then(() => this.set(k, given));
    return this.work;
  }

  /** At stop: the kernel's own values back, when halb changed them. */
  restore(k: TimeoutsKernel): Promise<void> {
    return this.want(k, undefined);
  }

  private async set(k: TimeoutsKernel, t: Timeouts | undefined): Promise<void> {
    if (key(t) === this.applied) return;
    try {
      if (t && !this.original) this.original = await k.timeouts();
      const base = this.original;
      if (!base) return; // never changed: nothing to put back
      const next = {
        tcpS: t?.tcpS || base.tcpS,
        tcpFinS: t?.tcpFinS || base.tcpFinS,
        udpS: t?.udpS || base.udpS,
      };
      await k.setTimeouts(next);
      this.applied = key(t);
    } catch (err) {
      this.onError(`cannot set the IPVS timeouts (lvs_timeouts): ${(err as Error).message}`);
    }
  }
}
