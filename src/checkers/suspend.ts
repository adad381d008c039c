/**
 * ha_suspend as keepalived 2.2.7 does it (check_api.c update_checker_activity,
 * check_data.c): the checkers of a virtual server with ha_suspend run only
 * while its address is on this box (on any interface: a VIP the VRRP
 * instance holds as MASTER). Until the local addresses are known every such
 * virtual server is suspended, as keepalived starts with a zero address count.
 * fwmark services have no address: keepalived clears ha_suspend on them with
 * an error. A group's services are resumed while any of the group's addresses
 * is here (keepalived 2.2.7 never matches a group, so its checkers stay
 * suspended for good; that reads as a bug, not a rule). Pure.
 */
import * as net from 'node:net';
import type { LvsConfig, VirtualServerConfig } from '../config/lvs-config';
import { expandGroup } from '../ipvs/groups';
import type { ServiceId } from '../lvs/health';
import { ipBytes, ipString } from '../vrrp/checksum';
import { serviceId } from './ids';

/** One spelling per address ("2001:db8::1", never "2001:DB8:0::1"). */
export function canonicalAddress(address: string): string | undefined {
  const fam = net.isIP(address);
  return fam === 4 || fam === 6 ? ipString(ipBytes(address), fam) : undefined;
}

/** The addresses whose presence resumes a virtual server's checkers; undefined: ha_suspend does not apply. */
function addressesOf(vs: VirtualServerConfig, lvs: LvsConfig): string[] | undefined {
  if (!vs.haSuspend) return undefined;
  if (vs.key.kind === 'address') {
    const a = canonicalAddress(vs.key.address);
    return a === undefined ? undefined : [a];
  }
  if (vs.key.kind === 'group') {
    const members = expandGroup(lvs.groups[vs.key.group] ?? []).members;
    const out = members.flatMap((m) => (m.kind === 'address' ? [m.address] : []));
    return out.length > 0 ? out : undefined;
  }
  return undefined;
}

/** keepalived's complaint about ha_suspend where it cannot apply. */
export function haSuspendProblems(lvs: LvsConfig): string[] {
  return lvs.virtualServers
    .filter((vs) => vs.haSuspend && addressesOf(vs, lvs) === undefined)
    .map(
      (vs) =>
        `Virtual server ${serviceId(vs)}: cannot use ha_suspend with fwmarks - clearing ha_suspend`,
    );
}

export function usesHaSuspend(lvs: LvsConfig): boolean {
  return lvs.virtualServers.some((vs) => addressesOf(vs, lvs) !== undefined);
}

/** The services whose checkers are suspended, given the box's addresses (undefined: not known yet). */
export function suspendedServices(
  lvs: LvsConfig,
  local: ReadonlySet<string> | undefined,
): Set<ServiceId> {
  const out = new Set<ServiceId>();
  for (const vs of lvs.virtualServers) {
    const addrs = addressesOf(vs, lvs);
    if (addrs === undefined) continue;
    if (!local || !addrs.some((a) => local.has(a))) out.add(serviceId(vs));
  }
  return out;
}
