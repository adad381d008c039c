/**
 * global_defs' IPVS settings: `lvs_timeouts [tcp S] [tcpfin S] [udp S]` and
 * `lvs_sync_daemon IF [[inst] VI] [id N] [maxlen N] [port N] [ttl N] [group IP]`,
 * with keepalived's defaults (syncid: the followed instance's VRID, else 0;
 * port 8848 and group 224.0.0.81 are the kernel's own when not sent). Which
 * daemons run when is sync-plan.ts. Pure.
 */
import { str, words } from '../config/access';
import type { ModelBlock } from '../config/validate';
import type { Timeouts } from './types';

/** Seconds the config gives; absent ones are 0, which the kernel reads as "leave as is". */
export function timeoutsOf(words: readonly string[] | undefined): Timeouts | undefined {
  if (!words || words.length === 0) return undefined;
  const t = { tcpS: 0, tcpFinS: 0, udpS: 0 };
  for (let i = 0; i + 1 < words.length; i += 2) {
    const v = Number(words[i + 1]);
    if (words[i] === 'tcp') t.tcpS = v;
    else if (words[i] === 'tcpfin') t.tcpFinS = v;
    else if (words[i] === 'udp') t.udpS = v;
  }
  return t;
}

export interface SyncDaemonConfig {
  readonly interface: string;
  /** The VRRP instance whose state the daemon follows; none: both daemons run (keepalived's checker). */
  readonly instance: string | undefined;
  /** Unset: the instance's VRID, or 0 without an instance (keepalived's default). */
  readonly syncId?: number;
  readonly maxLen?: number;
  readonly port?: number;
  readonly ttl?: number;
  readonly group?: string;
}

/**
 * `lvs_sync_daemon IF [[inst] VI] [id N] [maxlen N] [port N] [ttl N] [group IP]`,
 * also the old positional `IF VI SYNCID` (global_parser.c lvs_syncd_handler).
 */
export function syncDaemonOf(words: readonly string[] | undefined): SyncDaemonConfig | undefined {
  if (!words || words.length === 0) return undefined;
  const out: {
    interface: string;
    instance: string | undefined;
    syncId?: number;
    maxLen?: number;
    port?: number;
    ttl?: number;
    group?: string;
  } = { interface: words[0] as string, instance: undefined };
  const NUMERIC = { id: 'syncId', maxlen: 'maxLen', port: 'port', ttl: 'ttl' } as const;
  for (let i = 1; i < words.length; i++) {
    const w = words[i] as string;
    const v = words[i + 1];
    if (v !== undefined && (w === 'inst' || w === 'group' || w in NUMERIC)) {
      if (w === 'inst') out.instance = v;
      else if (w === 'group') out.group = v;
      else out[NUMERIC[w as keyof typeof NUMERIC]] = Number(v);
      i++;
    } else if (i === 1 && out.instance === undefined) out.instance = w;
    else if (i === 2 && /^\d+$/.test(w)) out.syncId = Number(w);
  }
  return out;
}

/**
 * The sync daemon a loaded config asks for: global_defs' `lvs_sync_daemon`,
 * else the old `lvs_sync_daemon_interface IF` inside a vrrp_instance (which
 * follows that instance).
 */
export function syncDaemonConfigOf(root: ModelBlock): SyncDaemonConfig | undefined {
  const own = syncDaemonOf(words(root.global_defs as ModelBlock | undefined, 'lvs_sync_daemon'));
  if (own) return own;
  for (const [name, vi] of Object.entries(
    (root.vrrp_instance ?? {}) as Record<string, ModelBlock>,
  )) {
    const ifname = str(vi, 'lvs_sync_daemon_interface');
    if (ifname) return { interface: ifname, instance: name };
  }
  return undefined;
}
