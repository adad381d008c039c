/**
 * The accept-mode firewall on the kernel: nf_tables transactions over a
 * NETLINK_NETFILTER socket. A MASTER without accept mode blocks its VIPs
 * before it adds them (the batch is sent at once, and the kernel applies it
 * inside that sendmsg, so no packet reaches a VIP in between) and unblocks
 * them after removing them. Failures are logged with the instance's name; the
 * VRRP side never waits for the firewall.
 */
import type { Logger } from '../../core/log';
import { errnoText, NftSocket } from '../../platform/nft-socket';
import { ipBytes } from '../checksum';
import { FirewallPlan, type Change } from '../firewall-plan';
import type { BlockedAddress, FirewallNames, VmacLink } from '../nft-rules';

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

export class NftFirewall implements VipFirewall {
  private readonly plan: FirewallPlan;
  private readonly nft: NftSocket;

  constructor(
    names: FirewallNames,
    private readonly log: Logger,
  ) {
    this.plan = new FirewallPlan(names);
    this.nft = new NftSocket((err) => this.log.error(`firewall socket: ${err.message}`));
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
    if (messages.length > 0 && this.nft.isOpen) {
      const errno = await this.nft.transact(messages).catch(() => -1);
      if (errno !== 0) this.log.error(`cannot delete the firewall tables ${this.plan.names.table}`);
    }
    this.nft.close();
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
    // No NETLINK_NETFILTER socket at all rejects too: the VRRP side goes on regardless.
    this.nft.transact(change.messages).then(
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
}

function blocked(v: FirewallVip): BlockedAddress {
  return { family: v.family, bytes: ipBytes(v.address), ifindex: v.ifindex };
}
