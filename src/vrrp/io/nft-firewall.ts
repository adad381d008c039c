/**
 * The accept-mode firewall on the kernel: nf_tables transactions over a
 * NETLINK_NETFILTER socket. A MASTER without accept mode blocks its VIPs
 * before it adds them (the batch is sent at once, and the kernel applies it
 * inside that sendmsg, so no packet reaches a VIP in between) and unblocks
 * them after removing them. Failures are logged with the instance's name; the
 * VRRP side never waits for the firewall.
 */
import * as util from 'node:util';
import { createNetlink, type NetlinkSocket } from 'netlink/dist/netlink';
import type { NetlinkMessage } from 'netlink/dist/structs';
import type { Logger } from '../../core/log';
import { guardRequests } from '../../platform/netlink-guard';
import { ipBytes } from '../checksum';
import { FirewallPlan, type Change } from '../firewall-plan';
import {
  frameBatch,
  type BlockedAddress,
  type FirewallNames,
  type NftMessage,
  type VmacLink,
} from '../nft-rules';

const NETLINK_NETFILTER = 12;
const NLMSG_ERROR = 2;
const SEQ_BASE = 0x40000000;
/** A transaction not answered by then is taken as failed. */
const REPLY_TIMEOUT_MS = 5000;

/** One VIP to block: its address and the interface it is on (for link-local IPv6). */
export interface FirewallVip {
  readonly address: string;
  readonly family: 4 | 6;
  readonly ifindex: number;
}

export interface VipFirewall {
  block(instance: string, vips: readonly FirewallVip[]): void;
  unblock(instance: string, vips: readonly FirewallVip[]): void;
}

interface Pending {
  readonly last: number;
  /** The first failure answered so far. */
  errno: number;
  readonly timer: NodeJS.Timeout;
  readonly resolve: (errno: number) => void;
  readonly reject: (err: Error) => void;
}

function errnoText(errno: number): string {
  const [name, text] = util.getSystemErrorMap().get(-errno) ?? [`errno ${errno}`, 'unknown error'];
  return `${text} (${name})`;
}

export class NftFirewall implements VipFirewall {
  private readonly plan: FirewallPlan;
  private sock: NetlinkSocket | undefined;
  private seq = SEQ_BASE;
  private readonly pending = new Map<number, Pending>();
  private readonly onMessage = (msgs: NetlinkMessage[]): void => {
    for (const m of msgs) this.take(m);
  };

  constructor(
    names: FirewallNames,
    private readonly log: Logger,
  ) {
    this.plan = new FirewallPlan(names);
  }

  block(instance: string, vips: readonly FirewallVip[]): void {
    this.log.detail(`(${instance}) setting firewall drop rule`);
    this.apply(instance, 'set', this.plan.block(vips.map(blocked)));
  }

  unblock(instance: string, vips: readonly FirewallVip[]): void {
    this.log.detail(`(${instance}) removing firewall drop rule`);
    this.apply(instance, 'remove', this.plan.unblock(vips.map(blocked)));
  }

  /** use_vmac: the VMAC's IGMP / MLD reports leave from its parent (before it joins a group). */
  addVmac(instance: string, link: VmacLink): void {
    this.apply(instance, 'set', this.plan.addVmac(link), 'VMAC report rule');
  }

  /** The VMAC leaves the map before it is deleted. */
  removeVmac(instance: string, link: VmacLink): void {
    this.apply(instance, 'remove', this.plan.removeVmac(link), 'VMAC report rule');
  }

  /** Deletes the tables (the VIPs are gone by now) and closes the socket. */
  async dispose(): Promise<void> {
    const messages = this.plan.teardown();
    if (messages.length > 0 && this.sock) {
      const errno = await this.transact(messages).catch(() => -1);
      if (errno !== 0) this.log.error(`cannot delete the firewall tables ${this.plan.names.table}`);
    }
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    this.sock?.off('message', this.onMessage);
    this.sock?.close();
    this.sock = undefined;
  }

  private apply(
    instance: string,
    verb: 'set' | 'remove',
    change: Change,
    what = 'firewall drop rule',
  ): void {
    if (change.messages.length === 0) return;
    const consequence =
      verb !== 'set'
        ? ''
        : what === 'firewall drop rule'
          ? '; traffic to its VIPs is not dropped'
          : '; IGMP / MLD reports leave the VMAC with the virtual MAC';
    let sent: Promise<number>;
    try {
      sent = this.transact(change.messages);
    } catch (err) {
      // No NETLINK_NETFILTER socket at all: the VRRP side goes on regardless.
      sent = Promise.reject(err as Error);
    }
    sent.then(
      (errno) => {
        if (errno === 0) return;
        change.undo();
        this.log.error(
          `(${instance}) cannot ${verb} the ${what}: nf_tables says ${errnoText(errno)}${consequence} (check that the kernel has nf_tables)`,
        );
      },
      (err: Error) => {
        change.undo();
        this.log.error(`(${instance}) cannot ${verb} the ${what}: ${err.message}${consequence}`);
      },
    );
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

  /** Sends one transaction; resolves with 0 or the first errno the kernel answered. */
  private transact(messages: readonly NftMessage[]): Promise<number> {
    const sock = this.socket();
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
    this.log.error(`firewall socket: ${err.message}`);
  }
}

function blocked(v: FirewallVip): BlockedAddress {
  return { family: v.family, bytes: ipBytes(v.address), ifindex: v.ifindex };
}
