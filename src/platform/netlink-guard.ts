/**
 * Every netlink socket halb opens goes through here. A socket overruns when
 * the kernel sends faster than it is read (a hundred VIPs changing at once):
 * the kernel drops what did not fit and reports ENOBUFS. The netlink package
 * re-emits socket errors as 'error' events, and an 'error' event nobody
 * listens to throws inside the package's native callback, which aborts the
 * process. So each socket gets a large receive buffer (halb builds the
 * package's binding with SO_RCVBUFFORCE: patches/netlink-overrun.patch) and a
 * listener:
 * - an event socket (subscribed to groups) calls onLost: events were lost, the
 *   owner reads the state again;
 * - on any socket, every request in flight fails with the error (its reply may
 *   be among what was lost), so no caller waits for an answer that will never
 *   come.
 * And the package emits its events from that native callback, which is built
 * with C++ exceptions: an exception thrown by a listener becomes a C++
 * exception there and aborts the process (std::terminate, no JS stack, no
 * uncaughtException). Found when an interface was deleted under a MASTER. A
 * listener's failure is said (as a warning, with its stack) and the socket
 * goes on.
 */
import type { EventEmitter } from 'node:events';
import type { NetlinkSocket } from 'netlink/dist/netlink';
import { createRtNetlink, type RtNetlinkSocket } from 'netlink/dist/rt/rt';

/** Every netlink socket's receive buffer unless the config asks for more. */
export const RCVBUF = 1 << 20;

/**
 * keepalived's `*_netlink_cmd_rcv_bufs` / `*_netlink_monitor_rcv_bufs` for
 * this process: the sockets opened from now on get the larger of those and
 * RCVBUF (always SO_RCVBUFFORCE first, so `_force` changes nothing here).
 */
const sizes = { requests: RCVBUF, events: RCVBUF };

export function setNetlinkBufferSizes(
  requests: number | undefined,
  events: number | undefined,
): void {
  sizes.requests = Math.max(RCVBUF, requests ?? 0);
  sizes.events = Math.max(RCVBUF, events ?? 0);
}

type Pending = Map<number, (err: Error | null) => unknown>;

function isOverrun(err: NodeJS.ErrnoException): boolean {
  return err.code === 'ENOBUFS' || /no buffer space/i.test(err.message);
}

function bigBuffer(sock: NetlinkSocket, bytes: number): void {
  try {
    sock.setRecvBufferSize(Math.min(bytes, 0x3fffffff));
  } catch {
    /* not root and capped by net.core.rmem_max: the default still works */
  }
}

type Emit = (event: string | symbol, ...args: unknown[]) => boolean;

/** Each listener runs on its own: one that throws is reported, never let through to the native callback. */
export function shieldListeners(sock: NetlinkSocket): void {
  const s = sock as unknown as EventEmitter & { emit: Emit; halbShielded?: true };
  if (s.halbShielded) return;
  s.halbShielded = true;
  const emit = s.emit.bind(sock) as Emit;
  s.emit = (event: string | symbol, ...args: unknown[]): boolean => {
    // 'error' keeps its rule (unheard, it throws): guard*() always listen to it.
    if (event === 'error') return emit(event, ...args);
    const listeners = s.rawListeners(event) as Array<(...a: unknown[]) => unknown>;
    for (const l of listeners) {
      try {
        l.apply(sock, args);
      } catch (err) {
        process.emitWarning(
          `halb: a netlink '${String(event)}' listener failed: ${(err as Error).stack ?? String(err)}`,
        );
      }
    }
    return listeners.length > 0;
  };
}

/** Fails every request waiting for its reply on this socket. */
function failPending(sock: NetlinkSocket, err: Error): void {
  const pending = (sock as unknown as { requests: Pending }).requests;
  for (const callback of [...pending.values()]) callback(err);
}

/** A socket that only sends requests and reads their replies. */
export function guardRequests(sock: NetlinkSocket, onError?: (err: Error) => void): void {
  bigBuffer(sock, sizes.requests);
  shieldListeners(sock);
  sock.on('error', (err: NodeJS.ErrnoException) => {
    failPending(sock, err);
    onError?.(err);
  });
}

/** A socket subscribed to events: an overrun means events were lost. */
export function guardEvents(
  sock: NetlinkSocket,
  onLost: () => void,
  onOther: (message: string) => void = () => undefined,
): void {
  bigBuffer(sock, sizes.events);
  shieldListeners(sock);
  sock.on('error', (err: NodeJS.ErrnoException) => {
    failPending(sock, err);
    if (isOverrun(err)) onLost();
    else onOther(err.message);
  });
}

/** A new rtnetlink socket for requests, guarded. */
export function rtRequests(): RtNetlinkSocket {
  const rt = createRtNetlink();
  guardRequests(rt.socket);
  return rt;
}
