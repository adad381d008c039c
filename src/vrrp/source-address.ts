/**
 * Which address an instance's adverts come from, as keepalived 2.2.7 keeps it
 * (keepalived_netlink.c): unicast_src_ip / mcast_src_ip when configured
 * (lost only with track_src_ip, when the interface no longer holds it);
 * otherwise the address it has while the interface still holds it, else the
 * interface's first IPv4 address, or its IPv6 link-local one, that is not a
 * VIP of this box. Undefined: none, and the instance waits in FAULT.
 */
import type { VrrpInstanceConfig } from '../config/vrrp-config';

export function chooseSource(
  ic: Pick<VrrpInstanceConfig, 'unicastSrc' | 'trackSrcIp' | 'family'>,
  /** The interface's addresses of the instance's family, in the kernel's order. */
  held: readonly string[],
  /** Every VIP of the box: never a source. */
  ours: ReadonlySet<string>,
  current: string | undefined,
): string | undefined {
  if (ic.unicastSrc !== undefined)
    return ic.trackSrcIp && !held.includes(ic.unicastSrc) ? undefined : ic.unicastSrc;
  if (current !== undefined && held.includes(current)) return current;
  return held.find((a) => !ours.has(a) && (ic.family === 4 || a.toLowerCase().startsWith('fe80')));
}

/** Why an instance without a source is in FAULT. */
export function missingSource(
  ic: Pick<VrrpInstanceConfig, 'unicastSrc' | 'family' | 'interface'>,
): string {
  return ic.unicastSrc !== undefined
    ? `${ic.interface} does not hold ${ic.unicastSrc} (track_src_ip)`
    : `no IPv${ic.family} address on ${ic.interface} to send adverts from`;
}

/** The unspecified address: the state machine's own address while it has none (it is in FAULT then). */
export function noAddress(family: 4 | 6): string {
  return family === 4 ? '0.0.0.0' : '::';
}
