/**
 * The kernel's IPVS sync daemons in memory, with its rules
 * (ip_vs_sync.c start_sync_thread / stop_sync_thread): at most one master and
 * one backup; starting one that runs is EEXIST, stopping one that does not
 * is ESRCH; a started daemon lists with the kernel's defaults filled in.
 */
import type { SyncKernel } from '../../src/daemon/lvs-sync';
import type { SyncDaemon } from '../../src/ipvs/types';

class Errno extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

export class FakeSyncKernel implements SyncKernel {
  readonly running = new Map<SyncDaemon['state'], SyncDaemon>();
  /** Every start / stop the kernel was asked for, in order ("start master eth1 51"). */
  readonly calls: string[] = [];
  disposed = false;

  syncDaemons(): Promise<SyncDaemon[]> {
    return Promise.resolve([...this.running.values()]);
  }

  startSyncDaemon(d: SyncDaemon): Promise<void> {
    this.calls.push(`start ${d.state} ${d.interface} ${d.syncId}`);
    if (this.running.has(d.state)) return Promise.reject(new Errno('EEXIST'));
    this.running.set(d.state, {
      maxLen: 1472,
      port: 8848,
      ttl: 1,
      group: '224.0.0.81',
      ...d,
    });
    return Promise.resolve();
  }

  stopSyncDaemon(state: SyncDaemon['state']): Promise<void> {
    this.calls.push(`stop ${state}`);
    if (!this.running.delete(state)) return Promise.reject(new Errno('ESRCH'));
    return Promise.resolve();
  }

  dispose(): void {
    this.disposed = true;
  }
}
