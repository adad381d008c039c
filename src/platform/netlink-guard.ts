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
 */
import type { NetlinkSocket } from 'netlink/dist/netlink';
import { createRtNetlink, type RtNetlinkSocket } from 'netlink/dist/rt/rt';

const RCVBUF = 1 << 20;

type Pending = Map<number, (err: Error | null) => unknown>;

function isOverrun(err: NodeJS.ErrnoException): boolean {
  return err.code === 'ENOBUFS' || /no buffer space/i.test(err.message);
}

function bigBuffer(sock: NetlinkSocket): void {
  try {
    sock.setRecvBufferSize(RCVBUF);
  } catch {
    /* not root and capped by net.core.rmem_max: the default still works */
  }
}

/** Fails every request waiting for its reply on this socket. */
function failPending(sock: NetlinkSocket, err: Error): void {
  const pending = (sock as unknown as { requests: Pending }).requests;
  for (const callback of [...pending.values()]) callback(err);
}

/** A socket that only sends requests and reads their replies. */
export function guardRequests(sock: NetlinkSocket, onError?: (err: Error) => void): void {
  bigBuffer(sock);
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
  bigBuffer(sock);
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
