/**
 * PING_CHECK: an ICMP / ICMPv6 echo request, up when the matching reply
 * arrives within connect_timeout. One raw socket per family (and per
 * `bindto` source address) serves every PING_CHECK of the process (halb_sys
 * icmpOpen); replies are matched by identifier, sequence number and source.
 */
import { halbSys, type HalbSys } from '../../platform/halb-sys';
import { fail, ok, type Check, type CheckResult } from '../check';
import type { Target } from '../target';
import { addressBytes } from './address';
import { decodeEchoReply, encodeEcho, ipv4Source } from './icmp-codec';

interface Pending {
  readonly source: Buffer;
  readonly done: (r: CheckResult) => void;
}

let nextSeq = 0;

class PingSocket {
  private readonly fd: number;
  private readonly watch: object;
  private readonly pending = new Map<number, Pending>();
  readonly id = process.pid & 0xffff;

  constructor(
    private readonly sys: HalbSys,
    private readonly family: 4 | 6,
    source: string | undefined,
  ) {
    this.fd = sys.icmpOpen(family);
    if (source) {
      try {
        sys.bindAddress(this.fd, family, addressBytes(source));
      } catch (err) {
        sys.close(this.fd);
        throw new Error(`cannot bind to ${source}: ${(err as Error).message}`);
      }
    }
    this.watch = sys.recvStart(this.fd, family, (buf, length) => this.receiveBatch(buf, length));
  }

  /**
   * A wakeup's replies as the addon records them (native/halb_net.c): u16 length, then
   * IPv4: the datagram with its IP header; IPv6: hop limit (2), source (16), destination
   * (16), the ICMPv6 message. The buffer is refilled at the next wakeup.
   */
  private receiveBatch(buf: Buffer, length: number): void {
    for (let at = 0; at + 2 <= length;) {
      const start = at + 2;
      const end = Math.min(start + buf.readUInt16BE(at), length);
      at = end;
      if (this.family === 4) this.receive(buf.subarray(start, end), undefined);
      else if (end - start >= 34)
        this.receive(buf.subarray(start + 34, end), buf.subarray(start + 2, start + 18));
    }
  }

  private receive(packet: Buffer, src: Buffer | undefined): void {
    const echo = decodeEchoReply(this.family, packet);
    if (!echo || echo.id !== this.id) return;
    const p = this.pending.get(echo.seq);
    if (!p) return;
    const from = this.family === 4 ? addressBytes(ipv4Source(packet)) : src;
    if (!from?.equals(p.source)) return;
    this.pending.delete(echo.seq);
    p.done(ok('echo reply'));
  }

  ping(t: Target): Promise<CheckResult> {
    return new Promise((resolve) => {
      // One sequence for every socket: each raw socket hears the others' replies too.
      const seq = (nextSeq = (nextSeq + 1) & 0xffff);
      const dst = addressBytes(t.host);
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        resolve(fail(`timeout after ${t.timeoutMs / 1000} s`, true));
      }, t.timeoutMs);
      this.pending.set(seq, {
        source: dst,
        done: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      });
      try {
        this.sys.sendTo(
          this.fd,
          this.family,
          dst,
          0,
          encodeEcho(this.family, this.id, seq, Buffer.from('halb')),
        );
      } catch (err) {
        clearTimeout(timer);
        this.pending.delete(seq);
        resolve(fail((err as Error).message));
      }
    });
  }

  get idle(): boolean {
    return this.pending.size === 0;
  }

  close(): void {
    this.sys.recvStop(this.watch);
    this.sys.close(this.fd);
  }
}

/** The process's ping sockets, opened on first use, closed with the last checker. */
export class Pinger {
  /** By family and bindto source. */
  private sockets = new Map<string, PingSocket>();
  private users = 0;

  constructor(private readonly sys: () => HalbSys = halbSys) {}

  check(t: Target): Check {
    this.users++;
    let disposed = false;
    return {
      run: () => {
        const key = `${t.family}/${t.bindTo ?? ''}`;
        let s = this.sockets.get(key);
        if (!s) {
          try {
            s = new PingSocket(this.sys(), t.family, t.bindTo);
          } catch (err) {
            return Promise.resolve(fail((err as Error).message));
          }
          this.sockets.set(key, s);
        }
        return s.ping(t);
      },
      dispose: () => {
        if (disposed) return;
        disposed = true;
        if (--this.users === 0) this.close();
      },
    };
  }

  close(): void {
    for (const s of this.sockets.values()) s.close();
    this.sockets.clear();
  }
}
