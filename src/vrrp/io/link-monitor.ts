/**
 * Link state of every interface from rtnetlink: a dump at start, then the
 * kernel's RTNLGRP_LINK notifications. An interface is up when it is
 * administratively up and running (carrier), as keepalived judges it.
 * Interfaces are known by name, as the config names them, and their index
 * is followed: an interface deleted and made again under the same name (a
 * VLAN or bond that a network script re-creates, a USB NIC plugged back)
 * has a new index, and sockets bound to the old one must be made again.
 */
import { createRtNetlink, type RtNetlinkSocket } from 'netlink/dist/rt/rt';
import { parseMessage } from 'netlink/dist/rt/structs';
import { guardEvents, rtRequests } from '../../platform/netlink-guard';

type Listener = (ifname: string, up: boolean) => void;
/** An interface's index: `index` 0 when it was deleted. */
type IndexListener = (ifname: string, index: number) => void;

/** How many deleted names are remembered. */
export const MAX_DELETED = 256;

const RTM_NEWLINK = 16;
const RTM_DELLINK = 17;

interface LinkLike {
  readonly kind: string;
  readonly data: {
    readonly index?: number;
    readonly flags?: { readonly up?: true; readonly running?: true };
  };
  readonly attrs: { readonly ifname?: string };
}

export class LinkMonitor {
  private rt: RtNetlinkSocket | undefined;
  private readonly state = new Map<string, boolean>();
  private readonly listeners: Listener[] = [];
  /** Each name's index as last heard (kept after a deletion, to tell a re-creation). */
  private readonly indexes = new Map<string, number>();
  private readonly names = new Map<number, string>();
  private readonly indexListeners: IndexListener[] = [];

  onChange(l: Listener): void {
    this.listeners.push(l);
  }

  /** The start's dump is in: names heard from now on are interfaces made since. */
  private ready = false;

  /** An interface was deleted (index 0), made again (another index) or made since the start. */
  onIndexChange(l: IndexListener): void {
    this.indexListeners.push(l);
  }

  isUp(ifname: string): boolean | undefined {
    return this.state.get(ifname);
  }

  private update(msg: LinkLike, deleted: boolean): void {
    const name = msg.attrs.ifname;
    if (!name) return;
    const index = msg.data.index ?? 0;
    // Renamed: the old name is gone (down) as far as the config is concerned.
    const was = this.names.get(index);
    if (!deleted && was !== undefined && was !== name) this.follow(was, 0, index);
    this.follow(name, deleted ? 0 : index, index);
    const up = !deleted && msg.data.flags?.up === true && msg.data.flags?.running === true;
    this.setUp(name, up);
  }

  private setUp(name: string, up: boolean): void {
    if (this.state.get(name) === up) return;
    this.state.set(name, up);
    for (const l of this.listeners) l(name, up);
  }

  /** `name` now has `index` (0: gone); `heard` is the index the message was about. */
  private follow(name: string, index: number, heard: number): void {
    const before = this.indexes.get(name);
    if (index === 0) {
      if (this.names.get(heard) === name) this.names.delete(heard);
      if (before === undefined || before === 0 || before !== heard) return;
      this.indexes.set(name, 0);
      this.setUp(name, false);
      this.forgetOldDeleted(name);
    } else {
      this.names.set(index, name);
      this.indexes.set(name, index);
      // A name first heard after the start's dump is a new interface too.
      if (before === index || (before === undefined && !this.ready)) return;
    }
    for (const l of this.indexListeners) l(name, index);
  }

  /**
   * Names deleted, oldest first: kept (to tell a re-creation, and as down) but
   * not forever; a box whose containers make and delete veths all day would
   * otherwise keep every name it ever saw.
   */
  private readonly deleted: string[] = [];

  /** Names never forgotten: those the config uses (a deleted one stays down). */
  keep: (name: string) => boolean = () => false;

  private forgetOldDeleted(name: string): void {
    if (this.keep(name)) return;
    this.deleted.push(name);
    while (this.deleted.length > MAX_DELETED) {
      const old = this.deleted.shift() as string;
      if (this.indexes.get(old) !== 0 || this.deleted.includes(old) || this.keep(old)) continue;
      this.indexes.delete(old);
      this.state.delete(old);
    }
  }

  async start(): Promise<void> {
    const rt = createRtNetlink();
    this.rt = rt;
    const heard = this.listen();
    // The raw messages: the parsed ones no longer say RTM_NEWLINK from RTM_DELLINK.
    rt.socket.on('message', (msgs: Array<{ type: number; data: Buffer }>) => {
      for (const raw of msgs) {
        if (raw.type !== RTM_NEWLINK && raw.type !== RTM_DELLINK) continue;
        let m: LinkLike;
        try {
          m = parseMessage(raw.type, raw.data) as unknown as LinkLike;
        } catch {
          continue;
        }
        const name = m.attrs.ifname;
        if (name) for (const h of this.hearing) h.add(name);
        this.update(m, raw.type === RTM_DELLINK);
      }
    });
    rt.addMembership('LINK');
    // Lost link events: read every link's state again.
    guardEvents(rt.socket, () => void this.resync(this.listen()).catch(() => undefined));
    await this.resync(heard);
    this.ready = true;
  }

  /** The names notifications tell about while a dump runs (a dump is older than they are). */
  private readonly hearing = new Set<Set<string>>();

  private listen(): Set<string> {
    const heard = new Set<string>();
    this.hearing.add(heard);
    return heard;
  }

  /** Every link's state from a dump, except those a notification told about meanwhile. */
  private async resync(heard: Set<string>): Promise<void> {
    // The dump runs on a socket of its own: a notification landing in the middle
    // of a multipart dump breaks the package's parsing of it. What a notification
    // said meanwhile is newer than the dump, so it stands.
    const dump = rtRequests();
    try {
      const present = new Set<string>();
      for (const link of await dump.getLinks()) {
        const l = link as unknown as LinkLike;
        present.add(l.attrs.ifname ?? '');
        if (!heard.has(l.attrs.ifname ?? '')) this.update(l, false);
      }
      // Deleted while notifications were lost.
      for (const [name, index] of this.indexes)
        if (index !== 0 && !present.has(name) && !heard.has(name)) this.follow(name, 0, index);
    } finally {
      dump.socket.close();
      this.hearing.delete(heard);
    }
  }

  dispose(): void {
    this.rt?.socket.close();
    this.rt = undefined;
  }
}
