/**
 * Tells when an address is deleted anywhere (RTM_DELADDR on the IPv4 and IPv6
 * address groups of rtnetlink), so a master can put back a VIP that someone
 * else removed.
 */
import { createRtNetlink, type RtNetlinkSocket } from 'netlink/dist/rt/rt';
import { guardEvents } from '../../platform/netlink-guard';

const RTM_DELADDR = 21;

export class AddressWatch {
  private rt: RtNetlinkSocket | undefined;
  private pending = false;

  start(onDelete: () => void): void {
    const rt = createRtNetlink();
    this.rt = rt;
    rt.addMembership('IPV4_IFADDR');
    rt.addMembership('IPV6_IFADDR');
    const check = (): void => {
      // One check for a burst of deletions.
      if (this.pending) return;
      this.pending = true;
      setImmediate(() => {
        this.pending = false;
        onDelete();
      });
    };
    rt.socket.on('message', (msgs: Array<{ type: number }>) => {
      if (msgs.some((m) => m.type === RTM_DELADDR)) check();
    });
    // Lost events may have been deletions: check anyway.
    guardEvents(rt.socket, check);
  }

  dispose(): void {
    this.rt?.socket.close();
    this.rt = undefined;
  }
}
