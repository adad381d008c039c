/**
 * The IPVS table as halb thinks of it: virtual services and their
 * destinations, in domain terms (dotted addresses, scheduler names, prefix
 * lengths). Wire details (byte order, flag masks, netmask encodings) live only
 * in wire.ts.
 */

export type Family = 4 | 6;
export type Protocol = 'TCP' | 'UDP' | 'SCTP';
/** Every scheduler the kernel ships (net/netfilter/ipvs/ip_vs_*.c). */
export const SCHEDULERS = [
  'rr',
  'wrr',
  'lc',
  'wlc',
  'lblc',
  'lblcr',
  'dh',
  'sh',
  'sed',
  'nq',
  'fo',
  'ovf',
  'mh',
  'twos',
] as const;
export type Scheduler = (typeof SCHEDULERS)[number];

/** Scheduler and service flags by keepalived's / ipvsadm's names. */
export interface ServiceFlags {
  /** One-packet scheduling (`ops`). */
  readonly onePacket?: boolean;
  /** sh / mh: skip unavailable destinations (SCHED1). */
  readonly fallback?: boolean;
  /** sh / mh: hash the source port too (SCHED2). */
  readonly port?: boolean;
  /** The third scheduler flag (`flag-3`), unused by the kernel's schedulers today. */
  readonly flag3?: boolean;
}

export interface Persistence {
  readonly timeoutS: number;
  /** Prefix length of the persistence granularity: 32 / 128 = per client address. */
  readonly netmaskBits: number;
  /** Persistence engine, e.g. "sip". */
  readonly engine?: string;
}

/** What names a virtual service in the kernel. */
export type ServiceKey =
  | {
      readonly family: Family;
      readonly protocol: Protocol;
      readonly address: string;
      readonly port: number;
    }
  | { readonly family: Family; readonly fwmark: number };

export type IpvsService = ServiceKey & {
  /** Scheduler module name: one of SCHEDULERS, or any name a module provides. */
  readonly scheduler: string;
  readonly flags: ServiceFlags;
  readonly persistence?: Persistence;
};

export type Forwarding = 'NAT' | 'DR' | 'TUN' | 'LOCAL';
export type TunnelType = 'ipip' | 'gue' | 'gre';
export type TunnelChecksum = 'nocsum' | 'csum' | 'remcsum';

export interface Tunnel {
  readonly type: TunnelType;
  /** UDP port of a GUE tunnel. */
  readonly port?: number;
  readonly checksum?: TunnelChecksum;
}

export interface IpvsDest {
  readonly family: Family;
  readonly address: string;
  readonly port: number;
  readonly forwarding: Forwarding;
  readonly weight: number;
  readonly upperThreshold: number;
  readonly lowerThreshold: number;
  /** Only with TUN forwarding. */
  readonly tunnel?: Tunnel;
}

/** The kernel's counters and rates (per second) for a service or destination. */
export interface IpvsStats {
  readonly conns: number;
  readonly inpkts: number;
  readonly outpkts: number;
  readonly inbytes: number;
  readonly outbytes: number;
  readonly cps: number;
  readonly inpps: number;
  readonly outpps: number;
  readonly inbps: number;
  readonly outbps: number;
}

export interface DestStatus extends IpvsDest {
  readonly activeConns: number;
  readonly inactiveConns: number;
  readonly persistentConns: number;
  readonly stats?: IpvsStats;
}

export type ServiceStatus = IpvsService & { readonly stats?: IpvsStats };

/** A service with its destinations, as wanted or as listed. */
export interface TableEntry<S extends IpvsService = IpvsService, D extends IpvsDest = IpvsDest> {
  readonly service: S;
  readonly dests: readonly D[];
}
export type IpvsTable = readonly TableEntry[];

export interface Timeouts {
  /** Seconds; 0 in a set request leaves that timeout as it is. */
  readonly tcpS: number;
  readonly tcpFinS: number;
  readonly udpS: number;
}

export interface SyncDaemon {
  readonly state: 'master' | 'backup';
  readonly interface: string;
  readonly syncId: number;
  readonly maxLen?: number;
  readonly group?: string;
  readonly port?: number;
  readonly ttl?: number;
}

export function isFwmark(k: ServiceKey): k is Extract<ServiceKey, { fwmark: number }> {
  return 'fwmark' in k;
}

/** "192.0.2.10:80 (TCP)", "[2001:db8::1]:443 (TCP)", "fwmark 5 (IPv6)": how errors name a service. */
export function serviceName(k: ServiceKey): string {
  if (isFwmark(k)) return `fwmark ${k.fwmark}${k.family === 6 ? ' (IPv6)' : ''}`;
  return `${hostPort(k.address, k.port, k.family)} (${k.protocol})`;
}

export function hostPort(address: string, port: number, family: Family): string {
  return family === 6 ? `[${address}]:${port}` : `${address}:${port}`;
}

/** A stable identity string for a service key (map keys, diffing). */
export function serviceKeyId(k: ServiceKey): string {
  return isFwmark(k)
    ? `fwm/${k.family}/${k.fwmark}`
    : `${k.protocol}/${hostPort(k.address, k.port, k.family)}`;
}

/** A destination's identity within its service. */
export function destKeyId(d: Pick<IpvsDest, 'family' | 'address' | 'port'>): string {
  return hostPort(d.address, d.port, d.family);
}

export function serviceKeyOf(s: ServiceKey): ServiceKey {
  return isFwmark(s)
    ? { family: s.family, fwmark: s.fwmark }
    : { family: s.family, protocol: s.protocol, address: s.address, port: s.port };
}
