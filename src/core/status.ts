/** The daemon's state as data: the same object behind `halb status`, its --json and the demo. */
import type { BfdSessionStatus } from '../bfd/service';
import { DIAG_TEXT } from '../bfd/packet';
import { PATTERN_LOOK, type LedPattern, type Role } from '../leds/patterns';
import type { ListedTable } from '../ipvs/client';
import { formatTable } from '../ipvs/format';
import { hostPort, type SyncDaemon } from '../ipvs/types';
import type { HealthReport } from '../lvs/health';

export interface InstanceStatus {
  readonly name: string;
  readonly state: Role;
  readonly priority: number;
  readonly effectivePriority: number;
  readonly masterAddress: string | null;
  readonly vips: readonly string[];
  readonly lastTransition?: { readonly to: string; readonly why: string } | null;
  readonly stats?: Readonly<Record<string, number>>;
  /** Dropped adverts by reason (RFC 5798 §7.1 checks). */
  readonly drops?: Readonly<Record<string, number>>;
  /** Present while the instance sends keepalived 1.3.6's unicast checksum (old_unicast_checksum). */
  readonly oldUnicastChecksum?: 'configured' | 'learned';
}

export interface DaemonStatus {
  readonly version: string;
  readonly pid: number;
  readonly startedAt: string;
  readonly uptimeS: number;
  readonly configFile: string;
  readonly configGeneration: number;
  /** Count of each top-level block in the running config (vrrp_instance: 2 ...). */
  readonly configBlocks: Readonly<Record<string, number>>;
  readonly lastReloadError: string | null;
  /** Config store generations: the one running, the last one read (a reload tried), a fallback. */
  readonly configStore?: {
    readonly running: number | null;
    readonly attempted: number | null;
    readonly fallback: string | null;
    /** No data partition: the box runs on defaults in RAM, and nothing saved survives a reboot. */
    readonly volatile?: boolean;
  };
  readonly board: string | null;
  /** The daemon process's own memory (process.memoryUsage(), kB): where its anonymous memory goes. */
  readonly memory?: {
    readonly rssKb: number;
    readonly heapTotalKb: number;
    readonly heapUsedKb: number;
    readonly externalKb: number;
    readonly arrayBuffersKb: number;
    /** V8's heap by space (new_space, old_space, code_space...), kB reserved. */
    readonly heapSpacesKb: Readonly<Record<string, number>>;
  };
  readonly subsystems: { readonly vrrp: boolean; readonly check: boolean };
  readonly instances: readonly InstanceStatus[];
  /** Each checked real server's health, when the config has virtual servers. */
  readonly realServers?: readonly HealthReport[];
  /** The kernel's IPVS table with its counters, as last read (when IPVS is there). */
  readonly ipvs?: ListedTable;
  /** lvs_sync_daemon: the kernel's sync daemons as listed after the last change. */
  readonly syncDaemons?: readonly SyncDaemon[];
  /** bfd_instance sessions, when the config has any. */
  readonly bfd?: readonly BfdSessionStatus[];
  /** BFD datagrams dropped, by reason. */
  readonly bfdDrops?: Readonly<Record<string, number>>;
  readonly led: { readonly pattern: LedPattern; readonly look: string };
}

export function ledView(pattern: LedPattern): DaemonStatus['led'] {
  return { pattern, look: PATTERN_LOOK[pattern] };
}

export function formatStatus(s: DaemonStatus): string {
  const lines = [
    `halb ${s.version}  pid ${s.pid}  up ${s.uptimeS}s  board ${s.board ?? '-'}`,
    `config ${s.configFile} (generation ${s.configGeneration})` +
      (s.lastReloadError ? `  last reload refused: ${s.lastReloadError}` : ''),
    ...(s.configStore ? [formatStore(s.configStore)] : []),
    `front panel: ${s.led.pattern} (${s.led.look})`,
  ];
  if (s.instances.length === 0) {
    lines.push('no VRRP instances running');
  } else {
    lines.push('INSTANCE         STATE   PRIO  EFF  MASTER                   VIPS');
    for (const i of s.instances) {
      lines.push(
        [
          i.name.padEnd(16),
          i.state.toUpperCase().padEnd(7),
          String(i.priority).padStart(4),
          String(i.effectivePriority).padStart(4),
          (i.masterAddress ?? '-').padEnd(24),
          i.vips.join(','),
        ].join(' '),
      );
      if (i.lastTransition)
        lines.push(
          `    last transition: ${i.lastTransition.to.toUpperCase()} (${i.lastTransition.why})`,
        );
      const st = i.stats ?? {};
      lines.push(
        `    adverts sent ${st.advertsSent ?? 0}, received ${st.advertsReceived ?? 0}; became master ${st.becameMaster ?? 0}, released ${st.releasedMaster ?? 0}`,
      );
      const drops = Object.entries(i.drops ?? {});
      if (drops.length > 0)
        lines.push(`    dropped: ${drops.map(([k, v]) => `${k} ${v}`).join(', ')}`);
    }
  }
  if (s.realServers && s.realServers.length > 0) {
    lines.push('VIRTUAL SERVER           REAL SERVER              HEALTH  WEIGHT  LAST CHECK');
    for (const r of s.realServers)
      lines.push(
        [
          r.service.padEnd(24),
          r.server.padEnd(24),
          (r.up ? 'up' : 'down').padEnd(6),
          String(r.weight ?? '-').padStart(6),
          r.suspended ? `checks suspended (ha_suspend: VIP not here); last: ${r.detail}` : r.detail,
        ].join(' '),
      );
  }
  if (s.ipvs && s.ipvs.length > 0) {
    lines.push('IPVS (kernel):');
    lines.push(...formatTable(s.ipvs).map((l) => `  ${l}`));
    for (const e of s.ipvs)
      for (const d of e.dests)
        if (d.stats)
          lines.push(
            `  ${hostPort(d.address, d.port, d.family)}: conns ${d.stats.conns}, packets in ${d.stats.inpkts} out ${d.stats.outpkts}, bytes in ${d.stats.inbytes} out ${d.stats.outbytes}`,
          );
  }
  if (s.bfd && s.bfd.length > 0) {
    lines.push(
      'BFD SESSION      NEIGHBOR                 STATE      REMOTE     TX (ms)  DETECT (ms)  SENT/RECEIVED',
    );
    for (const b of s.bfd)
      lines.push(
        [
          b.name.padEnd(16),
          b.neighbor.padEnd(24),
          `${b.state}${b.diag ? ` (${DIAG_TEXT[b.diag] ?? b.diag})` : ''}`.padEnd(10),
          b.remoteState.padEnd(10),
          String(b.txIntervalUs / 1000).padStart(7),
          String(b.detectTimeUs / 1000).padStart(12),
          ` ${b.sent}/${b.received}`,
        ].join(' '),
      );
  }
  if (s.syncDaemons)
    lines.push(
      `IPVS sync daemons: ${s.syncDaemons.length === 0 ? 'none' : s.syncDaemons.map(formatSyncDaemon).join('; ')}`,
    );
  return lines.join('\n');
}

function formatSyncDaemon(d: SyncDaemon): string {
  const opts = [
    `syncid ${d.syncId}`,
    ...(d.maxLen !== undefined ? [`maxlen ${d.maxLen}`] : []),
    ...(d.group !== undefined ? [`group ${d.group}`] : []),
    ...(d.port !== undefined ? [`port ${d.port}`] : []),
    ...(d.ttl !== undefined ? [`ttl ${d.ttl}`] : []),
  ];
  return `${d.state} on ${d.interface} (${opts.join(', ')})`;
}

function formatStore(c: NonNullable<DaemonStatus['configStore']>): string {
  const running = c.running === null ? 'not from the store' : `generation ${c.running}`;
  return (
    `config store: ${running}` +
    (c.fallback ? `  FALLBACK: ${c.fallback}` : '') +
    (c.volatile ? '  DATA PARTITION MISSING: defaults in RAM, nothing saved survives a reboot' : '')
  );
}
