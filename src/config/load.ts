/**
 * Loading a keepalived.conf: preprocess (includes, conditionals, parameters),
 * block structure, schema check and typed model, cross-block checks. All
 * diagnostics of one run come back together, sorted by place.
 */
import { readGroup, readPasswd } from '../vrrp/script-security';
import * as fs from 'node:fs';
import { halbSys } from '../platform/halb-sys';
import { GlibcRandom } from './glibc-random';
import * as os from 'node:os';
import type { Diagnostic } from './diagnostics';
import { readSecretFile } from './hmac-keys';
import { preprocess } from './preprocess';
import { ROOT } from './schema/root';
import { checkSemantics, type HostFacts } from './semantics';
import { TreeBuilder, type Statement } from './tree';
import { resolve, type ModelBlock } from './validate';

export interface LoadedConfig {
  readonly file: string;
  readonly files: readonly string[];
  readonly statements: readonly Statement[];
  readonly model: ModelBlock;
  readonly diagnostics: readonly Diagnostic[];
  readonly missing: boolean;
}

export interface LoadOptions {
  /** keepalived -i; default: the first label of the host name. */
  readonly configId?: string;
  /** keepalived -e: missing files are errors. */
  readonly allConfig?: boolean;
  /** Check interfaces and script files against this machine (as keepalived -t does on the box). */
  readonly host?: HostFacts;
}

export function defaultConfigId(): string {
  return os.hostname().split('.')[0] ?? '';
}

/** What this machine has, for the on-the-box checks. */
export function localHostFacts(): HostFacts {
  let interfaces: Set<string> | undefined;
  try {
    // if_nameindex answers for this process's namespace (net_namespace); sysfs for the one it was mounted in.
    interfaces = new Set(halbSys().ifNames());
  } catch {
    try {
      interfaces = new Set(fs.readdirSync('/sys/class/net'));
    } catch {
      interfaces = undefined;
    }
  }
  let users: Set<string> | undefined;
  let groups: Set<string> | undefined;
  return {
    interfaces,
    fileExists: (p) => fs.existsSync(p),
    readSecret: readSecretFile,
    userExists: (name) => (users ??= new Set(readPasswd().map((e) => e.name))).has(name),
    groupExists: (name) => (groups ??= new Set(readGroup().map((e) => e.name))).has(name),
  };
}

export function loadConfig(file: string, opts: LoadOptions = {}): LoadedConfig {
  const read = (random?: () => number) => {
    const builder = new TreeBuilder();
    const pre = preprocess(
      file,
      {
        configId: opts.configId ?? defaultConfigId(),
        allConfig: opts.allConfig,
        ...(random ? { random } : {}),
      },
      (line) => builder.add(line),
    );
    const tree = builder.finish();
    return { pre, tree, resolved: resolve(tree.statements, ROOT) };
  };
  let { pre, tree, resolved } = read();
  // random_seed: keepalived's processes read the config seeded (its parent seeds the next
  // read); here a config that expanded ${_RANDOM} is read again with glibc's generator seeded.
  const seed = (resolved.model.global_defs as ModelBlock | undefined)?.random_seed;
  if (pre.usedRandom && typeof seed === 'number') {
    const g = new GlibcRandom(seed);
    ({ pre, tree, resolved } = read(() => g.next()));
  }
  const missing = pre.files.length === 0;
  const semantic = missing ? [] : checkSemantics(resolved.model, opts.host ?? {});
  const order = new Map(pre.files.map((f, i) => [f, i]));
  const diagnostics = [
    ...pre.diagnostics,
    ...tree.diagnostics,
    ...resolved.diagnostics,
    ...semantic,
  ].sort(
    (a, b) =>
      (order.get(a.pos.file) ?? -1) - (order.get(b.pos.file) ?? -1) ||
      a.pos.line - b.pos.line ||
      a.pos.col - b.pos.col,
  );
  return {
    file,
    files: pre.files,
    statements: tree.statements,
    model: resolved.model,
    missing,
    diagnostics,
  };
}
