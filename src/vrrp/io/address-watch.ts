/**
 * Tells when addresses change anywhere (RTM_NEWADDR / RTM_DELADDR on the IPv4
 * and IPv6 address groups of rtnetlink): a master puts back a VIP that someone
 * else removed, and instances follow their interface's source address.
 */
import { createRtNetlink, type RtNetlinkSocket } from 'netlink/dist/rt/rt';
import { guardEvents } from '../../platform/netlink-guard';

const RTM_NEWADDR = 20;
const RTM_DELADDR = 21;

export class AddressWatch {
  private rt: RtNetlinkSocket | undefined;
  private pending = false;
  private deleted = false;

  /** `onChange(deleted)`: once a burst, deleted when the burst removed an address. */
  start(onChange: (deleted: boolean) => void): void {
    const rt = createRtNetlink();
    this.rt = rt;
    rt.addMembership('IPV4_IFADDR');
    rt.addMembership('IPV6_IFADDR');
    const check = (deleted: boolean): void => {
      this.deleted ||= deleted;
      // One check for a burst of changes.
      if (this.pending) return;
      this.pending = true;
      setImmediate(() => {
        const d = this.deleted;
        this.pending = false;
        this.deleted = false;
        onChange(d);
      });
    };
    rt.socket.on('message', (msgs: Array<{ type: number }>) => {
      if (msgs.some((m) => m.type === RTM_DELADDR)) check(true);
      else if (msgs.some((m) => m.type === RTM_NEWADDR)) check(false);
    });
    // Lost events may have been deletions: check anyway.
    guardEvents(rt.socket, () => check(true));
  }

  dispose(): void {
    this.rt?.socket.close();
    this.rt = undefined;
  }
}
