/**
 * The IPVS table the config and the checkers' reports call for, computed the
 * way keepalived's check/ipwrapper.c does it. Pure.
 *
 * - A real server without checkers is always in. One with checkers is up when
 *   its report says so; before any report it is up, unless alpha (then down
 *   until checked).
 * - A down real server is removed, or kept at weight 0 with inhibit_on_failure.
 * - Quorum: the sum of the up servers' weights. Gained at >= quorum +
 *   hysteresis, lost at 0 or < quorum - hysteresis (so the previous state is an
 *   input); at start, up when the sum reaches quorum + hysteresis.
 * - Quorum down with a sorry_server: the sorry server goes in (weight 1) and the
 *   up real servers come out (or go to weight 0 with inhibit_on_failure).
 *   Quorum up: the sorry server is out, or at weight 0 with sorry_server_inhibit.
 * - virtual_server_group: one kernel service per address (ranges expanded) or
 *   fwmark, all with the same real servers.
 * - omega and ha_suspend change notifications and checking, not the table.
 */
import * as net from 'node:net';
import type {
  Forwarding as ConfigForwarding,
  LvsConfig,
  RealServerConfig,
  VirtualServerConfig,
} from '../config/lvs-config';
import { healthKey, type HealthTable, type ServiceId } from '../lvs/health';
import { expandGroup, type GroupMember } from './groups';
import {
  destKeyId,
  serviceKeyId,
  type Family,
  type IpvsDest,
  type IpvsService,
  type Persistence,
  type TableEntry,
  type Tunnel,
  type TunnelChecksum,
  type TunnelType,
} from './types';

export interface VirtualServerState {
  readonly id: ServiceId;
  readonly quorumUp: boolean;
  readonly weightSum: number;
  readonly sorryServerActive: boolean;
  /** Real servers by keepalived's spelling, up or down as the table was built. */
  readonly servers: ReadonlyMap<string, boolean>;
}

export interface Desired {
  readonly table: readonly TableEntry[];
  /** Per virtual server (by health ServiceId): feed quorumUp back as `previous` next time. */
  readonly states: ReadonlyMap<ServiceId, VirtualServerState>;
  /** Entries that could not be turned into kernel services, in words. */
  readonly problems: readonly string[];
}

/** keepalived's FMT_VS spelling, as health.ts keys it. */
export function virtualServerId(vs: VirtualServerConfig): ServiceId {
  const k = vs.key;
  if (k.kind === 'fwmark') return `FWM ${k.mark}`;
  if (k.kind === 'group') return `group ${k.group}`;
  return `[${k.address}]:${vs.protocol.toLowerCase()}:${k.port ?? 0}`;
}

/** keepalived's FMT_RS spelling. */
export function realServerId(vs: VirtualServerConfig, rs: RealServerConfig): string {
  return `[${rs.address}]:${vs.protocol.toLowerCase()}:${rs.port ?? defaultPort(vs)}`;
}

function defaultPort(vs: VirtualServerConfig): number {
  return vs.key.kind === 'address' ? (vs.key.port ?? 0) : 0;
}

function familyOf(address: string): Family {
  return net.isIP(address) === 6 ? 6 : 4;
}

const TUNNEL_TYPES: readonly string[] = ['ipip', 'gue', 'gre'];
const CHECKSUMS: readonly string[] = ['nocsum', 'csum', 'remcsum'];

function tunnelOf(options: readonly string[]): Tunnel {
  let type: TunnelType = 'ipip';
  let port: number | undefined;
  let checksum: TunnelChecksum | undefined;
  for (let i = 0; i < options.length; i++) {
    const o = options[i] as string;
    if (o === 'type' && TUNNEL_TYPES.includes(options[i + 1] ?? ''))
      type = options[++i] as TunnelType;
    else if (o === 'port') port = Number(options[++i]);
    else if (CHECKSUMS.includes(o)) checksum = o as TunnelChecksum;
  }
  return {
    type,
    ...(type === 'gue' && port !== undefined ? { port } : {}),
    ...(checksum ? { checksum } : {}),
  };
}

function destOf(
  address: string,
  port: number,
  fwd: ConfigForwarding,
  weight: number,
  upper: number | undefined,
  lower: number | undefined,
): IpvsDest {
  return {
    family: familyOf(address),
    address,
    port,
    forwarding: fwd.kind,
    weight,
    upperThreshold: upper ?? 0,
    lowerThreshold: lower ?? 0,
    ...(fwd.kind === 'TUN' ? { tunnel: tunnelOf(fwd.options) } : {}),
  };
}

function netmaskBits(granularity: string | undefined, family: Family): number | string {
  if (granularity === undefined) return family === 6 ? 128 : 32;
  if (family === 6 || /^\d+$/.test(granularity)) {
    const n = Number(granularity);
    return Number.isInteger(n) && n >= 0 && n <= (family === 6 ? 128 : 32)
      ? n
      : `persistence_granularity ${granularity} is not a prefix length`;
  }
  if (net.isIP(granularity) !== 4) return `persistence_granularity ${granularity} is not a netmask`;
  const m = granularity.split('.').reduce((acc, o) => ((acc << 8) | Number(o)) >>> 0, 0);
  let bits = 0;
  while (bits < 32 && m & (0x80000000 >>> bits)) bits++;
  return m === (bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0)
    ? bits
    : `persistence_granularity ${granularity} is not a contiguous netmask`;
}

function serviceSettings(
  vs: VirtualServerConfig,
  family: Family,
): Omit<IpvsService, 'family' | 'protocol' | 'address' | 'port' | 'fwmark'> | string {
  const f = vs.schedulerFlags;
  let persistence: Persistence | undefined;
  if (vs.persistenceTimeoutS !== undefined) {
    const bits = netmaskBits(vs.persistenceGranularity, family);
    if (typeof bits === 'string') return bits;
    persistence = {
      timeoutS: vs.persistenceTimeoutS,
      netmaskBits: bits,
      ...(vs.persistenceEngine ? { engine: vs.persistenceEngine } : {}),
    };
  }
  return {
    scheduler: vs.scheduler,
    flags: {
      ...(f.onePacket ? { onePacket: true } : {}),
      ...(f.flag1 ? { fallback: true } : {}),
      ...(f.flag2 ? { port: true } : {}),
      ...(f.flag3 ? { flag3: true } : {}),
    },
    ...(persistence ? { persistence } : {}),
  };
}

function quorumUp(sum: number, vs: VirtualServerConfig, previous: boolean | undefined): boolean {
  if (previous === true) return !(sum === 0 || sum < vs.quorum - vs.hysteresis);
  return sum >= vs.quorum + vs.hysteresis;
}

/** The kernel services one virtual_server block stands for. */
function membersOf(vs: VirtualServerConfig, groups: LvsConfig['groups']): GroupMember[] | string {
  const k = vs.key;
  if (k.kind === 'address') {
    if (net.isIP(k.address) === 0) return `'${k.address}' is not an address`;
    return [
      { kind: 'address', family: familyOf(k.address), address: k.address, port: k.port ?? 0 },
    ];
  }
  if (k.kind === 'fwmark') return [{ kind: 'fwmark', family: undefined, mark: k.mark }];
  const entries = groups[k.group];
  if (!entries) return `virtual_server_group ${k.group} is not defined`;
  const { members, problems } = expandGroup(entries);
  return problems.length > 0 ? `virtual_server_group ${k.group}: ${problems.join('; ')}` : members;
}

export function desiredTable(
  lvs: LvsConfig,
  health: HealthTable,
  previous: ReadonlyMap<ServiceId, boolean> = new Map(),
): Desired {
  const table: TableEntry[] = [];
  const states = new Map<ServiceId, VirtualServerState>();
  const problems: string[] = [];
  const seen = new Set<string>();

  for (const vs of lvs.virtualServers) {
    const id = virtualServerId(vs);
    const members = membersOf(vs, lvs.groups);
    if (typeof members === 'string') {
      problems.push(`virtual server ${vs.name}: ${members}`);
      continue;
    }
    // Health and quorum belong to the virtual_server block, shared by its group members.
    const servers = new Map<string, boolean>();
    let weightSum = 0;
    const rsState = vs.realServers.map((rs) => {
      const rsId = realServerId(vs, rs);
      const report = health.size > 0 ? health.get(healthKey(id, rsId)) : undefined;
      const up = rs.checkers.length === 0 ? true : report ? report.up : !rs.alpha;
      const weight = Math.max(0, report?.weight ?? rs.weight);
      servers.set(rsId, up);
      if (up) weightSum += weight;
      return { rs, up, weight };
    });
    const qUp = quorumUp(weightSum, vs, previous.get(id));
    const sorryActive = vs.sorryServer !== undefined && !qUp;
    states.set(id, { id, quorumUp: qUp, weightSum, sorryServerActive: sorryActive, servers });

    const vsFwd: ConfigForwarding = { kind: vs.forwarding, options: vs.forwardingOptions };
    for (const m of members) {
      const family: Family =
        m.family ?? vs.ipFamily ?? (vs.realServers[0] ? familyOf(vs.realServers[0].address) : 4);
      const settings = serviceSettings(vs, family);
      if (typeof settings === 'string') {
        problems.push(`virtual server ${vs.name}: ${settings}`);
        break;
      }
      const service: IpvsService =
        m.kind === 'fwmark'
          ? { family, fwmark: m.mark, ...settings }
          : { family, protocol: vs.protocol, address: m.address, port: m.port, ...settings };
      const key = serviceKeyId(service);
      if (seen.has(key)) {
        problems.push(`virtual server ${vs.name}: ${key} is already defined; ignored`);
        continue;
      }
      seen.add(key);
      const memberPort = m.kind === 'address' ? m.port : 0;
      const dests: IpvsDest[] = [];
      const destIds = new Set<string>();
      const push = (d: IpvsDest): void => {
        const dk = destKeyId(d);
        if (destIds.has(dk)) {
          problems.push(
            `virtual server ${vs.name}: real server ${dk} is listed twice; the first one counts`,
          );
          return;
        }
        destIds.add(dk);
        dests.push(d);
      };
      for (const { rs, up, weight } of rsState) {
        const inPool = up && !sorryActive;
        if (!inPool && !rs.inhibitOnFailure) continue;
        push(
          destOf(
            rs.address,
            rs.port ?? memberPort,
            rs.forwarding ?? vsFwd,
            inPool ? weight : 0,
            rs.upperThreshold,
            rs.lowerThreshold,
          ),
        );
      }
      const sorry = vs.sorryServer;
      if (sorry && (sorryActive || vs.sorryServerInhibit)) {
        const d = destOf(
          sorry.address,
          sorry.port ?? memberPort,
          vs.sorryServerForwarding ?? vsFwd,
          sorryActive ? 1 : 0,
          undefined,
          undefined,
        );
        // A sorry server that is also a real server is that real server (keepalived: s_svr_duplicates_rs).
        if (!destIds.has(destKeyId(d))) push(d);
      }
      table.push({ service, dests });
    }
  }
  return { table, states, problems };
}

export function quorumStates(d: Desired): Map<ServiceId, boolean> {
  return new Map([...d.states].map(([k, s]) => [k, s.quorumUp]));
}
