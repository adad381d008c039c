/**
 * One raw VRRP socket per interface and family: joins the VRRP multicast
 * group, sends adverts (multicast or to each unicast peer), and hands every
 * received packet up with its source, destination and TTL / hop limit.
 */
import { ReceiveBuffer } from './receive-buffer';
import { halbSys, type HalbSys } from '../../platform/halb-sys';
import { canonicalIp, ipBytes } from '../checksum';
import { VRRP_PROTOCOL } from '../packet';
import { parseIpv4 } from './ipv4-header';
import { parseIpv6Record } from './ipv6-record';
import { RepeatFilter } from './repeat-filter';

export interface ReceivedPacket {
  readonly payload: Buffer;
  readonly src: string;
  readonly dst: string;
  /** TTL (IPv4) or hop limit (IPv6); -1 when the kernel did not say. */
  readonly hopLimit: number;
}

export interface VrrpTransport {
  /** ttl: this packet's TTL / hop limit (unicast_ttl), else the socket's 255. */
  send(payload: Buffer, dst: string, ttl?: number): void;
  onPacket(cb: (p: ReceivedPacket) => void): void;
  dispose(): void;
}

export class VrrpSocket implements VrrpTransport {
  private readonly sys: HalbSys;
  private fd: number;
  private watcher: object;
  private listeners: Array<(p: ReceivedPacket) => void> = [];
  private disposed = false;
  private source6: Buffer | undefined;
  /** The group as received packets spell their destination. */
  private readonly groupName: string;
  /** The address bound to (unicast_src_ip), to bind again on a re-created interface. */
  private bound: string | undefined;
  private multicastSource4: string | undefined;

  constructor(
    readonly family: 4 | 6,
    readonly ifname: string,
    private index: number,
    readonly group: string,
    source?: string,
    /**
     * The adverts' source. IPv4: for multicast only, on an interface that does
     * not hold it (VMAC). IPv6: every advert, so that a link-local VIP on the
     * interface is never the source the kernel picks.
     */
    multicastSource?: string,
  ) {
    this.sys = halbSys();
    this.rcvBuf = new ReceiveBuffer(this.sys);
    this.groupName = canonicalIp(group, family);
    this.bound = source;
    if (multicastSource && family === 4) this.multicastSource4 = multicastSource;
    if (multicastSource && family === 6) this.source6 = ipBytes(multicastSource);
    [this.fd, this.watcher] = this.open(index, false);
    this.repeats = new RepeatFilter(this.sys, this.watcher);
  }

  /** The addon's repeat fast path on this socket (repeat-filter.ts). */
  readonly repeats: RepeatFilter;

  get ifindex(): number {
    return this.index;
  }

  /** kernel_rx_buf_size / vrrp_rx_bufs_policy (rx-buffers.ts), kept for a reopened socket. */
  private readonly rcvBuf: ReceiveBuffer;

  /** Sets it (0: back to the kernel's default); returns the size the kernel reports, undefined when unchanged. */
  setReceiveBuffer(bytes: number): number | undefined {
    return bytes > 0 ? this.rcvBuf.set(this.fd, bytes) : this.rcvBuf.reset(this.fd);
  }

  /**
   * A raw socket bound to the interface, in the group, receiving; closed again
   * on any failure. `later`: a source the interface lacks is bound at a later send.
   */
  private open(ifindex: number, later: boolean): [number, object] {
    const fd = this.sys.rawOpen(this.family, VRRP_PROTOCOL, ifindex, this.ifname);
    try {
      this.unbound = false;
      if (this.bound) this.bindSource(fd, this.bound, later);
      if (this.multicastSource4)
        this.sys.multicastSource(fd, ifindex, ipBytes(this.multicastSource4));
      this.sys.membership(fd, this.family, ipBytes(this.group), ifindex, true);
      // In batches: one callback for the adverts of a whole wakeup.
      return [
        fd,
        this.sys.recvStart(fd, this.family, (buf, length) => this.receiveBatch(buf, length)),
      ];
    } catch (err) {
      this.sys.close(fd);
      throw err;
    }
  }

  /** At a re-creation the interface may not hold the source yet: bound at a later send. */
  private unbound = false;

  private bindSource(fd: number, address: string, later: boolean): void {
    try {
      this.sys.bindAddress(fd, this.family, ipBytes(address));
      this.unbound = false;
    } catch (err) {
      if (!later) throw err;
      this.unbound = true;
    }
  }

  /**
   * The interface was deleted and made again under the same name (a new
   * index): the old socket is bound to an index that no longer exists and
   * would neither hear nor send. A new one takes its place; a bound source
   * the new interface does not hold yet is bound at a later send.
   */
  reopen(ifindex: number): void {
    if (this.disposed || ifindex === this.index) return;
    const opened = this.open(ifindex, true);
    this.sys.recvStop(this.watcher);
    this.sys.close(this.fd);
    [this.fd, this.watcher] = opened;
    this.repeats.reset(this.watcher);
    this.index = ifindex;
    this.rcvBuf.reapply(this.fd);
  }

  /** Binds to a configured source that the interface did not hold when the socket was made. */
  bind(address: string): void {
    this.sys.bindAddress(this.fd, this.family, ipBytes(address));
    this.bound = address;
  }

  /** The interface's address changed: multicast adverts leave from the new one (as at the start). */
  setMulticastSource(address: string): void {
    if (this.family === 4) {
      this.sys.multicastSource(this.fd, this.index, ipBytes(address));
      this.multicastSource4 = address;
    } else this.source6 = ipBytes(address);
  }

  /**
   * Records one after the other, each after its length (2 bytes, network order); IPv6's
   * start with the hop limit (0xffff: none), source and destination. The buffer is the
   * addon's and is reused: what is kept downstream is copied (VrrpInstance.accepted).
   */
  private receiveBatch(buf: Buffer, length: number): void {
    let at = 0;
    while (at + 2 <= length && !this.disposed) {
      const end = at + 2 + buf.readUInt16BE(at);
      if (end > length) return;
      let p: ReceivedPacket | undefined;
      if (this.family === 6) p = parseIpv6Record(buf, at + 2, end);
      else {
        const ip = parseIpv4(buf.subarray(at + 2, end));
        if (ip && ip.protocol === VRRP_PROTOCOL) p = ip;
      }
      at = end;
      if (p) this.deliver(p);
    }
  }

  /**
   * Another group's multicast: an IPv6 raw socket hears every group joined on
   * the host whatever IPV6_MULTICAST_ALL says (IPv4's is filtered by the
   * kernel), and with mcast_dst_ip another instance may use the same VRID there.
   */
  private otherGroup(dst: string): boolean {
    if (dst === this.groupName) return false;
    if (this.family === 6) return dst.startsWith('ff');
    const first = Number(dst.slice(0, dst.indexOf('.')));
    return first >= 224 && first <= 239;
  }

  private deliver(p: ReceivedPacket): void {
    if (this.otherGroup(p.dst)) return;
    const listeners = this.listeners;
    for (let i = 0; i < listeners.length; i++) {
      try {
        (listeners[i] as (p: ReceivedPacket) => void)(p);
      } catch (err) {
        // A handler's bug must not stop the socket: say so and go on.
        process.emitWarning(
          `halb: VRRP packet handler failed: ${(err as Error).stack ?? String(err)}`,
        );
      }
    }
  }

  /** Destinations in bytes: the group and the unicast peers, a handful at most. */
  private readonly dstBytes = new Map<string, Buffer>();

  send(payload: Buffer, dst: string, ttl?: number): void {
    if (this.unbound && this.bound) this.bindSource(this.fd, this.bound, true);
    let d = this.dstBytes.get(dst);
    if (!d) {
      d = ipBytes(dst);
      this.dstBytes.set(dst, d);
    }
    if (ttl === undefined)
      this.sys.sendTo(this.fd, this.family, d, this.index, payload, this.source6);
    else this.sys.sendTo(this.fd, this.family, d, this.index, payload, this.source6, ttl);
  }

  onPacket(cb: (p: ReceivedPacket) => void): void {
    this.listeners.push(cb);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.sys.recvStop(this.watcher);
    this.sys.close(this.fd);
    this.listeners = [];
  }
}
