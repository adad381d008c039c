/**
 * promote_secondaries: while an instance that asks for it runs, its
 * interface has net.ipv4.conf.IF.promote_secondaries on, so that removing the
 * primary address (a VIP in the same subnet is a secondary of it) promotes
 * the VIP instead of deleting it with the primary. As keepalived
 * (vrrp_if_config.c): set only when it was off, counted per interface, and
 * put back to off when the last instance that set it stops.
 */
import * as fs from 'node:fs';

export type SysctlIo = {
  read(path: string): string;
  write(path: string, value: string): void;
};

const realIo: SysctlIo = {
  read: (p) => fs.readFileSync(p, 'utf8'),
  write: (p, v) => fs.writeFileSync(p, v),
};

const pathOf = (ifname: string): string => `/proc/sys/net/ipv4/conf/${ifname}/promote_secondaries`;

export class PromoteSecondaries {
  /** Interfaces we turned it on for, with how many instances want it. */
  private readonly ours = new Map<string, number>();

  constructor(private readonly io: SysctlIo = realIo) {}

  /** Throws (with the path) when the sysctl cannot be read or written. */
  acquire(ifname: string): void {
    const n = this.ours.get(ifname);
    if (n !== undefined) {
      this.ours.set(ifname, n + 1);
      return;
    }
    if (this.io.read(pathOf(ifname)).trim() !== '0') return; // on already: not ours to reset
    this.io.write(pathOf(ifname), '1');
    this.ours.set(ifname, 1);
  }

  /** The interface was made again: its new self starts from the default, set it again. */
  reapply(ifname: string): void {
    if (!this.ours.has(ifname)) return;
    try {
      this.io.write(pathOf(ifname), '1');
    } catch {
      /* gone again */
    }
  }

  release(ifname: string): void {
    const n = this.ours.get(ifname);
    if (n === undefined) return;
    if (n > 1) {
      this.ours.set(ifname, n - 1);
      return;
    }
    this.ours.delete(ifname);
    try {
      this.io.write(pathOf(ifname), '0');
    } catch {
      /* the interface is gone, and its setting with it */
    }
  }

  releaseAll(): void {
    for (const ifname of [...this.ours.keys()]) {
      this.ours.set(ifname, 1);
      this.release(ifname);
    }
  }
}
