/**
 * One raw VRRP socket per interface and family: joins the VRRP multicast
 * group, sends adverts (multicast or to each unicast peer), and hands every
 * received packet up with its source, destination and TTL / hop limit.
 */
import { halbSys, type HalbSys } from '../../platform/halb-sys';
import { ipBytes, ipString } from '../checksum';
import { VRRP_PROTOCOL } from '../packet';
import { parseIpv4 } from './ipv4-header';

export interface ReceivedPacket {
  readonly payload: Buffer;
  readonly src: string;
  readonly dst: string;
  /** TTL (IPv4) or hop limit (IPv6); -1 when the kernel did not say. */
  readonly hopLimit: number;
}

export interface VrrpTransport {
  send(payload: Buffer, dst: string): void;
  onPacket(cb: (p: ReceivedPacket) => void): void;
  dispose(): void;
}

export class VrrpSocket implements VrrpTransport {
  private readonly sys: HalbSys;
  private readonly fd: number;
  private readonly watcher: object;
  private listeners: Array<(p: ReceivedPacket) => void> = [];
  private disposed = false;

  constructor(
    readonly family: 4 | 6,
    readonly ifname: string,
    readonly ifindex: number,
    readonly group: string,
    source?: string,
    /** An IPv4 source for multicast adverts only, on an interface that does not hold it (VMAC). */
    multicastSource?: string,
  ) {
    this.sys = halbSys();
    this.fd = this.sys.rawOpen(family, VRRP_PROTOCOL, ifindex, ifname);
    try {
      if (source) this.sys.bindAddress(this.fd, family, ipBytes(source));
      if (multicastSource && family === 4)
        this.sys.multicastSource(this.fd, ifindex, ipBytes(multicastSource));
      this.sys.membership(this.fd, family, ipBytes(group), ifindex, true);
      this.watcher = this.sys.recvStart(this.fd, family, (pkt, src, dst, hop) =>
        this.receive(pkt, src, dst, hop),
      );
    } catch (err) {
      this.sys.close(this.fd);
      throw err;
    }
  }

  private receive(pkt: Buffer, src: Buffer | null, dst: Buffer | null, hop: number): void {
    let p: ReceivedPacket | undefined;
    if (this.family === 4) {
      const ip = parseIpv4(pkt);
      if (ip && ip.protocol === VRRP_PROTOCOL)
        // The addon copies each packet into a buffer of its own: a view is enough.
        p = { payload: ip.payload, src: ip.src, dst: ip.dst, hopLimit: ip.ttl };
    } else if (src && dst) {
      p = { payload: pkt, src: ipString(src, 6), dst: ipString(dst, 6), hopLimit: hop };
    }
    if (!p) return;
    for (const l of this.listeners) {
      try {
        l(p);
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

  send(payload: Buffer, dst: string): void {
    let d = this.dstBytes.get(dst);
    if (!d) {
      d = ipBytes(dst);
      this.dstBytes.set(dst, d);
    }
    this.sys.sendTo(this.fd, this.family, d, this.ifindex, payload);
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
