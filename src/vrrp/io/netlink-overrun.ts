/**
 * A socket subscribed to rtnetlink events overruns when the kernel sends a
 * burst faster than it is read (a hundred VIPs removed at once): the kernel
 * drops what did not fit and the next read fails with ENOBUFS. The netlink
 * package reports that as an 'error' event, and an error event with no
 * listener throws inside its native callback, which aborts the process. Each
 * subscribed socket therefore gets a larger buffer and a listener that treats
 * an overrun as "events were lost": the owner reads the state again.
 */
import type { RtNetlinkSocket } from 'netlink/dist/rt/rt';

const EVENT_RCVBUF = 1 << 20;

export function survivesOverrun(
  rt: RtNetlinkSocket,
  onLost: () => void,
  onOther: (message: string) => void,
): void {
  try {
    rt.socket.setRecvBufferSize(EVENT_RCVBUF);
  } catch {
    /* capped by net.core.rmem_max: the default is still usable */
  }
  rt.socket.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOBUFS' || /no buffer space/i.test(err.message)) onLost();
    else onOther(err.message);
  });
}
