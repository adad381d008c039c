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
 *
 * With IPv4 it also stops ICMP redirects (all, default and every interface:
 * the kernel sends one when either says so). A reply that comes in and goes
 * out on the same LAN (a one-armed balancer, real servers beside the
 * clients' router) makes the kernel tell the real server to send straight to
 * the client; a real server that takes the advice bypasses the balancer, its
 * replies are never translated back, and the connection hangs. (The LVS
 * HOWTO's advice for LVS-NAT on one network; IPv6 has no such switch:
 * ipv6-redirects.ts drops them with nf_tables.)
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

/**
 * Turns forwarding on for each family that is off, and IPv4 redirects off
 * where they are on; returns what it changed as `sysctl` prints it
(`net.ipv4.ip_forward = 1`). A knob that cannot be read
 * or written (no IPv6 in the kernel, a read-only /proc/sys in a container)
 * throws with the path.
 */
export function enableForwarding(families: Iterable<Family>, procSys = '/proc/sys'): string[] {
  const changed: string[] = [];
  const set = (knob: string, from: (v: string) => boolean, to: string): void => {
    const file = path.join(procSys, knob);
    if (!from(fs.readFileSync(file, 'utf8').trim())) return;
    fs.writeFileSync(file, to);
    changed.push(`${knob.replace(/\//g, '.')} = ${to}`);
  };
  for (const f of families) {
    set(KNOB[f], (v) => v === '0', '1');
    if (f !== 4) continue;
    const conf = path.join(procSys, 'net/ipv4/conf');
    const names = fs.readdirSync(conf).filter((n) => n !== 'all' && n !== 'default');
    for (const n of ['all', 'default', ...names.sort()])
      set(`net/ipv4/conf/${n}/send_redirects`, (v) => v !== '0', '0');
  }
  return changed;
}
