/**
 * nf_tables transactions over a NETLINK_NETFILTER socket: one batch per
 * transaction (all or nothing), every message acked, the outcome the first
 * errno the kernel answered (0: applied). The socket opens on first use and
 * goes through the netlink guard; a transaction not answered within 5 s is
 * taken as failed.
 */
import * as util from 'node:util';
import { createNetlink, type NetlinkSocket } from 'netlink/dist/netlink';
import type { NetlinkMessage } from 'netlink/dist/structs';
import { guardRequests } from './netlink-guard';
import { frameBatch, type NftMessage } from './nft-wire';

const NETLINK_NETFILTER = 12;
const NLMSG_ERROR = 2;
const SEQ_BASE = 0x40000000;
const REPLY_TIMEOUT_MS = 5000;

interface Pending {
  readonly last: number;
  /** The first failure answered so far. */
  errno: number;
  readonly timer: NodeJS.Timeout;
  readonly resolve: (errno: number) => void;
  readonly reject: (err: Error) => void;
}

/** "No such file or directory (ENOENT)" for an errno the kernel answered. */
export function errnoText(errno: number): string {
  const [name, text] = util.getSystemErrorMap().get(-errno) ?? [`errno ${errno}`, 'unknown error'];
  return `${text} (${name})`;
}

export class NftSocket {
  private sock: NetlinkSocket | undefined;
  private seq = SEQ_BASE;
  private readonly pending = new Map<number, Pending>();
  private readonly onMessage = (msgs: NetlinkMessage[]): void => {
    for (const m of msgs) this.take(m);
  };

  /** `onError`: the socket itself failed (every transaction in flight is rejected too). */
  constructor(private readonly onError: (err: Error) => void) {}

  get isOpen(): boolean {
    return this.sock !== undefined;
  }

  /** Sends one transaction; resolves with 0 or the first errno the kernel answered. */
  transact(messages: readonly NftMessage[]): Promise<number> {
    let sock: NetlinkSocket;
    try {
      sock = this.socket();
    } catch (err) {
      return Promise.reject(err as Error);
    }
    const first = this.seq;
    this.seq = SEQ_BASE + ((this.seq - SEQ_BASE + messages.length + 2) % 0x3fff0000);
    const datagram = frameBatch(messages, first);
    return new Promise<number>((resolve, reject) => {
      const finish = (): void => {
        clearTimeout(p.timer);
        this.pending.delete(first);
      };
      const p: Pending = {
        last: first + messages.length,
        errno: 0,
        timer: setTimeout(() => {
          finish();
          reject(new Error(`no answer from nf_tables within ${REPLY_TIMEOUT_MS} ms`));
        }, REPLY_TIMEOUT_MS),
        resolve: (errno) => {
          finish();
          resolve(errno);
        },
        reject: (err) => {
          finish();
          reject(err);
        },
      };
      this.pending.set(first, p);
      sock.socket.send(datagram, {}, (err) => {
        if (err) p.reject(err);
      });
    });
  }

  close(): void {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    this.sock?.off('message', this.onMessage);
    this.sock?.close();
    this.sock = undefined;
  }

  private socket(): NetlinkSocket {
    if (!this.sock) {
      const s = createNetlink(NETLINK_NETFILTER);
      guardRequests(s, (err) => this.failAll(err));
      s.on('message', this.onMessage);
      this.sock = s;
    }
    return this.sock;
  }

  /**
   * An answer: every message asks for one, and the kernel answers a batch's
   * messages in order, so the last one's answer ends the transaction; an
   * answer to the batch's BEGIN (no nf_tables at all) ends it too.
   */
  private take(m: NetlinkMessage): void {
    if (m.type !== NLMSG_ERROR) return;
    for (const [first, p] of this.pending) {
      if (m.seq < first || m.seq > p.last) continue;
      const errno = -m.data.readInt32LE(0);
      if (errno !== 0 && p.errno === 0) p.errno = errno;
      if (m.seq === p.last || m.seq === first) p.resolve(p.errno);
      return;
    }
  }

  private failAll(err: Error): void {
    for (const p of [...this.pending.values()]) p.reject(err);
    this.onError(err);
  }
}
