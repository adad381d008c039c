/**
 * global_defs' IPVS settings: `lvs_timeouts [tcp S] [tcpfin S] [udp S]` and
 * `lvs_sync_daemon IF [[inst] VI] [id N] [maxlen N] [port N] [ttl N] [group IP]`,
 * with keepalived's defaults (syncid 0, port 8848 and group 224.0.0.81 are the
 * kernel's own when not sent). Pure.
 */
import type { SyncDaemon, Timeouts } from './types';

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
  /** The VRRP instance whose state the daemon follows (MASTER -> master, else backup). */
  readonly instance: string | undefined;
  readonly syncId: number;
  readonly maxLen?: number;
  readonly port?: number;
  readonly ttl?: number;
  readonly group?: string;
}

export function syncDaemonOf(words: readonly string[] | undefined): SyncDaemonConfig | undefined {
  if (!words || words.length === 0) return undefined;
  const out: {
    interface: string;
    instance: string | undefined;
    syncId: number;
    maxLen?: number;
    port?: number;
    ttl?: number;
    group?: string;
  } = { interface: words[0] as string, instance: undefined, syncId: 0 };
  const NUMERIC = { id: 'syncId', maxlen: 'maxLen', port: 'port', ttl: 'ttl' } as const;
  for (let i = 1; i < words.length; i++) {
    const w = words[i] as string;
    const v = words[i + 1];
    if (v !== undefined && (w === 'inst' || w === 'group' || w in NUMERIC)) {
      if (w === 'inst') out.instance = v;
      else if (w === 'group') out.group = v;
      else out[NUMERIC[w as keyof typeof NUMERIC]] = Number(v);
      i++;
    } else if (out.instance === undefined) out.instance = w;
  }
  return out;
}

/** The daemon to run for a VRRP state: master while MASTER, backup otherwise (keepalived's rule). */
export function syncDaemonFor(c: SyncDaemonConfig, vrrpMaster: boolean): SyncDaemon {
  return {
    state: vrrpMaster ? 'master' : 'backup',
    interface: c.interface,
    syncId: c.syncId,
    ...(c.maxLen !== undefined ? { maxLen: c.maxLen } : {}),
    ...(c.port !== undefined ? { port: c.port } : {}),
    ...(c.ttl !== undefined ? { ttl: c.ttl } : {}),
    ...(c.group !== undefined ? { group: c.group } : {}),
  };
}
