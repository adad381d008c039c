/**
 * Everything the checker process needs from a loaded config, as plain data
 * (it travels to the child as one JSON line): the virtual servers, the
 * track_files FILE_CHECK reads, and who scripts run as.
 */
import { lvsConfig, type LvsConfig } from '../config/lvs-config';
import type { ModelBlock } from '../config/validate';
import { vrrpConfig } from '../config/vrrp-config';

export interface TrackFileRef {
  readonly file: string;
  readonly weight: number;
  readonly reverse: boolean;
}

/** The top-level `SSL { }` block: SSL_GET's client context (files read by the checker process). */
export interface SslFiles {
  readonly certificate?: string;
  readonly key?: string;
  readonly password?: string;
  readonly ca?: string;
}

export interface CheckerSetup {
  readonly lvs: LvsConfig;
  readonly trackFiles: Readonly<Record<string, TrackFileRef>>;
  readonly scriptUser: readonly string[] | undefined;
  readonly scriptSecurity: boolean;
  readonly ssl?: SslFiles;
}

function sslFiles(b: ModelBlock | undefined): SslFiles | undefined {
  if (!b) return undefined;
  const out: Record<string, string> = {};
  for (const k of ['certificate', 'key', 'password', 'ca'] as const)
    if (typeof b[k] === 'string') out[k] = b[k];
  return out;
}

export function checkerSetup(root: ModelBlock): CheckerSetup {
  const v = vrrpConfig(root);
  const trackFiles: Record<string, TrackFileRef> = {};
  for (const t of v.trackFiles)
    trackFiles[t.name] = { file: t.file, weight: t.weight, reverse: t.reverse };
  return {
    lvs: lvsConfig(root),
    trackFiles,
    scriptUser: v.globals.scriptUser,
    scriptSecurity: v.globals.scriptSecurity,
    ...(root.SSL ? { ssl: sslFiles(root.SSL as ModelBlock) } : {}),
  };
}

/** How many checkers a setup runs. */
export function checkerCount(s: CheckerSetup): number {
  return s.lvs.virtualServers.reduce(
    (n, vs) => n + vs.realServers.reduce((m, rs) => m + rs.checkers.length, 0),
    0,
  );
}
