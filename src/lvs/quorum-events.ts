/**
 * What keepalived's checker announces about virtual servers besides a real
 * server's own check results (check/ipwrapper.c: update_quorum_state,
 * do_vs_notifies, clear_service_rs): each event runs the virtual server's
 * quorum_up / quorum_down or the real server's notify_down, writes a FIFO
 * line and mails (with smtp_alert). Pure: states in, events out.
 *
 * - A quorum change: "Gained quorum" / "Lost quorum"; when a start or a
 *   reload caused it, "Starting with quorum up" / "down" (but a reload that
 *   took away real servers that were up loses it: "Lost quorum").
 * - A virtual server that starts (or is added by a reload): keepalived
 *   starts it without quorum and marks its real servers alive, so one that
 *   has the quorum says "Starting with quorum up" (quorum_up, its VS line);
 *   one without it says "Starting with quorum down" only with a sorry_server
 *   (which goes in), else nothing.
 * - A reload that removes a real server that was up: its notify_down,
 *   "Removing"; removing the whole virtual server also loses its quorum.
 * - At stop, for a virtual server with omega only: each real server that was
 *   up "Shutting down" (not with lvs_flush_on_stop, which flushes instead of
 *   removing them one by one), then the virtual server "Shutting down".
 */
import type { LvsConfig, RealServerConfig, VirtualServerConfig } from '../config/lvs-config';
import { realServerId, virtualServerId, type VirtualServerState } from '../ipvs/desired';
import type { ServiceId } from './health';

type States = ReadonlyMap<ServiceId, VirtualServerState>;

export type QuorumWhy = 'gained' | 'lost' | 'starting' | 'shutting-down';

export interface VsEvent {
  readonly kind: 'vs';
  readonly vs: VirtualServerConfig;
  readonly id: ServiceId;
  /** Quorum after the event (always down when shutting down). */
  readonly up: boolean;
  readonly why: QuorumWhy;
  /** Quorum before it, for the threshold the message shows. */
  readonly wasUp: boolean;
  readonly weightSum: number;
  /** The FIFO line is written here (a change's line comes with the RS lines: notify-lines.ts). */
  readonly fifoLine: boolean;
}

export interface RsEvent {
  readonly kind: 'rs';
  readonly vs: VirtualServerConfig;
  readonly rs: RealServerConfig;
  readonly id: ServiceId;
  readonly rsId: string;
  readonly why: 'removing' | 'shutting-down';
}

export type LvsEvent = VsEvent | RsEvent;

/**
 * After the config or the health changed. `init`: a start or a reload (not a
 * check's result); prev / prevLvs: what the last call saw (undefined at start).
 */
export function lvsEvents(
  prevLvs: LvsConfig | undefined,
  prev: States | undefined,
  lvs: LvsConfig,
  next: States,
  init: boolean,
): LvsEvent[] {
  const out: LvsEvent[] = [];
  const removed = init && prevLvs && prev ? removals(prevLvs, prev, lvs, next) : [];
  out.push(...removed);
  for (const vs of lvs.virtualServers) {
    const id = virtualServerId(vs);
    const now = next.get(id);
    if (!now) continue;
    const before = prev?.get(id);
    if (before && before.quorumUp !== now.quorumUp) {
      // keepalived's clear_diff_rs: servers a reload took away lose it as at run time.
      const lostByRemoval = !now.quorumUp && removed.some((e) => e.kind === 'rs' && e.id === id);
      out.push({
        kind: 'vs',
        vs,
        id,
        up: now.quorumUp,
        why: init && !lostByRemoval ? 'starting' : now.quorumUp ? 'gained' : 'lost',
        wasUp: before.quorumUp,
        weightSum: now.weightSum,
        fifoLine: false,
      });
    } else if (!before && init && (now.quorumUp || vs.sorryServer))
      out.push({
        kind: 'vs',
        vs,
        id,
        up: now.quorumUp,
        why: 'starting',
        wasUp: false,
        weightSum: now.weightSum,
        fifoLine: true,
      });
  }
  return out;
}

/** Real servers a reload took away while they were up, and virtual servers it took away. */
function removals(prevLvs: LvsConfig, prev: States, lvs: LvsConfig, next: States): LvsEvent[] {
  const out: LvsEvent[] = [];
  for (const vs of prevLvs.virtualServers) {
    const id = virtualServerId(vs);
    const was = prev.get(id);
    if (!was) continue;
    const now = next.get(id);
    const kept = lvs.virtualServers.some((v) => virtualServerId(v) === id);
    for (const rs of vs.realServers) {
      const rsId = realServerId(vs, rs);
      // Up but taken out for the sorry server: not in the kernel, nothing to remove.
      if (was.servers.get(rsId) !== true || was.sorryServerActive) continue;
      if (kept && now?.servers.has(rsId)) continue;
      out.push({ kind: 'rs', vs, rs, id, rsId, why: 'removing' });
    }
    if (!kept && was.quorumUp)
      out.push({
        kind: 'vs',
        vs,
        id,
        up: false,
        why: 'lost',
        wasUp: true,
        weightSum: 0,
        fifoLine: true,
      });
  }
  return out;
}

/** At stop, as keepalived's clear_services: only virtual servers with omega say anything. */
export function shutdownEvents(lvs: LvsConfig, states: States, flushOnStop: boolean): LvsEvent[] {
  const out: LvsEvent[] = [];
  for (const vs of lvs.virtualServers) {
    if (!vs.omega) continue;
    const id = virtualServerId(vs);
    const s = states.get(id);
    if (!s) continue;
    if (!flushOnStop)
      for (const rs of vs.realServers) {
        const rsId = realServerId(vs, rs);
        if (s.servers.get(rsId) === true && !s.sorryServerActive)
          out.push({ kind: 'rs', vs, rs, id, rsId, why: 'shutting-down' });
      }
    out.push({
      kind: 'vs',
      vs,
      id,
      up: false,
      why: 'shutting-down',
      wasUp: s.quorumUp,
      weightSum: 0,
      fifoLine: true,
    });
  }
  return out;
}
