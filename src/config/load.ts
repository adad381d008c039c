/**
 * Loading a keepalived.conf as far as this build understands it: the block
 * structure with positions, and the root-level keywords keepalived 2.2 knows.
 * The typed model and per-block keyword checks grow from here (issue #3).
 */
import * as os from 'node:os';
import type { Diagnostic } from './diagnostics';
import { preprocess } from './preprocess';
import { parseTree, type Statement } from './tree';

/** Root-level keywords of keepalived 2.2 (install_keyword_root). */
export const ROOT_KEYWORDS: readonly string[] = [
  'net_namespace',
  'net_namespace_ipvs',
  'namespace_with_ipsets',
  'use_pid_dir',
  'instance',
  'child_wait_time',
  'linkbeat_use_polling',
  'global_defs',
  'track_group',
  'static_ipaddress',
  'static_routes',
  'static_rules',
  'vrrp_sync_group',
  'garp_group',
  'linkbeat_interfaces',
  'vrrp_instance',
  'vrrp_script',
  'vrrp_track_process',
  'interface_up_down_delays',
  'track_file',
  'vrrp_track_file',
  'bfd_instance',
  'SSL',
  'virtual_server_group',
  'virtual_server',
  'include',
];

export interface LoadedConfig {
  readonly file: string;
  readonly statements: readonly Statement[];
  readonly diagnostics: readonly Diagnostic[];
  readonly missing: boolean;
}

export function checkRoot(statements: readonly Statement[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const s of statements) {
    if (s.keyword.startsWith('@') || s.keyword.startsWith('$')) continue;
    if (s.keyword === 'include') {
      out.push({
        pos: s.pos,
        severity: 'warning',
        message: `include '${s.args.join(' ')}' is not followed yet by this build`,
      });
    } else if (!ROOT_KEYWORDS.includes(s.keyword)) {
      out.push({
        pos: s.pos,
        severity: 'error',
        message: `unknown top-level keyword '${s.keyword}'`,
      });
    }
  }
  return out;
}

export interface LoadOptions {
  /** keepalived -i; default: the first label of the host name. */
  readonly configId?: string;
  /** keepalived -e: missing files are errors. */
  readonly allConfig?: boolean;
}

export function defaultConfigId(): string {
  return os.hostname().split('.')[0] ?? '';
}

export function loadConfig(file: string, opts: LoadOptions = {}): LoadedConfig {
  const pre = preprocess(file, { configId: opts.configId ?? defaultConfigId(), allConfig: opts.allConfig });
  const missing = pre.files.length === 0;
  const tree = parseTree(pre.lines);
  return {
    file,
    statements: tree.statements,
    missing,
    diagnostics: [...pre.diagnostics, ...tree.diagnostics, ...(missing ? [] : checkRoot(tree.statements))],
  };
}
