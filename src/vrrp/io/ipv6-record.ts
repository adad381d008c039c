/**
 * An IPv6 packet as the addon's batching watcher hands it over (pure): the
 * hop limit, source and destination from the ancillary data ahead of the
 * VRRP packet. native/halb_net.c (on_readable_batch) writes the records.
 *
 *   u16 hop limit (0xffff: the kernel did not say) | source (16) | destination (16) | packet
 */
import { ipString } from '../checksum';
import type { ReceivedPacket } from './vrrp-socket';

const HEAD = 34;

/**
 * Addresses by their bytes: the same few peers and the group send every
 * second, so each string is made once (bounded: cleared when it fills).
 */
const names = new Map<string, string>();

function ipv6Name(buf: Buffer, at: number): string {
  const key = buf.toString('latin1', at, at + 16);
  let s = names.get(key);
  if (s === undefined) {
    if (names.size >= 1024) names.clear();
    s = ipString(Buffer.from(buf.subarray(at, at + 16)), 6);
    names.set(key, s);
  }
  return s;
}

/** The record in buf[start, end), or undefined when it is short or names no destination. */
export function parseIpv6Record(
  buf: Buffer,
  start: number,
  end: number,
): ReceivedPacket | undefined {
  if (end - start < HEAD) return undefined;
  const dstAt = start + 18;
  let anyDst = 0;
  for (let i = dstAt; i < dstAt + 16; i++) anyDst |= buf[i] as number;
  if (anyDst === 0) return undefined; // no IPV6_PKTINFO: no destination to check
  const hop = buf.readUInt16BE(start);
  return {
    payload: buf.subarray(start + HEAD, end),
    src: ipv6Name(buf, start + 2),
    dst: ipv6Name(buf, dstAt),
    hopLimit: hop === 0xffff ? -1 : hop,
  };
}
