/**
 * Many IPVS changes in one netlink datagram. Each request goes without
 * NLM_F_ACK except the last one of a batch: the kernel handles a datagram's
 * messages in order and answers only failures, so when the last one's
 * answer arrives every earlier failure has arrived before it. One sendmsg per
 * BATCH requests instead of one per request, and few replies to read.
 */
import { AttrWriter } from '../platform/netlink-attrs';
import type { NetlinkSocket } from 'netlink/dist/netlink';
import type { NetlinkMessage } from 'netlink/dist/structs';

const NLMSG_ERROR = 2;
const NLM_F_REQUEST = 1;
const NLM_F_ACK = 4;
/**
 * Requests per datagram: small enough that even if every one fails, the
 * error replies (each echoing its request) fit the default receive buffer.
 */
export const BATCH = 128;
/** Sequence numbers of batched requests start here, apart from the netlink package's own. */
const SEQ_BASE = 0x40000000;

/**
 * One datagram: each item's request (written by `write`) behind its nlmsghdr,
 * all in one buffer; only the last asks for an ack. Pure.
 */
export function frameBatch<T>(
  familyId: number,
  items: readonly T[],
  write: (w: AttrWriter, item: T) => void,
  firstSeq: number,
): Buffer {
  const w = new AttrWriter(items.length * 96 + 64);
  items.forEach((item, i) => {
    const at = w.message();
    write(w, item);
    const flags = NLM_F_REQUEST | (i === items.length - 1 ? NLM_F_ACK : 0);
    w.endMessage(at, familyId, flags, firstSeq + i);
  });
  return w.finish();
}

interface Pending {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly errnos: number[];
  readonly resolve: (errnos: number[]) => void;
  readonly reject: (err: Error) => void;
}

export class BatchSender {
  private seq = SEQ_BASE;
  private pending: Pending | undefined;
  private readonly onMessage = (msgs: NetlinkMessage[]): void => {
    for (const m of msgs) this.take(m);
  };

  constructor(
    private readonly socket: NetlinkSocket,
    private readonly familyId: number,
  ) {
    socket.on('message', this.onMessage);
  }

  private take(m: NetlinkMessage): void {
    const p = this.pending;
    if (!p || m.type !== NLMSG_ERROR || m.seq < p.firstSeq || m.seq > p.lastSeq) return;
    p.errnos[m.seq - p.firstSeq] = -m.data.readInt32LE(0);
    if (m.seq === p.lastSeq) p.resolve(p.errnos);
  }

  /**
   * Sends the items' requests (each written by `write`) in datagrams of
   * BATCH; resolves with each one's errno (0: done).
   */
  async send<T>(items: readonly T[], write: (w: AttrWriter, item: T) => void): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < items.length; i += BATCH)
      out.push(...(await this.one(items.slice(i, i + BATCH), write)));
    return out;
  }

  private one<T>(items: readonly T[], write: (w: AttrWriter, item: T) => void): Promise<number[]> {
    const firstSeq = this.seq;
    this.seq = SEQ_BASE + ((this.seq - SEQ_BASE + items.length) % 0x3fff0000);
    const datagram = frameBatch(this.familyId, items, write, firstSeq);
    const count = items.length;
    return new Promise<number[]>((resolve, reject) => {
      // Keep the event loop alive until the last answer is in.
      this.socket.ref(true);
      const finish = (): void => {
        if (this.pending === pending) this.pending = undefined;
        this.socket.ref(false);
      };
      const pending: Pending = {
        firstSeq,
        lastSeq: firstSeq + count - 1,
        errnos: new Array<number>(count).fill(0),
        resolve: (e) => {
          finish();
          resolve(e);
        },
        reject: (e) => {
          finish();
          reject(e);
        },
      };
      this.pending = pending;
      this.socket.socket.send(datagram, {}, (err) => {
        if (err) pending.reject(err);
      });
    });
  }

  /** A socket error (e.g. ENOBUFS: replies were lost) fails the batch in flight. */
  fail(err: Error): void {
    const p = this.pending;
    this.pending = undefined;
    p?.reject(err);
  }

  dispose(): void {
    this.socket.off('message', this.onMessage);
    this.fail(new Error('IPVS client disposed'));
  }
}
