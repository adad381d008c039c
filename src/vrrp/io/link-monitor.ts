/**
 * Link state of every interface from rtnetlink: a dump at start, then the
 * kernel's RTNLGRP_LINK notifications. An interface is up when it is
 * administratively up and running (carrier), as keepalived judges it.
 */
import { createRtNetlink, type RtNetlinkSocket } from 'netlink/dist/rt/rt';
import { guardEvents, rtRequests } from '../../platform/netlink-guard';

type Listener = (ifname: string, up: boolean) => void;

interface LinkLike {
  readonly kind: string;
  readonly data: { readonly flags?: { readonly up?: true; readonly running?: true } };
  readonly attrs: { readonly ifname?: string };
}

export class LinkMonitor {
  private rt: RtNetlinkSocket | undefined;
  private readonly state = new Map<string, boolean>();
  private readonly listeners: Listener[] = [];

  onChange(l: Listener): void {
    this.listeners.push(l);
  }

  isUp(ifname: string): boolean | undefined {
    return this.state.get(ifname);
  }

  private update(msg: LinkLike, deleted: boolean): void {
    const name = msg.attrs.ifname;
    if (!name) return;
    const up = !deleted && msg.data.flags?.up === true && msg.data.flags?.running === true;
    if (this.state.get(name) === up) return;
    this.state.set(name, up);
    for (const l of this.listeners) l(name, up);
  }

  async start(): Promise<void> {
    const rt = createRtNetlink();
    this.rt = rt;
    const heard = new Set<string>();
    rt.on('message', (msgs, _rinfo) => {
      for (const m of msgs as unknown as Array<LinkLike & { kind: string }>) {
        if (m.kind !== 'link') continue;
        if (m.attrs.ifname) heard.add(m.attrs.ifname);
        this.update(m, false);
      }
    });
    rt.addMembership('LINK');
    // Lost link events: read every link's state again.
    guardEvents(rt.socket, () => void this.resync(new Set()).catch(() => undefined));
    await this.resync(heard);
  }

  /** Every link's state from a dump, except those a notification told about meanwhile. */
  private async resync(heard: ReadonlySet<string>): Promise<void> {
    // The dump runs on a socket of its own: a notification landing in the middle
    // of a multipart dump breaks the package's parsing of it. What a notification
    // said meanwhile is newer than the dump, so it stands.
    const dump = rtRequests();
    try {
      for (const link of await dump.getLinks()) {
        const l = link as unknown as LinkLike;
        if (!heard.has(l.attrs.ifname ?? '')) this.update(l, false);
      }
    } finally {
      dump.socket.close();
    }
  }

  dispose(): void {
    this.rt?.socket.close();
    this.rt = undefined;
  }
}
