/**
 * VRRPv2 with `auth_type AH` on one interface, as keepalived 2.2.7 runs it:
 * adverts leave whole (IP header included, its ID covered by the ICV) on an
 * IPPROTO_RAW socket, and protocol-51 packets arrive on a raw AH socket that
 * joins the VRRP group. Each AH instance has an AhTransport: its sequence
 * counter serves both ways, as keepalived's does (a sent advert takes the next
 * number; a received one must be above the counter, which then takes its
 * number), and packets that fail the AH checks are counted, not delivered.
 */
import { ReceiveBuffer } from './receive-buffer';
import { halbSys, type HalbSys } from '../../platform/halb-sys';
import { buildAhPacket, checkAh, IPPROTO_AH } from '../ah';
import { ipBytes } from '../checksum';
import { passwordBytes } from '../packet';
import type { DropReason } from '../receive-check';
import { parseIpv4, type Ipv4Packet } from './ipv4-header';
import type { ReceivedPacket, VrrpTransport } from './vrrp-socket';

const IPPROTO_RAW = 255;

export class AhSocket {
  private readonly sys: HalbSys;
  private sendFd: number;
  private recvFd: number;
  private watcher: object;
  private readonly byVrid = new Map<number, AhTransport>();
  private disposed = false;

  constructor(
    private readonly ifname: string,
    private index: number,
    private readonly group: string,
  ) {
    this.sys = halbSys();
    this.rcvBuf = new ReceiveBuffer(this.sys);
    [this.sendFd, this.recvFd, this.watcher] = this.open(index);
  }

  private open(ifindex: number): [number, number, object] {
    const sendFd = this.sys.rawOpen(4, IPPROTO_RAW, ifindex, this.ifname);
    let recvFd = -1;
    try {
      recvFd = this.sys.rawOpen(4, IPPROTO_AH, ifindex, this.ifname);
      this.sys.membership(recvFd, 4, ipBytes(this.group), ifindex, true);
      const watcher = this.sys.recvStart(recvFd, 4, (buf, n) => this.receiveBatch(buf, n));
      return [sendFd, recvFd, watcher];
    } catch (err) {
      this.sys.close(sendFd);
      if (recvFd >= 0) this.sys.close(recvFd);
      throw err;
    }
  }

  get ifindex(): number {
    return this.index;
  }

  /** kernel_rx_buf_size / vrrp_rx_bufs_policy (rx-buffers.ts), kept for a reopened socket. */
  private readonly rcvBuf: ReceiveBuffer;

  /** Sets it; returns the size the kernel reports, undefined when unchanged. */
  setReceiveBuffer(bytes: number): number | undefined {
    return bytes > 0 ? this.rcvBuf.set(this.recvFd, bytes) : this.rcvBuf.reset(this.recvFd);
  }

  /** The interface was made again under its name (a new index): new sockets (VrrpSocket.reopen). */
  reopen(ifindex: number): void {
    if (this.disposed || ifindex === this.index) return;
    const [sendFd, recvFd, watcher] = this.open(ifindex);
    this.closeAll();
    [this.sendFd, this.recvFd, this.watcher] = [sendFd, recvFd, watcher];
    this.index = ifindex;
    this.rcvBuf.reapply(this.recvFd);
  }

  private closeAll(): void {
    this.sys.recvStop(this.watcher);
    this.sys.close(this.recvFd);
    this.sys.close(this.sendFd);
  }

  /** An instance's own transport, found by its VRID when packets arrive. */
  transport(vrid: number, opts: AhTransportOptions): AhTransport {
    const t = new AhTransport(this, opts, () => this.byVrid.delete(vrid));
    this.byVrid.set(vrid, t);
    return t;
  }

  send(packet: Buffer, dst: string): void {
    this.sys.sendTo(this.sendFd, 4, ipBytes(dst), 0, packet);
  }

  get instances(): number {
    return this.byVrid.size;
  }

  /** The addon's reused buffer, records up to `length`: what is kept downstream is copied. */
  private receiveBatch(batch: Buffer, length: number): void {
    let at = 0;
    while (at + 2 <= length && !this.disposed) {
      const end = at + 2 + batch.readUInt16BE(at);
      if (end > length) return;
      const pkt = batch.subarray(at + 2, end);
      at = end;
      const ip = parseIpv4(pkt);
      if (!ip || ip.protocol !== IPPROTO_AH || ip.payload.length < 26) continue;
      // The VRID is the advert's second byte, after the 24-byte AH header.
      this.byVrid.get(ip.payload[25] as number)?.deliver(pkt, ip);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.closeAll();
  }
}

export interface AhTransportOptions {
  readonly password: string;
  /** The adverts' source address (the SPI too). */
  readonly src: string;
  readonly unicast: boolean;
  readonly onDrop: (reason: DropReason) => void;
}

export class AhTransport implements VrrpTransport {
  private seq = 0;
  private ipId = 0;
  private readonly key: Buffer;
  private listeners: Array<(p: ReceivedPacket) => void> = [];

  constructor(
    private readonly sock: AhSocket,
    private readonly opts: AhTransportOptions,
    private readonly release: () => void,
  ) {
    this.key = passwordBytes(opts.password);
    this.src = opts.src;
  }

  /** The adverts' source (and SPI): the interface's address changed. */
  private src: string;
  setSource(src: string): void {
    this.src = src;
  }

  /** `payload` is the VRRP advert (auth type 2); it leaves inside its IP and AH headers. */
  send(payload: Buffer, dst: string, ttl = 255): void {
    if (this.seq < 0xfffffffe) this.seq++;
    this.ipId = this.ipId >= 0xffff ? 1 : this.ipId + 1;
    const packet = buildAhPacket(
      payload,
      {
        src: this.src,
        dst,
        ttl,
        id: this.ipId,
        seq: this.seq,
        unicast: this.opts.unicast,
      },
      this.key,
    );
    this.sock.send(packet, dst);
  }

  deliver(packet: Buffer, ip: Ipv4Packet): void {
    const c = checkAh(packet, this.key, this.opts.unicast);
    if (!c.ok) {
      this.opts.onDrop(c.reason);
      return;
    }
    if (c.seq <= this.seq) {
      // Replayed, or from a sender whose counter is behind ours (keepalived drops it too).
      this.opts.onDrop('auth-failure');
      return;
    }
    this.seq = c.seq;
    const p: ReceivedPacket = { payload: c.vrrp, src: ip.src, dst: ip.dst, hopLimit: ip.hopLimit };
    for (const l of this.listeners) l(p);
  }

  onPacket(cb: (p: ReceivedPacket) => void): void {
    this.listeners.push(cb);
  }

  dispose(): void {
    this.listeners = [];
    this.release();
  }
}
