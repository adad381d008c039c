/**
 * The kernel's process events (proc connector, native/halb_proc.c): fork,
 * exec, comm change and exit of every process, for vrrp_track_process. The
 * decoder is pure (datagrams in, events out, in host byte order); ProcEvents
 * is the socket. A lost event (the socket overran) comes up as 'overrun', on
 * which the caller rescans /proc, as keepalived does.
 */
import * as os from 'node:os';
import { halbSys, type HalbSys } from '../../platform/halb-sys';

export type ProcEvent =
  | {
      readonly kind: 'fork';
      readonly pid: number;
      readonly tgid: number;
      readonly parentTgid: number;
    }
  | { readonly kind: 'exec' | 'comm' | 'exit'; readonly pid: number; readonly tgid: number }
  | { readonly kind: 'overrun' };

const NLMSG_HDR = 16;
const CN_MSG = 20;
const EVENT_AT = NLMSG_HDR + CN_MSG;
const DATA_AT = EVENT_AT + 16;
const FORK = 0x1;
const EXEC = 0x2;
const COMM = 0x200;
const EXIT = 0x80000000;

/** One netlink datagram: every proc event in it (other connector messages are skipped). */
export function decodeProcDatagram(d: Buffer, littleEndian: boolean, out: ProcEvent[]): void {
  const u32 = (o: number): number => (littleEndian ? d.readUInt32LE(o) : d.readUInt32BE(o));
  for (let at = 0; at + NLMSG_HDR <= d.length;) {
    const len = u32(at);
    if (len < NLMSG_HDR || at + len > d.length) return;
    const m = at;
    at += (len + 3) & ~3;
    if (len < DATA_AT + 8) continue;
    const what = u32(m + EVENT_AT);
    const data = m + DATA_AT;
    if (what === FORK && len >= DATA_AT + 16)
      out.push({
        kind: 'fork',
        parentTgid: u32(data + 4),
        pid: u32(data + 8),
        tgid: u32(data + 12),
      });
    else if (what === EXEC || what === COMM || what === EXIT)
      out.push({
        kind: what === EXEC ? 'exec' : what === COMM ? 'comm' : 'exit',
        pid: u32(data),
        tgid: u32(data + 4),
      });
  }
}

/** A batch from the addon: datagrams each after its length (2 bytes, network order); length 0 = overrun. */
export function decodeProcBatch(batch: Buffer, littleEndian: boolean): ProcEvent[] {
  const out: ProcEvent[] = [];
  for (let at = 0; at + 2 <= batch.length;) {
    const len = batch.readUInt16BE(at);
    at += 2;
    if (len === 0) out.push({ kind: 'overrun' });
    else decodeProcDatagram(batch.subarray(at, at + len), littleEndian, out);
    at += len;
  }
  return out;
}

/** The process-event socket's receive buffer unless the config asks for more: a fork storm must not overrun it. */
export const PROC_RCVBUF = 4 * 1024 * 1024;
let rcvbuf = PROC_RCVBUF;

/**
 * keepalived's `process_monitor_rcv_bufs`: sockets opened from now on get
 * the larger of it and PROC_RCVBUF, always forced past rmem_max (so
 * `process_monitor_rcv_bufs_force` changes nothing here), as for halb's
 * netlink sockets (platform/netlink-guard.ts).
 */
export function setProcEventsBufferSize(bytes: number | undefined): void {
  rcvbuf = Math.min(Math.max(PROC_RCVBUF, bytes ?? 0), 0x3fffffff);
}

export function procEventsBufferSize(): number {
  return rcvbuf;
}

export class ProcEvents {
  private readonly sys: HalbSys;
  private readonly fd: number;
  private readonly watcher: object;
  private stopped = false;

  constructor(onEvents: (events: readonly ProcEvent[]) => void) {
    this.sys = halbSys();
    // The connector exists in the initial network namespace only (HALB_INIT_NETNS: its file).
    this.fd = this.sys.procEventsOpen(rcvbuf, process.env.HALB_INIT_NETNS ?? '/proc/1/ns/net');
    const le = os.endianness() === 'LE';
    this.watcher = this.sys.recvStart(this.fd, 0, (buf, length) => {
      if (!this.stopped) onEvents(decodeProcBatch(buf.subarray(0, length), le));
    });
  }

  dispose(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.sys.recvStop(this.watcher);
    this.sys.close(this.fd);
  }
}
