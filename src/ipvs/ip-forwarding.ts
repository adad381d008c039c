/**
 * IP forwarding for NAT virtual servers. With LVS-NAT the real servers'
 * replies come back through the load balancer as routed packets (their
 * destination is the client, not a local address), so the box must forward,
 * or the kernel drops them before IPVS can rewrite their source. keepalived
 * leaves the sysctl to the user; halb, an appliance, turns it on itself when
 * the config has a NAT destination (a real server or sorry server forwarded
 * by NAT) and leaves it on: from then on the box is a router, and a reload or
 * restart never drops forwarding under live connections. DR and TUN need no
 * forwarding.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { LvsConfig } from '../config/lvs-config';

export type Family = 4 | 6;

/** The address families whose real servers (or sorry servers) are reached by NAT. */
export function natFamilies(lvs: LvsConfig): Set<Family> {
  const out = new Set<Family>();
  const add = (address: string): void => void out.add(net.isIPv6(address) ? 6 : 4);
  for (const vs of lvs.virtualServers) {
    for (const rs of vs.realServers)
      if ((rs.forwarding?.kind ?? vs.forwarding) === 'NAT') add(rs.address);
    if (vs.sorryServer && (vs.sorryServerForwarding?.kind ?? vs.forwarding) === 'NAT')
      add(vs.sorryServer.address);
  }
  return out;
}

const KNOB: Record<Family, string> = {
  4: 'net/ipv4/ip_forward',
  6: 'net/ipv6/conf/all/forwarding',
};

/** The sysctl name as `sysctl` prints it (net.ipv4.ip_forward). */
export function knobName(family: Family): string {
  return KNOB[family].replace(/\//g, '.');
}

/**
 * Turns forwarding on for each family that is off; returns the knobs it
 * turned on. A knob that cannot be read or written (no IPv6 in the kernel, a
 * read-only /proc/sys in a container) throws with the path.
 */
export function enableForwarding(families: Iterable<Family>, procSys = '/proc/sys'): string[] {
  const changed: string[] = [];
  for (const f of families) {
    const file = path.join(procSys, KNOB[f]);
    if (fs.readFileSync(file, 'utf8').trim() !== '0') continue;
    fs.writeFileSync(file, '1');
    changed.push(knobName(f));
  }
  return changed;
}
