/**
 * The IPVS client: generic netlink family "IPVS" through the `netlink`
 * package. Changes go in batches, many requests to a datagram (batch.ts).
 * One exchange at a time on the socket: the kernel allows one dump per
 * socket, and the package cannot tell a dump's parts from other replies
 * arriving between them. Kernel errors become IpvsOpError values naming the
 * service, and the rest of a batch still goes in.
 */
import { createGenericNetlink, type GenericNetlinkSocket } from 'netlink/dist/genl/genl';
import { guardRequests } from '../platform/netlink-guard';
import { BatchSender } from './batch';
import { writeOp, errnoName, summarize, type ApplyResult, type IpvsOp } from './ops';

export type { ApplyResult, IpvsOpError } from './ops';
import {
  serviceKeyId,
  type DestStatus,
  type ServiceKey,
  type ServiceStatus,
  type SyncDaemon,
  type TableEntry,
  type Timeouts,
} from './types';
import { decodeDaemon, decodeDest, decodeInfo, decodeService, decodeTimeouts } from './decode';
import { encode } from './encode';
import { IPVS_GENL_NAME } from './uapi';

const NLMSG_ERROR = 2;
const NLM_F_DUMP = 0x300;
const GENL_HDRLEN = 4;

export class KernelError extends Error {
  constructor(
    readonly errno: number,
    what: string,
  ) {
    super(`${what}: ${errnoName(errno)}`);
  }
  get code(): string {
    return errnoName(this.errno);
  }
}

export type ListedTable = readonly TableEntry<ServiceStatus, DestStatus>[];

/** What the reconciler needs from the kernel; the real one is IpvsClient. */
export interface IpvsKernel {
  list(): Promise<ListedTable>;
  apply(ops: readonly IpvsOp[]): Promise<ApplyResult>;
  /** Removes every service and destination (ipvsadm -C). */
  flush(): Promise<void>;
  /** tcp, tcpfin and udp timeouts (ipvsadm --set). */
  timeouts(): Promise<Timeouts>;
  setTimeouts(t: Timeouts): Promise<void>;
  dispose(): void;
}

export class IpvsClient implements IpvsKernel {
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  private readonly batches: BatchSender;

  private constructor(
    private readonly nl: GenericNetlinkSocket,
    private readonly familyId: number,
  ) {
    this.batches = new BatchSender(nl.socket, familyId);
    // Guarded in open(); a socket error also fails the batch in flight.
    nl.socket.on('error', (err: Error) => this.batches.fail(err));
  }

  /** Opens the socket and resolves the IPVS family; fails clearly when the kernel has no IPVS. */
  static async open(): Promise<IpvsClient> {
    const nl = createGenericNetlink();
    guardRequests(nl.socket);
    try {
      const [fam] = await nl.ctrlRequest(3 /* CTRL_CMD_GETFAMILY */, {
        familyName: IPVS_GENL_NAME,
      });
      if (fam?.familyId === undefined) throw new Error('no family id in the reply');
      return new IpvsClient(nl, fam.familyId);
    } catch (err) {
      nl.socket.close();
      const m = (err as Error).message;
      throw new Error(
        /ENOENT/.test(m)
          ? 'IPVS is not available in this kernel (the ip_vs module is not loaded)'
          : `cannot reach IPVS over generic netlink: ${m}`,
      );
    }
  }

  /** One request; resolves with each reply's attributes (after the genl header). */
  private async request(payload: Buffer, dump: boolean, what: string): Promise<Buffer[]> {
    if (this.disposed) throw new Error('IPVS client disposed');
    const [msgs] = await this.nl.socket.request(this.familyId, [payload], {
      flags: dump ? NLM_F_DUMP : 0,
      checkError: false,
    });
    const first = msgs[0];
    if (first && first.type === NLMSG_ERROR) {
      const errno = -first.data.readInt32LE(0);
      if (errno !== 0) throw new KernelError(errno, what);
      return [];
    }
    return msgs.filter((m) => m.type === this.familyId).map((m) => m.data.subarray(GENL_HDRLEN));
  }

  /** Runs fn after every exchange queued before it. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private dump(payload: Buffer, what: string): Promise<Buffer[]> {
    return this.serial(() => this.request(payload, true, what));
  }

  private single(payload: Buffer, what: string): Promise<Buffer[]> {
    return this.serial(() => this.request(payload, false, what));
  }

  async services(): Promise<ServiceStatus[]> {
    return (await this.dump(encode.getServices(), 'list virtual servers')).map(decodeService);
  }

  async dests(s: ServiceKey & { family: 4 | 6 }): Promise<DestStatus[]> {
    const replies = await this.dump(encode.getDests(s), `list real servers of ${serviceKeyId(s)}`);
    return replies.map((r) => decodeDest(r, s.family));
  }

  async list(): Promise<ListedTable> {
    const services = await this.services();
    const out: TableEntry<ServiceStatus, DestStatus>[] = [];
    for (const service of services) out.push({ service, dests: await this.dests(service) });
    return out;
  }

  /**
   * Sends every op in order, in batches. An op the kernel refuses is reported
   * and the others still go in; destination ops of a service whose own add
   * failed are reported once, as the service's error.
   */
  async apply(ops: readonly IpvsOp[]): Promise<ApplyResult> {
    if (this.disposed) throw new Error('IPVS client disposed');
    const results = await this.serial(() => this.batches.send(ops, writeOp));
    return summarize(ops, results);
  }

  async timeouts(): Promise<Timeouts> {
    const [r] = await this.single(encode.getTimeouts(), 'get timeouts');
    if (!r) throw new Error('get timeouts: no reply');
    return decodeTimeouts(r);
  }

  /** Zero leaves that timeout unchanged (the kernel's rule). */
  async setTimeouts(t: Timeouts): Promise<void> {
    await this.single(encode.setTimeouts(t), 'set timeouts');
  }

  async syncDaemons(): Promise<SyncDaemon[]> {
    const replies = await this.dump(encode.getDaemons(), 'list sync daemons');
    return replies.map(decodeDaemon).filter((d): d is SyncDaemon => d !== undefined);
  }

  async startSyncDaemon(d: SyncDaemon): Promise<void> {
    await this.single(encode.newDaemon(d), `start sync daemon (${d.state}) on ${d.interface}`);
  }

  async stopSyncDaemon(state: SyncDaemon['state']): Promise<void> {
    await this.single(encode.delDaemon(state), `stop sync daemon (${state})`);
  }

  async info(): Promise<{ version: string; connTableSize: number }> {
    const [r] = await this.single(encode.getInfo(), 'get IPVS info');
    if (!r) throw new Error('get IPVS info: no reply');
    return decodeInfo(r);
  }

  /** Removes every service and destination (ipvsadm -C). */
  async flush(): Promise<void> {
    await this.single(encode.flush(), 'flush');
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.batches.dispose();
    this.nl.socket.close();
  }
}
