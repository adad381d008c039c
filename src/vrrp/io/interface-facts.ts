/**
 * What the engine needs to know of an interface: index, MAC, addresses.
 * Read from the kernel (an rtnetlink dump through the addon, sysfs), never
 * from a command, and whatever the link's state: os.networkInterfaces() leaves
 * out an interface that is down or has no carrier, whose instances must still
 * start (in FAULT) with the address they will use.
 */
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { halbSys, type InterfaceAddress } from '../../platform/halb-sys';
import { macText } from '../vmac';

export interface InterfaceFacts {
  readonly index: number;
  readonly linkLocal6: string | undefined;
}

/** One dump serves a whole start (250 instances ask within milliseconds). */
let cache: { at: number; value: InterfaceAddress[] } | undefined;
function allAddresses(fresh: boolean): InterfaceAddress[] {
  const now = performance.now();
  if (fresh || !cache || now - cache.at > 100) cache = { at: now, value: halbSys().addresses() };
  return cache.value;
}

/** The interface's addresses of one family, in the kernel's order; `fresh`: read again now (one just changed). */
export function interfaceAddresses(ifname: string, family: 4 | 6, fresh = false): string[] {
  const index = interfaceIndex(ifname);
  if (index === undefined) return [];
  return allAddresses(fresh)
    .filter((a) => a.index === index && a.family === family)
    .map((a) => a.address);
}

export function interfaceFacts(ifname: string): InterfaceFacts | undefined {
  const index = interfaceIndex(ifname);
  if (index === undefined) return undefined;
  return {
    index,
    linkLocal6: interfaceAddresses(ifname, 6).find((a) => a.toLowerCase().startsWith('fe80')),
  };
}

export function interfaceIndex(ifname: string): number | undefined {
  try {
    return halbSys().ifNameToIndex(ifname);
  } catch {
    return undefined;
  }
}

/**
 * The interface's MAC, by ioctl: sysfs shows the interfaces of the namespace
 * it was mounted for, not net_namespace's (sysfs only without the addon).
 */
export function interfaceMac(ifname: string): string | undefined {
  try {
    const b = halbSys().ifHwAddr(ifname);
    return b ? macText(b) : undefined;
  } catch {
    try {
      return fs.readFileSync(`/sys/class/net/${ifname}/address`, 'utf8').trim();
    } catch {
      return undefined;
    }
  }
}

/** The interface's MTU (ioctl, as the MAC), 1500 when it cannot be read. */
export function interfaceMtu(ifname: string): number {
  let n: number | undefined;
  try {
    n = halbSys().ifMtu(ifname);
  } catch {
    try {
      n = Number(fs.readFileSync(`/sys/class/net/${ifname}/mtu`, 'utf8').trim());
    } catch {
      n = undefined;
    }
  }
  return n !== undefined && Number.isInteger(n) && n > 0 ? n : 1500;
}
