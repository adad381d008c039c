/**
 * Seeded mutations of a keepalived.conf for the differential test: drop a
 * brace, misspell a keyword, put a value out of its range, move a keyword to
 * another block. Pure: text in, mutated text and a description out.
 */
import { preprocessSource } from '../../src/config/preprocess';
import { ROOT } from '../../src/config/schema/root';
import type { BlockSpec, KeywordSpec } from '../../src/config/schema/types';
import { parseTree, type Statement } from '../../src/config/tree';

export type MutationKind = 'drop-brace' | 'misspell' | 'out-of-range' | 'move-keyword';

export interface Mutation {
  readonly kind: MutationKind;
  readonly description: string;
  readonly text: string;
}

/** mulberry32: small, seeded, good enough to pick lines. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Located {
  readonly s: Statement;
  readonly spec: KeywordSpec | undefined;
  readonly parent: Statement | undefined;
}

function walk(
  statements: readonly Statement[],
  block: BlockSpec | undefined,
  parent: Statement | undefined,
  out: Located[],
): void {
  for (const s of statements) {
    const spec = block?.keywords.find((k) => k.name === s.keyword);
    out.push({ s, spec, parent });
    if (s.block) walk(s.block, spec?.body?.kind === 'block' ? spec.body.block : undefined, s, out);
  }
}

function pick<T>(r: () => number, xs: readonly T[]): T | undefined {
  return xs.length === 0 ? undefined : xs[Math.floor(r() * xs.length)];
}

export function mutate(
  file: string,
  text: string,
  kind: MutationKind,
  seed: number,
): Mutation | undefined {
  const r = rng(seed);
  const lines = text.split('\n');
  const pre = preprocessSource(file, text, { configId: 'none' });
  const located: Located[] = [];
  walk(parseTree(pre.lines).statements, ROOT, undefined, located);
  const own = located.filter(
    (l) => l.s.pos.file.endsWith(file.replace(/^.*\//, '')) && l.s.pos.line > 0,
  );
  const setLine = (i: number, v: string | undefined): string => {
    const copy = [...lines];
    if (v === undefined) copy.splice(i, 1);
    else copy[i] = v;
    return copy.join('\n');
  };
  switch (kind) {
    case 'drop-brace': {
      const candidates = lines
        .map((l, i) => [l, i] as const)
        .filter(([l]) => /^[^!#]*[{}]/.test(l));
      const hit = pick(r, candidates);
      if (!hit) return undefined;
      const [line, i] = hit;
      const which = r() < 0.5 && line.includes('}') ? '}' : line.includes('{') ? '{' : '}';
      const at = line.indexOf(which);
      return {
        kind,
        description: `line ${i + 1}: dropped '${which}'`,
        text: setLine(i, line.slice(0, at) + line.slice(at + 1)),
      };
    }
    case 'misspell': {
      const target = pick(
        r,
        own.filter((l) => l.spec !== undefined && l.s.keyword.length > 3),
      );
      if (!target) return undefined;
      const { line, col } = target.s.pos;
      const kw = target.s.keyword;
      const j = 1 + Math.floor(r() * (kw.length - 2));
      const variants = [
        kw.slice(0, j) + kw.slice(j + 1),
        kw.slice(0, j) + kw[j + 1] + kw[j] + kw.slice(j + 2),
        kw.slice(0, j) + kw[j] + kw.slice(j),
      ];
      const typo = variants[Math.floor(r() * variants.length)] as string;
      if (typo === kw) return undefined;
      const src = lines[line - 1] as string;
      return {
        kind,
        description: `line ${line}: '${kw}' misspelt '${typo}'`,
        text: setLine(line - 1, src.slice(0, col - 1) + typo + src.slice(col - 1 + kw.length)),
      };
    }
    case 'out-of-range': {
      const target = pick(
        r,
        own.filter(
          (l) =>
            (l.spec?.value.kind === 'int' || l.spec?.value.kind === 'number') &&
            l.s.args.length >= 1 &&
            !l.spec.deprecatedFor,
        ),
      );
      if (!target || !target.spec) return undefined;
      const v = target.spec.value as { min: number; max: number };
      const bad =
        r() < 0.5 && v.max < 1e9
          ? String(v.max + 1)
          : v.min > -1e9
            ? String(v.min - 1)
            : String(v.max + 1);
      const { line } = target.s.argPos[0] ?? target.s.pos;
      const col = (target.s.argPos[0] ?? target.s.pos).col;
      const src = lines[line - 1] as string;
      const old = target.s.args[0] as string;
      if (src.slice(col - 1, col - 1 + old.length) !== old) return undefined;
      return {
        kind,
        description: `line ${line}: ${target.s.keyword} ${old} -> ${bad}`,
        text: setLine(line - 1, src.slice(0, col - 1) + bad + src.slice(col - 1 + old.length)),
      };
    }
    case 'move-keyword': {
      const leaf = pick(
        r,
        own.filter(
          (l) =>
            l.s.block === undefined &&
            l.spec !== undefined &&
            l.parent !== undefined &&
            l.s.pos.line === l.s.argPos[l.s.argPos.length - 1]?.line,
        ),
      );
      if (!leaf) return undefined;
      const hosts = own.filter(
        (l) =>
          l.s.block !== undefined &&
          l.spec?.body?.kind === 'block' &&
          l.s !== leaf.parent &&
          l.s.pos.line !== leaf.s.pos.line,
      );
      const dest = pick(r, hosts);
      if (!dest) return undefined;
      const from = leaf.s.pos.line - 1;
      const moved = (lines[from] as string).trim();
      const copy = [...lines];
      copy.splice(from, 1);
      const destLine = dest.s.pos.line - 1 - (dest.s.pos.line - 1 > from ? 1 : 0);
      if (!(copy[destLine] ?? '').includes('{')) return undefined;
      copy.splice(destLine + 1, 0, `    ${moved}`);
      return {
        kind,
        description: `'${leaf.s.keyword}' moved from ${leaf.parent?.keyword} into ${dest.s.keyword}`,
        text: copy.join('\n'),
      };
    }
  }
}
