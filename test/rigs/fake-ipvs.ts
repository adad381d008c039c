/**
 * An in-memory IPVS table with the kernel's rules (net/netfilter/ipvs/ip_vs_ctl.c):
 * adding what exists is EEXIST, a missing service is ESRCH, a missing
 * destination ENOENT, an unknown scheduler ENOENT. Counts the ops it was sent.
 */
import type { ApplyResult, IpvsKernel, ListedTable } from '../../src/ipvs/client';
import { summarize, type IpvsOp } from '../../src/ipvs/ops';
import {
  destKeyId,
  serviceKeyId,
  SCHEDULERS,
  type DestStatus,
  type IpvsDest,
  type IpvsService,
  type ServiceStatus,
  type Timeouts,
} from '../../src/ipvs/types';

const ERRNO = { ENOENT: 2, ESRCH: 3, EEXIST: 17 } as const;

export class FakeIpvs implements IpvsKernel {
  readonly services = new Map<string, { service: IpvsService; dests: Map<string, IpvsDest> }>();
  readonly sent: IpvsOp[] = [];
  lists = 0;
  schedulers = new Set<string>(SCHEDULERS);

  async list(): Promise<ListedTable> {
    this.lists++;
    return [...this.services.values()].map((e) => ({
      service: { ...e.service } as ServiceStatus,
      dests: [...e.dests.values()].map((d): DestStatus => ({
        ...d,
        activeConns: 0,
        inactiveConns: 0,
        persistentConns: 0,
      })),
    }));
  }

  private one(o: IpvsOp): number {
    const key = serviceKeyId(o.service);
    const svc = this.services.get(key);
    switch (o.op) {
      case 'add-service':
        if (svc) return ERRNO.EEXIST;
        if (!this.schedulers.has(o.service.scheduler)) return ERRNO.ENOENT;
        this.services.set(key, { service: o.service, dests: new Map() });
        return 0;
      case 'edit-service':
        if (!svc) return ERRNO.ESRCH;
        if (!this.schedulers.has(o.service.scheduler)) return ERRNO.ENOENT;
        svc.service = o.service;
        return 0;
      case 'delete-service':
        if (!svc) return ERRNO.ESRCH;
        this.services.delete(key);
        return 0;
    }
    if (!svc) return ERRNO.ESRCH;
    const dk = destKeyId(o.dest);
    const has = svc.dests.has(dk);
    if (o.op === 'add-dest') {
      if (has) return ERRNO.EEXIST;
      svc.dests.set(dk, o.dest);
    } else if (!has) return ERRNO.ENOENT;
    else if (o.op === 'edit-dest') svc.dests.set(dk, o.dest);
    else svc.dests.delete(dk);
    return 0;
  }

  async apply(ops: readonly IpvsOp[]): Promise<ApplyResult> {
    this.sent.push(...ops);
    return summarize(
      ops,
      ops.map((o) => this.one(o)),
    );
  }

  /** The kernel's defaults; a set's zero leaves one as it is. */
  timeoutValues: Timeouts = { tcpS: 900, tcpFinS: 120, udpS: 300 };
  timeoutSets = 0;
  async timeouts(): Promise<Timeouts> {
    return this.timeoutValues;
  }
  async setTimeouts(t: Timeouts): Promise<void> {
    this.timeoutSets++;
    const v = this.timeoutValues;
    this.timeoutValues = {
      tcpS: t.tcpS || v.tcpS,
      tcpFinS: t.tcpFinS || v.tcpFinS,
      udpS: t.udpS || v.udpS,
    };
  }

  flushes = 0;
  async flush(): Promise<void> {
    this.flushes++;
    this.services.clear();
  }

  dispose(): void {}
}
