/**
 * A VRRP or AH socket's receive buffer as the engine sized it (rx-buffers.ts):
 * set when it changes, set again on the socket that replaces it when its
 * interface is made again, and put back to the kernel's default when a
 * reload takes the sizing away (a new socket would have that).
 */
import * as fs from 'node:fs';
import type { HalbSys } from '../../platform/halb-sys';

/** net.core.rmem_default of this namespace: what a socket gets unless it asks. */
function kernelDefault(): number | undefined {
  try {
    const n = Number(fs.readFileSync('/proc/sys/net/core/rmem_default', 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

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

  /**
   * No size wanted any more: the kernel's default again, as a new socket has
   * (SO_RCVBUF doubles a request: half the default is asked for). Returns
   * what the kernel reports, undefined when nothing was set.
   */
  reset(fd: number): number | undefined {
    if (this.bytes <= 0) return undefined;
    const dflt = kernelDefault();
    this.bytes = 0;
    if (dflt === undefined) return undefined;
    return this.sys.setRcvBuf(fd, Math.floor(dflt / 2));
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
