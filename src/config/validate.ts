/**
 * Checks a block tree against the schema and builds the typed model in the
 * same walk. Every problem is reported (not just the first), each with its
 * position and the block it sits in: unknown keywords with a suggestion or
 * the block they belong in, legacy names with the name to use, values out of
 * range with the range, keywords the runtime does not implement yet.
 */
import type { Diagnostic, Position, Severity } from './diagnostics';

/** Says something about a model block (at the keyword when given): one diagnostic. */
export type BlockReport = (
  block: ModelBlock,
  keyword: string | undefined,
  severity: Severity,
  message: string,
) => void;
import { checkLine } from './lines';
import type { BlockSpec, KeywordSpec } from './schema/types';
import { closest } from './suggest';
import type { Statement } from './tree';
import { checkValue } from './values';

/** A block of the model: keyword -> typed value, sub-block(s) or list lines. */
export interface ModelBlock {
  /** Header arguments (`vrrp_instance VI_1` -> ['VI_1'], `virtual_server 192.0.2.1 80` -> [...]). */
  readonly $args?: readonly string[];
  readonly [keyword: string]: unknown;
}

interface Place {
  readonly pos: Position | undefined;
  readonly at: Map<string, Position>;
}

/**
 * Where each model block and its keywords were written: a hidden property of
 * the block (not enumerable, so not part of its keys, JSON or copies). Not a
 * WeakMap: with one entry per real server, a WeakMap made every young-space
 * garbage collection walk all its entries (most of the time of a 10,000-server load).
 */
const PLACE = Symbol('place');

function placeOf(block: object): Place | undefined {
  return (block as { [PLACE]?: Place })[PLACE];
}

/** Where a line of a list block (track_script { ... } and the like) was written. */
const LINE_PLACE = Symbol('line-place');

export function positionOfLine(line: readonly string[]): Position | undefined {
  return (line as { [LINE_PLACE]?: Position })[LINE_PLACE];
}

export function positionOf(block: ModelBlock, keyword?: string): Position | undefined {
  const p = placeOf(block);
  return keyword === undefined ? p?.pos : p?.at.get(keyword);
}

function place(target: object, pos: Position | undefined, at: Map<string, Position>): void {
  Object.defineProperty(target, PLACE, { value: { pos, at }, configurable: true });
}

export interface Resolved {
  readonly model: ModelBlock;
  readonly diagnostics: Diagnostic[];
}

/** Keywords of older keepalived versions that 2.2 no longer knows, with what to do instead. */
const REMOVED: Readonly<Record<string, string>> = {
  nat_mask: "it was removed from keepalived (LVS takes the real server's netmask); delete the line",
  lvs_sync_daemon_inteface:
    "this misspelling was removed; use 'lvs_sync_daemon IF INSTANCE' in global_defs",
};

/** Where each keyword name is valid: for "belongs in ..." messages. */
function indexHomes(root: BlockSpec): Map<string, Set<string>> {
  const homes = new Map<string, Set<string>>();
  const seen = new Set<BlockSpec>();
  const walk = (b: BlockSpec): void => {
    if (seen.has(b)) return;
    seen.add(b);
    for (const k of b.keywords) {
      if (!homes.has(k.name)) homes.set(k.name, new Set());
      homes.get(k.name)?.add(b.name);
      if (k.body?.kind === 'block') walk(k.body.block);
    }
  };
  walk(root);
  return homes;
}

const keywordMaps = new WeakMap<BlockSpec, Map<string, KeywordSpec>>();

function keywordsOf(spec: BlockSpec): Map<string, KeywordSpec> {
  let m = keywordMaps.get(spec);
  if (!m) {
    m = new Map(spec.keywords.map((k) => [k.name, k]));
    keywordMaps.set(spec, m);
  }
  return m;
}

/** Typo suggestions already worked out, by block and word (a generated config repeats them). */
const suggestions = new Map<string, string | undefined>();

const homeCache = new WeakMap<BlockSpec, Map<string, Set<string>>>();

export function resolve(statements: readonly Statement[], root: BlockSpec): Resolved {
  let homes = homeCache.get(root);
  if (!homes) {
    homes = indexHomes(root);
    homeCache.set(root, homes);
  }
  const diagnostics: Diagnostic[] = [];
  const model = resolveBlock(statements, root, 'the top level', diagnostics, homes, undefined, []);
  return { model, diagnostics };
}

/** `vrrp_instance NAME { ... }`, `virtual_server_group NAME { ... }`: kept as a map by name. */
export function isNamedBlock(k: KeywordSpec): boolean {
  return k.body !== undefined && k.value.kind === 'word' && !k.value.optional;
}

function describe(where: string): string {
  return where === 'the top level' ? 'at the top level' : `in ${where}`;
}

function resolveBlock(
  statements: readonly Statement[],
  spec: BlockSpec,
  where: string,
  out: Diagnostic[],
  homes: Map<string, Set<string>>,
  pos: Position | undefined,
  headerArgs: readonly string[],
): ModelBlock {
  // Header arguments first, as `{ $args, ...block }` would put them.
  const model: Record<string, unknown> = headerArgs.length > 0 ? { $args: [...headerArgs] } : {};
  const at = new Map<string, Position>();
  place(model, pos, at);
  const seen = new Map<string, Position>();
  const byName = keywordsOf(spec);
  const report = (pos: Position, severity: Severity, message: string): void =>
    void out.push({ pos, severity, message });

  for (const s of statements) {
    const kw = byName.get(s.keyword);
    if (!kw) {
      const elsewhere = homes.get(s.keyword);
      if (elsewhere && elsewhere.size > 0) {
        const list = [...elsewhere].map((b) => (b === 'root' ? 'the top level' : b)).join(' or ');
        report(
          s.pos,
          'error',
          `'${s.keyword}' does not belong ${describe(where)}; it belongs in ${list}`,
        );
      } else if (REMOVED[s.keyword]) {
        report(
          s.pos,
          'error',
          `unknown keyword '${s.keyword}' ${describe(where)}; ${REMOVED[s.keyword]}`,
        );
      } else {
        const memo = `${spec.name}\0${s.keyword}`;
        const guess = suggestions.has(memo)
          ? suggestions.get(memo)
          : closest(s.keyword, byName.keys());
        if (suggestions.size > 10000) suggestions.clear();
        suggestions.set(memo, guess);
        report(
          s.pos,
          'error',
          `unknown keyword '${s.keyword}' ${describe(where)}${guess ? `; did you mean '${guess}'?` : ''}`,
        );
      }
      continue;
    }
    // A legacy name is stored under the keyword it stands for, when that is in this block.
    const name = kw.deprecatedFor && !kw.deprecatedForBlock ? kw.deprecatedFor : kw.name;
    if (kw.deprecatedFor)
      report(
        s.pos,
        'warning',
        `'${kw.name}' is deprecated; use '${kw.deprecatedFor}' (accepted as its synonym)`,
      );
    if (!kw.implemented && !kw.noop && !kw.deprecatedFor) {
      report(
        s.pos,
        'warning',
        `'${kw.name}' ${describe(where)} is accepted but not implemented by halb yet; it has no effect`,
      );
    }
    const checked = withDefault(kw, checkValue(kw.name, kw.value, s.args, kw.unit), s.args);
    if (!checked.ok) {
      report(s.argPos[checked.arg] ?? s.pos, 'error', `${checked.message} (${describe(where)})`);
      at.set(name, s.pos); // given, though wrong: later checks must not call it missing
      continue;
    }
    if (kw.body && s.block === undefined) {
      report(s.pos, 'error', `'${kw.name}' needs a block: add '{' ... '}' after it`);
      continue;
    }
    if (!kw.body && s.block !== undefined) {
      report(s.pos, 'error', `'${kw.name}' takes no block; remove the braces after it`);
      continue;
    }
    let value: unknown = checked.value;
    if (kw.body?.kind === 'block') {
      const label = s.args.length > 0 ? `${kw.name} ${s.args.join(' ')}` : kw.name;
      value = resolveBlock(
        s.block ?? [],
        kw.body.block,
        label,
        out,
        homes,
        s.pos,
        isNamedBlock(kw) ? [] : s.args,
      );
    } else if (kw.body?.kind === 'lines') {
      const lines: string[][] = [];
      for (const entry of s.block ?? []) {
        if (entry.block !== undefined) {
          report(entry.pos, 'error', `'${entry.keyword}' in ${kw.name} takes no block`);
          continue;
        }
        const words = [entry.keyword, ...entry.args];
        const problem = checkLine(kw.body.line, words);
        if (problem) {
          const pos =
            problem.word === 0 ? entry.pos : (entry.argPos[problem.word - 1] ?? entry.pos);
          report(pos, 'error', `${problem.message} (in ${kw.name} of ${where})`);
          continue;
        }
        Object.defineProperty(words, LINE_PLACE, { value: entry.pos });
        lines.push(words);
      }
      value = lines;
    }
    if (isNamedBlock(kw)) {
      const map = (model[name] ??= {}) as Record<string, unknown>;
      const key = s.args[0] as string;
      if (key in map)
        report(
          s.pos,
          'error',
          `${kw.name} '${key}' is defined twice ${describe(where)}; rename one`,
        );
      else map[key] = value;
      continue;
    }
    if (kw.body?.kind === 'lines' && !isNamedBlock(kw)) {
      // A list block given twice is one list, as keepalived reads it.
      model[name] = [...((model[name] as unknown[] | undefined) ?? []), ...(value as unknown[])];
    } else if (kw.repeatable || kw.body?.kind === 'block') {
      if (kw.body?.kind === 'block' && kw.value.kind === 'flag' && !kw.repeatable) {
        // Header-less blocks (global_defs, authentication...) given twice are merged, as keepalived does.
        const merged = { ...((model[name] as object | undefined) ?? {}), ...(value as object) };
        place(merged, s.pos, positionsOf(value as object));
        model[name] = merged;
      } else {
        ((model[name] ??= []) as unknown[]).push(value);
      }
    } else {
      if (seen.has(name)) {
        const first = seen.get(name) as Position;
        report(
          s.pos,
          'warning',
          `'${kw.name}' given again ${describe(where)} (first at line ${first.line}); the last one wins`,
        );
      }
      model[name] = value;
    }
    seen.set(name, s.pos);
    at.set(name, s.pos);
  }
  return model;
}

/** A keyword given without its optional value takes keepalived's default (persistence_timeout -> 360). */
function withDefault(
  kw: KeywordSpec,
  checked: ReturnType<typeof checkValue>,
  args: readonly string[],
): ReturnType<typeof checkValue> {
  if (!checked.ok || args.length > 0 || kw.default === undefined) return checked;
  if (kw.value.kind === 'int' || kw.value.kind === 'number')
    return { ok: true, value: Number(kw.default) };
  return checked;
}

function positionsOf(block: object): Map<string, Position> {
  return placeOf(block)?.at ?? new Map();
}
