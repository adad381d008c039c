/**
 * Which IPVS connection sync daemons run, after keepalived 2.2.7 (vrrp.c,
 * vrrp_daemon.c, vrrp_scheduler.c, check_daemon.c, ipvswrapper.c). Pure.
 *
 * - Following a VRRP instance (`lvs_sync_daemon IF VI`, or the old
 *   `lvs_sync_daemon_interface IF` inside the instance): one daemon at a time,
 *   `master` while the instance is MASTER, `backup` in every other state
 *   (BACKUP, FAULT, and at start before it is MASTER). Becoming MASTER stops
 *   the backup daemon and starts the master one; leaving MASTER (to BACKUP or
 *   FAULT) does the reverse. The sync id defaults to the instance's VRID.
 * - With no instance named, keepalived's checker process runs both daemons
 *   for as long as it runs, sync id 0.
 * - A named instance that does not exist clears the setting (with an error).
 * - At stop, the daemons halb runs are stopped.
 *
 * The plan is a diff against what the kernel lists (GET_DAEMON), so a pass is
 * idempotent and a daemon left by a crashed run is adopted or replaced.
 */
import type { SyncDaemonConfig } from './globals';
import type { SyncDaemon } from './types';

/** The daemon settings without the state, as resolved against the VRRP instances. */
export type SyncSettings = Omit<SyncDaemon, 'state'>;

export interface SyncPlan {
  readonly settings: SyncSettings;
  /** The instance whose state picks the daemon; undefined: master and backup both run. */
  readonly follow: string | undefined;
}

export type SyncOp =
  | { readonly op: 'stop'; readonly state: SyncDaemon['state'] }
  | { readonly op: 'start'; readonly daemon: SyncDaemon };

/** The config against the VRRP instances (name, VRID): a plan, or the problem that clears it. */
export function resolveSyncPlan(
  c: SyncDaemonConfig | undefined,
  instances: readonly { readonly name: string; readonly vrid: number }[],
): { plan?: SyncPlan; problem?: string } {
  if (!c) return {};
  let syncId = c.syncId ?? 0;
  if (c.instance !== undefined) {
    const inst = instances.find((i) => i.name === c.instance);
    if (!inst)
      return {
        problem: `Unable to find vrrp instance ${c.instance} for lvs_syncd - clearing lvs_syncd config`,
      };
    syncId = c.syncId ?? inst.vrid;
  }
  return {
    plan: {
      follow: c.instance,
      settings: {
        interface: c.interface,
        syncId,
        ...(c.maxLen !== undefined ? { maxLen: c.maxLen } : {}),
        ...(c.port !== undefined ? { port: c.port } : {}),
        ...(c.ttl !== undefined ? { ttl: c.ttl } : {}),
        ...(c.group !== undefined ? { group: c.group } : {}),
      },
    },
  };
}

/**
 * The daemons wanted: `role` is the followed instance's state ('master',
 * 'backup', 'fault', 'init'; undefined when it is not running), `stopping`
 * when halb stops.
 */
export function wantedSyncDaemons(
  plan: SyncPlan | undefined,
  role: string | undefined,
  stopping = false,
): SyncDaemon[] {
  if (!plan || stopping) return [];
  if (plan.follow === undefined)
    return [
      { state: 'master', ...plan.settings },
      { state: 'backup', ...plan.settings },
    ];
  return [{ state: role === 'master' ? 'master' : 'backup', ...plan.settings }];
}

/**
 * A running daemon is the wanted one when state, interface and sync id match
 * and every option the config gives matches (the kernel fills in its own
 * defaults for the others: maxlen from the MTU, port 8848, ttl 1, group 224.0.0.81).
 */
export function sameSyncDaemon(want: SyncDaemon, got: SyncDaemon): boolean {
  return (
    want.state === got.state &&
    want.interface === got.interface &&
    want.syncId === got.syncId &&
    (want.maxLen === undefined || want.maxLen === got.maxLen) &&
    (want.port === undefined || want.port === got.port) &&
    (want.ttl === undefined || want.ttl === got.ttl) &&
    (want.group === undefined || want.group === got.group)
  );
}

/** Stops first (what is running and not wanted as it is), then starts, as ipvs_syncd_master does. */
export function syncDaemonOps(
  wanted: readonly SyncDaemon[],
  running: readonly SyncDaemon[],
): SyncOp[] {
  const stops: SyncOp[] = running
    .filter((r) => !wanted.some((w) => sameSyncDaemon(w, r)))
    .map((r) => ({ op: 'stop', state: r.state }));
  const starts: SyncOp[] = wanted
    .filter((w) => !running.some((r) => sameSyncDaemon(w, r)))
    .map((w) => ({ op: 'start', daemon: w }));
  return [...stops, ...starts];
}
