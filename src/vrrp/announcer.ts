/**
 * Announcing the VIPs of a master: gratuitous ARP (IPv4) or unsolicited NA
 * (IPv6) on an AF_PACKET socket, garp_master_repeat of each at once, the same
 * again after garp_master_delay, then garp_master_refresh_repeat every
 * garp_master_refresh. Cancelled when the instance leaves MASTER.
 */
import type { GarpConfig, Vip } from '../config/vrrp-config';
import { halbSys } from '../platform/halb-sys';
import { garpFrame, unsolicitedNaFrame } from './io/announce-frames';

export interface FrameSender {
  /** owner: who sent it, so a pacing sender can drop what is still queued for it. */
  send(ifindex: number, frame: Buffer, owner?: object): void;
  cancel?(owner: object): void;
}

export class PacketSender implements FrameSender {
  private fd: number | undefined;
  prepare(): void {
    this.fd ??= halbSys().packetOpen();
  }

  send(ifindex: number, frame: Buffer): void {
    const sys = halbSys();
    this.fd ??= sys.packetOpen();
    sys.packetSend(this.fd, ifindex, frame);
  }
  dispose(): void {
    if (this.fd !== undefined) halbSys().close(this.fd);
    this.fd = undefined;
  }
}

export class Announcer {
  private timers: NodeJS.Timeout[] = [];
  sent = 0;

  constructor(
    private readonly sender: FrameSender,
    private readonly garp: GarpConfig,
    private readonly macOf: (ifname: string) => string | undefined,
    private readonly indexOf: (ifname: string) => number,
    /** garp_extra_if: announced once every garp.extraIfS while MASTER (extraIfVips()). */
    private readonly extraVips: readonly Vip[] = [],
  ) {}

  private readonly frames = new Map<string, Buffer>();

  /** The frame announcing a VIP from a MAC, built once. */
  private frame(mac: string, vip: Vip): Buffer {
    const key = `${mac} ${vip.address}`;
    let f = this.frames.get(key);
    if (!f) {
      f = vip.family === 4 ? garpFrame(mac, vip.address) : unsolicitedNaFrame(mac, vip.address);
      this.frames.set(key, f);
    }
    return f;
  }

  /**
   * Builds the frames and runs the burst once into nothing ahead of the first
   * failover, which then only sends (a first run compiles the code on the way).
   */
  prepare(vips: readonly Vip[]): void {
    this.burst(vips, 1, { send: () => undefined });
    this.sent = 0;
  }

  private burst(vips: readonly Vip[], repeat: number, sender: FrameSender = this.sender): void {
    for (const vip of vips) {
      if (!vip.dev) continue;
      const mac = this.macOf(vip.dev);
      if (!mac) continue;
      const frame = this.frame(mac, vip);
      let ifindex: number;
      try {
        ifindex = this.indexOf(vip.dev);
      } catch {
        continue; // the interface is gone (deleted): nothing to announce on
      }
      for (let i = 0; i < repeat; i++) {
        sender.send(ifindex, frame, this);
        this.sent++;
      }
    }
  }

  start(vips: readonly Vip[]): void {
    this.stop();
    this.burst(vips, this.garp.masterRepeat);
    if (this.garp.masterDelayS > 0) {
      this.timers.push(
        setTimeout(() => this.burst(vips, this.garp.masterRepeat), this.garp.masterDelayS * 1000),
      );
    }
    if (this.garp.extraIfS > 0 && this.extraVips.length > 0) {
      this.timers.push(setInterval(() => this.burst(this.extraVips, 1), this.garp.extraIfS * 1000));
    }
    if (this.garp.masterRefreshS > 0) {
      this.timers.push(
        setInterval(
          () => this.burst(vips, this.garp.masterRefreshRepeat),
          this.garp.masterRefreshS * 1000,
        ),
      );
    }
  }

  /** A MASTER heard a lower priority: garp_lower_prio_repeat now, and again after the delay. */
  lowerPriority(vips: readonly Vip[]): void {
    const repeat = this.garp.lowerPrioRepeat;
    if (repeat <= 0) return;
    this.burst(vips, repeat);
    if (this.garp.lowerPrioDelayS > 0)
      this.timers.push(
        setTimeout(() => this.burst(vips, repeat), this.garp.lowerPrioDelayS * 1000),
      );
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    this.sender.cancel?.(this);
  }
}
