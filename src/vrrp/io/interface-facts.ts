/**
 * What the engine needs to know of an interface: index, MAC, first IPv4
 * address, IPv6 link-local address. Read from the kernel (ioctl through the
 * addon, sysfs, getifaddrs), never from a command.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { halbSys } from '../../platform/halb-sys';

export interface InterfaceFacts {
  readonly index: number;
  readonly mac: string | undefined;
  readonly primary4: string | undefined;
  readonly linkLocal6: string | undefined;
}

/** os.networkInterfaces() walks every address of the box: one walk serves a whole start. */
let ifCache: { at: number; value: NodeJS.Dict<os.NetworkInterfaceInfo[]> } | undefined;
function networkInterfaces(): NodeJS.Dict<os.NetworkInterfaceInfo[]> {
  const now = performance.now();
  if (!ifCache || now - ifCache.at > 100) ifCache = { at: now, value: os.networkInterfaces() };
  return ifCache.value;
}

export function interfaceFacts(ifname: string): InterfaceFacts | undefined {
  let index: number;
  try {
    index = halbSys().ifNameToIndex(ifname);
  } catch {
    return undefined;
  }
  const addrs = networkInterfaces()[ifname] ?? [];
  return {
    index,
    mac: addrs.find((a) => a.mac && a.mac !== '00:00:00:00:00:00')?.mac,
    primary4: addrs.find((a) => a.family === 'IPv4')?.address,
    linkLocal6: addrs.find((a) => a.family === 'IPv6' && a.address.startsWith('fe80'))?.address,
  };
}

export function interfaceIndex(ifname: string): number | undefined {
  try {
    return halbSys().ifNameToIndex(ifname);
  } catch {
    return undefined;
  }
}

/** The interface's MAC from sysfs (os.networkInterfaces() lists only addressed ones, slowly). */
export function interfaceMac(ifname: string): string | undefined {
  try {
    return fs.readFileSync(`/sys/class/net/${ifname}/address`, 'utf8').trim();
  } catch {
    return undefined;
  }
}
