/**
 * The addresses on this box, from rtnetlink: a dump, then a fresh dump after
 * each burst of RTM_NEWADDR / RTM_DELADDR notifications (addresses change
 * rarely; a dump cannot miss or double-count one). The dump runs on a socket
 * of its own: a notification in the middle of a multipart dump breaks the
 * package's parsing of it. For ha_suspend (suspend.ts).
 */
import { createRtNetlink, type RtNetlinkSocket } from 'netlink/dist/rt/rt';
import { guardEvents, rtRequests } from '../platform/netlink-guard';
import { ipString } from '../vrrp/checksum';

const RTM_NEWADDR = 20;
const RTM_DELADDR = 21;
const FAMILY: Record<number, 4 | 6> = { 2: 4, 10: 6 };

export class LocalAddresses {
  private events: RtNetlinkSocket | undefined;
  private dumper: RtNetlinkSocket | undefined;
  private running = false;
  private again = false;
  private disposed = false;

  constructor(
    private readonly onChange: (addresses: ReadonlySet<string>) => void,
    private readonly onError: (message: string) => void,
  ) {}

  start(): void {
    const events = createRtNetlink();
    this.events = events;
    events.socket.on('message', (msgs: Array<{ type: number }>) => {
      if (msgs.some((m) => m.type === RTM_NEWADDR || m.type === RTM_DELADDR)) this.refresh();
    });
    events.addMembership('IPV4_IFADDR');
    events.addMembership('IPV6_IFADDR');
    guardEvents(events.socket, () => this.refresh(), this.onError);
    this.dumper = rtRequests();
    this.refresh();
  }

  private refresh(): void {
    if (this.disposed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.dump().finally(() => {
      this.running = false;
      if (this.again && !this.disposed) {
        this.again = false;
        this.refresh();
      }
    });
  }

  private async dump(): Promise<void> {
    try {
      const msgs = (await this.dumper?.getAddresses()) ?? [];
      const out = new Set<string>();
      for (const m of msgs) {
        const fam = FAMILY[m.data.family ?? 0];
        const raw = m.attrs.local ?? m.attrs.address;
        if (fam && raw) out.add(ipString(raw, fam));
      }
      if (!this.disposed) this.onChange(out);
    } catch (err) {
      this.onError(`cannot read the local addresses: ${(err as Error).message}`);
    }
  }

  dispose(): void {
    this.disposed = true;
    this.events?.socket.close();
    this.dumper?.socket.close();
    this.events = undefined;
    this.dumper = undefined;
  }
}
