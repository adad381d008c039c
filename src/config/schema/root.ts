/**
 * The top level of keepalived.conf: every install_keyword_root() keyword of
 * keepalived 2.2.7, with the value its header line takes, plus `include`.
 */
import { BFD_ROOT_KEYWORDS } from './bfd';
import { FLAG, OPT_WORD, UINT_MAX, WORD, impl, int, kw, sub, words } from './dsl';
import { GLOBAL_DEFS } from './global';
import { LVS_ROOT_KEYWORDS } from './lvs';
import type { BlockSpec } from './types';
import { VRRP_ROOT_KEYWORDS } from './vrrp';

export const ROOT: BlockSpec = {
  name: 'root',
  keywords: [
    impl('include', words(1), {
      repeatable: true,
      note: 'read by the preprocessor (preprocess.ts, include-check.ts)',
    }),
    impl('net_namespace', WORD, { note: 'runs in /var/run/netns/NAME; cannot change on reload' }),
    kw('net_namespace_ipvs', OPT_WORD, { note: 'no name: the default namespace' }),
    kw('namespace_with_ipsets', FLAG),
    impl('use_pid_dir', FLAG, { note: 'pid file in /run/keepalived/ (config/instance-naming.ts)' }),
    impl('instance', WORD, {
      note: 'pid file keepalived_NAME.pid, log ident _NAME; read at start only',
    }),
    impl('child_wait_time', int(0, UINT_MAX), {
      unit: 'seconds',
      default: 5,
      note: 'how long a stopping daemon waits for the checker process before SIGKILL',
    }),
    impl('linkbeat_use_polling', FLAG, {
      note: 'every interface the instances track is probed each second (MII, ethtool, flags)',
    }),
    // May be given more than once: the blocks are merged (not repeatable: one model block).
    sub('global_defs', FLAG, GLOBAL_DEFS, { implemented: true }),
    ...VRRP_ROOT_KEYWORDS,
    ...BFD_ROOT_KEYWORDS,
    ...LVS_ROOT_KEYWORDS,
  ],
};

/** Every block of the grammar, each once, depth first from ROOT. */
export function allBlocks(root: BlockSpec = ROOT): BlockSpec[] {
  const seen = new Set<BlockSpec>();
  const walk = (b: BlockSpec): void => {
    if (seen.has(b)) return;
    seen.add(b);
    for (const k of b.keywords) if (k.body?.kind === 'block') walk(k.body.block);
  };
  walk(root);
  return [...seen];
}
