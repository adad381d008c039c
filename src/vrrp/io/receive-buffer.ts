/**
 * A VRRP or AH socket's receive buffer as the engine sized it (rx-buffers.ts):
 * set when it changes, and set again on the socket that replaces it when its
 * interface is made again.
 */
import type { HalbSys } from '../../platform/halb-sys';

/** The kernel doubles the request into an int: past INT_MAX / 2 it would wrap. */
const MAX_BYTES = 0x3fffffff;

export class ReceiveBuffer {
  private bytes = 0;

  constructor(private readonly sys: HalbSys) {}

  /** Sets it; returns the size the kernel reports, undefined when unchanged. */
  set(fd: number, bytes: number): number | undefined {
    const want = Math.min(Math.floor(bytes), MAX_BYTES);
    if (want === this.bytes) return undefined;
    const got = this.sys.setRcvBuf(fd, want);
    this.bytes = want;
    return got;
  }

  /** A new socket in place of the old one: the size it had, if one was set. Never throws. */
  reapply(fd: number): void {
    if (this.bytes <= 0) return;
    try {
      this.sys.setRcvBuf(fd, this.bytes);
    } catch {
      /* the kernel's default then: the socket itself is open */
    }
  }
}
