/**
 * Many IPVS changes in one netlink datagram. Each request goes without
 * NLM_F_ACK except the last one of a batch: the kernel handles a datagram's
 * messages in order and answers only failures, so when the last one's
 * answer arrives every earlier failure has arrived before it. One sendmsg per
 * BATCH requests instead of one per request, and few replies to read.
 */
import type { NetlinkMessage, NetlinkSocket } from 'netlink';

const NLMSG_HDRLEN = 16;
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

/** One datagram: each payload behind its nlmsghdr; only the last asks for an ack. Pure. */
export function frameBatch(
  familyId: number,
  payloads: readonly Buffer[],
  firstSeq: number,
): Buffer {
  let len = 0;
  for (const p of payloads) len += NLMSG_HDRLEN + ((p.length + 3) & ~3);
  const out = Buffer.alloc(len);
  let off = 0;
  payloads.forEach((p, i) => {
    const msgLen = NLMSG_HDRLEN + p.length;
    out.writeUInt32LE(msgLen, off);
    out.writeUInt16LE(familyId, off + 4);
    out.writeUInt16LE(NLM_F_REQUEST | (i === payloads.length - 1 ? NLM_F_ACK : 0), off + 6);
    out.writeUInt32LE((firstSeq + i) >>> 0, off + 8);
    out.writeUInt32LE(0, off + 12); // port: the kernel fills it in
    p.copy(out, off + NLMSG_HDRLEN);
    off += NLMSG_HDRLEN + ((p.length + 3) & ~3);
  });
  return out;
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

  /** Sends the payloads in datagrams of BATCH; resolves with each one's errno (0: done). */
  async send(payloads: readonly Buffer[]): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < payloads.length; i += BATCH)
      out.push(...(await this.one(payloads.slice(i, i + BATCH))));
    return out;
  }

  private one(payloads: readonly Buffer[]): Promise<number[]> {
    const firstSeq = this.seq;
    this.seq = SEQ_BASE + ((this.seq - SEQ_BASE + payloads.length) % 0x3fff0000);
    const datagram = frameBatch(this.familyId, payloads, firstSeq);
    return new Promise<number[]>((resolve, reject) => {
      // Keep the event loop alive until the last answer is in.
      this.socket.ref(true);
      const finish = (): void => {
        if (this.pending === pending) this.pending = undefined;
        this.socket.ref(false);
      };
      const pending: Pending = {
        firstSeq,
        lastSeq: firstSeq + payloads.length - 1,
        errnos: new Array<number>(payloads.length).fill(0),
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
