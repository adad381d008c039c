/**
 * keepalived.conf before blocks: physical lines become logical lines of
 * words, in keepalived's order — comments, continuation, `include` (globs,
 * relative to the including file), `@id` / `@^id` conditional lines,
 * `$NAME=value` definitions (multi-line with `\`), `$NAME` / `${NAME}`
 * expansion with the predefined `_PWD _INSTANCE _HASH _BANG _RANDOM` (and
 * keepalived 2.4's `${_ENV NAME}`, for auth_hmac's credential files), and
 * `~SEQ` / `~SEQx` / `~LST` line repetition. Every word keeps the file, line
 * and column it came from, through includes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GlibcRandom } from './glibc-random';
import type { Diagnostic, Position } from './diagnostics';
import { globLikeGlibc } from './glob';
import {
  ALL,
  applyIncludeCheck,
  fileFinding,
  type Finding,
  INCLUDE_KEYWORDS,
  includeType,
  judgeGlob,
} from './include-check';
import { forEachWord, stripComment } from './words';

export interface Word {
  readonly text: string;
  readonly quoted: boolean;
  readonly pos: Position;
}

export interface Line {
  readonly words: readonly Word[];
  readonly pos: Position;
}

export interface PreprocessOptions {
  /** `@id` lines are kept when id equals this (keepalived: -i, else the hostname's first label). */
  readonly configId: string;
  /** Every include check is on from the start (keepalived -e: as `include_check` with no option). */
  readonly allConfig?: boolean;
  readonly readFile?: (file: string) => string;
  /**
   * ${_RANDOM}'s generator, glibc random()'s range (0 .. 2^31 - 1): keepalived's
   * `random() % (max - min + 1) + min`. Seeded by the time, as keepalived's, unless given.
   */
  readonly random?: () => number;
  /** `${_ENV NAME}`'s environment; process.env when absent. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface Preprocessed {
  readonly lines: Line[];
  readonly diagnostics: Diagnostic[];
  /** Every file read, in order. */
  readonly files: string[];
  /** ${_RANDOM} was expanded (a random_seed then means reading it again, seeded). */
  usedRandom?: boolean;
}

const NAME = '[A-Za-z_][A-Za-z0-9_]*';
const DEF_RE = new RegExp(`^\\s*\\$(${NAME})=(.*)$`);
const USE_RE = new RegExp(`\\$\\{(${NAME})(?:\\s+([^}]*))?\\}|\\$(${NAME})(?=\\s|$)`, 'g');
const LOOP_RE = /~(SEQx?|LST)\(/;
const CONTINUED_RE = /\\\s*$/;
const BLANK_RE = /^\s*$/;
const MAX_INCLUDE_DEPTH = 32;
const MAX_EXPANSION_DEPTH = 32;
/** A config that expands beyond this is refused (10,000 real servers is ~100,000 lines). */
const MAX_LINES = 1_000_000;

interface Ctx {
  readonly opts: PreprocessOptions;
  readonly defs: Map<string, string[]>;
  readonly out: Preprocessed;
  readonly stack: string[];
  readonly onLine: ((line: Line) => void) | undefined;
  lineCount: number;
  truncated: boolean;
  /** keepalived's include_check: the checks every include gets on top of its own (include-check.ts). */
  includeCheck: number;
  /** The default ${_RANDOM} generator, made at its first use. */
  random?: () => number;
}

function timeSeeded(): () => number {
  const g = new GlibcRandom(Math.floor(Date.now() / 1000));
  return () => g.next();
}

/**
 * With `onLine`, each logical line goes there as it is made and `lines` stays
 * empty: a big config's lines then die young instead of all living until the
 * end (loadConfig builds the tree this way).
 */
export function preprocess(
  file: string,
  opts: PreprocessOptions,
  onLine?: (line: Line) => void,
): Preprocessed {
  const ctx: Ctx = {
    opts,
    defs: new Map(),
    out: { lines: [], diagnostics: [], files: [] },
    stack: [],
    onLine,
    lineCount: 0,
    truncated: false,
    includeCheck: opts.allConfig ? ALL : 0,
  };
  processFile(path.resolve(file), ctx, undefined);
  return ctx.out;
}

/** For tests and `halb check -` : a source string under a given name. */
export function preprocessSource(
  file: string,
  source: string,
  opts: PreprocessOptions,
): Preprocessed {
  const readFile = (f: string): string =>
    f === path.resolve(file) ? source : (opts.readFile ?? readUtf8)(f);
  return preprocess(file, { ...opts, readFile });
}

function readUtf8(f: string): string {
  return fs.readFileSync(f, 'utf8');
}

function diag(ctx: Ctx, pos: Position, severity: Diagnostic['severity'], message: string): void {
  ctx.out.diagnostics.push({ pos, severity, message });
}

function processFile(file: string, ctx: Ctx, from: Position | undefined): void {
  const at = from ?? { file, line: 0, col: 0 };
  if (ctx.stack.includes(file)) {
    diag(
      ctx,
      at,
      'error',
      `include loop: ${file} includes itself (via ${ctx.stack.map((f) => path.basename(f)).join(' -> ')})`,
    );
    return;
  }
  if (ctx.stack.length >= MAX_INCLUDE_DEPTH) {
    diag(ctx, at, 'error', `includes nested more than ${MAX_INCLUDE_DEPTH} deep`);
    return;
  }
  let source: string;
  try {
    source = (ctx.opts.readFile ?? readUtf8)(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    diag(ctx, at, 'error', `cannot read ${file} (${code})`);
    return;
  }
  ctx.out.files.push(file);
  ctx.stack.push(file);
  const checksAtStart = ctx.includeCheck;
  const physical = source.split(/\r?\n/);
  for (let i = 0; i < physical.length; i++) {
    const lineNo = i + 1;
    const first = stripComment(physical[i] as string);
    if (first.unmatchedQuote >= 0) {
      diag(
        ctx,
        { file, line: lineNo, col: first.unmatchedQuote + 1 },
        'error',
        'unmatched quote; close it on the same line',
      );
    }
    let text = first.text;
    const def = text.includes('$') ? DEF_RE.exec(text) : null;
    if (def) {
      // A definition's continuation lines stay separate lines of its value.
      const value = [def[2] as string];
      while (continues(value[value.length - 1] as string) && i + 1 < physical.length) {
        value[value.length - 1] = (value[value.length - 1] as string).replace(/\\\s*$/, '');
        value.push(stripComment(physical[++i] as string).text);
      }
      ctx.defs.set(
        def[1] as string,
        value.map((v) => v.trimEnd()),
      );
      continue;
    }
    let pos: (offset: number) => Position = (offset) => ({ file, line: lineNo, col: offset + 1 });
    if (continues(text) && i + 1 < physical.length) {
      // Where each physical line starts in the joined text, for the words' positions.
      const segments = [{ start: 0, line: lineNo, colBase: 0 }];
      while (continues(text) && i + 1 < physical.length) {
        text = text.replace(/\\\s*$/, ' ');
        const next = stripComment(physical[++i] as string).text;
        segments.push({ start: text.length, line: i + 1, colBase: text.length });
        text += next;
      }
      pos = (offset) => {
        let seg = segments[0] as (typeof segments)[number];
        for (const s of segments) if (s.start <= offset) seg = s;
        return { file, line: seg.line, col: offset - seg.colBase + 1 };
      };
    }
    if (isBlank(text)) continue;
    const head = text.includes('include') ? /^\s*(include[a-z]?)[ \t]+(.*)$/.exec(text) : null;
    if (head && INCLUDE_KEYWORDS.has(head[1] as string)) {
      // keepalived takes the rest of the line as one glob pattern, spaces, quotes and all.
      const at = pos(text.length - text.trimStart().length);
      include(ctx, file, head[1] as string, (head[2] as string).trim(), at);
      continue;
    }
    expandLine(ctx, file, text, pos, 0);
  }
  ctx.stack.pop();
  // An include_check in this file held until its end (keepalived's end_file).
  ctx.includeCheck = checksAtStart;
}

function include(ctx: Ctx, file: string, kind: string, pattern: string, at: Position): void {
  if (pattern === '') {
    diag(ctx, at, 'error', `${kind} needs a file name or pattern`);
    return;
  }
  const checks = ctx.includeCheck | includeType(kind);
  const say = (f: Finding): void => {
    const on = (checks & f.check) !== 0;
    const own = (includeType(kind) & f.check) !== 0;
    const why = own
      ? `an error with ${kind}; fix the path, or use 'include' to allow it`
      : ctx.opts.allConfig
        ? 'an error with -e; fix the path, or run without -e'
        : 'an error with include_check; fix the path, or relax include_check';
    diag(ctx, at, on ? 'error' : 'warning', `${kind}: ${f.message}${on ? ` (${why})` : ''}`);
  };
  const abs = path.isAbsolute(pattern) ? pattern : path.join(path.dirname(file), pattern);
  const glob = globLikeGlibc(abs);
  const verdict = judgeGlob(pattern, glob, checks);
  verdict.findings.forEach(say);
  if (!verdict.read) return;
  for (const m of glob.files) {
    const problem = fileFinding(m, statOf(m));
    if (problem) say(problem);
    else processFile(m, ctx, at);
  }
}

function statOf(file: string): { isFile: boolean; executable: boolean } | undefined {
  try {
    const st = fs.statSync(file);
    return { isFile: st.isFile(), executable: (st.mode & 0o111) !== 0 };
  } catch {
    return undefined;
  }
}

function expandLine(
  ctx: Ctx,
  file: string,
  text: string,
  pos: (offset: number) => Position,
  depth: number,
): void {
  if (ctx.lineCount > MAX_LINES && tooLong(ctx, pos(0))) return;
  let body = text;
  const cond = body.includes('@') ? /^(\s*)@(\^?)(\S+)\s?/.exec(body) : null;
  if (cond) {
    const negate = cond[2] === '^';
    if ((cond[3] === ctx.opts.configId) === negate) return;
    body = ' '.repeat(cond[0].length) + body.slice(cond[0].length);
  }
  const loop = body.includes('~') ? LOOP_RE.exec(body) : null;
  if (loop) {
    expandLoop(ctx, file, body, loop, pos, depth);
    return;
  }
  if (!body.includes('$')) {
    emit(ctx, body, pos);
    return;
  }
  const lineStart = pos(text.length - text.trimStart().length);
  const expanded = expandParams(ctx, file, body, lineStart, 0);
  if (expanded === body) {
    emit(ctx, body, pos);
    return;
  }
  // Definitions may hold several lines, each a line of its own, and may define more.
  for (const part of expanded.split('\n')) {
    if (depth > MAX_EXPANSION_DEPTH) {
      diag(ctx, lineStart, 'error', 'parameter expansion nested too deep');
      return;
    }
    const def = DEF_RE.exec(part);
    if (def) {
      ctx.defs.set(def[1] as string, [def[2] as string]);
      continue;
    }
    // Comments went when the definition was read: a '#' here came from ${_HASH}.
    const clean = part;
    if (clean.trim() === '') continue;
    if (LOOP_RE.test(clean) || /^\s*@/.test(clean))
      expandLine(ctx, file, clean, () => lineStart, depth + 1);
    else emit(ctx, clean, () => lineStart);
  }
}

/** True once the expansion passed MAX_LINES; says so once. */
function tooLong(ctx: Ctx, at: Position): boolean {
  if (ctx.lineCount <= MAX_LINES) return false;
  if (!ctx.truncated) {
    ctx.truncated = true;
    diag(
      ctx,
      at,
      'error',
      `configuration expands to more than ${MAX_LINES} lines; the rest is ignored`,
    );
  }
  return true;
}

/** Only white space (as trim() sees it): ASCII by a scan, anything else by the regex. */
function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) continue;
    return c < 0x80 ? false : BLANK_RE.test(text);
  }
  return true;
}

/** A line ending in a backslash goes on with the next one. */
function continues(text: string): boolean {
  return text.includes('\\') && CONTINUED_RE.test(text);
}

function emit(ctx: Ctx, text: string, pos: (offset: number) => Position): void {
  const words: Word[] = [];
  forEachWord(text, (t, offset, quoted) => words.push({ text: t, quoted, pos: pos(offset) }));
  if (words.length === 0) return;
  const line: Line = { words, pos: (words[0] as Word).pos };
  if ((words[0] as Word).text === 'include_check') includeCheck(ctx, words);
  ctx.lineCount++;
  if (ctx.onLine) ctx.onLine(line);
  else ctx.out.lines.push(line);
}

/**
 * keepalived acts on include_check as it reads the line (its global_defs
 * handler), so it changes the includes after it; the schema checks where it stands.
 */
function includeCheck(ctx: Ctx, words: readonly Word[]): void {
  const args = words.slice(1).map((w) => w.text);
  const setting = applyIncludeCheck(ctx.includeCheck, args);
  ctx.includeCheck = setting.value;
  for (const p of setting.problems) diag(ctx, (words[p.arg + 1] as Word).pos, 'warning', p.message);
}

function expandParams(ctx: Ctx, file: string, text: string, at: Position, depth: number): string {
  if (depth > MAX_EXPANSION_DEPTH) {
    diag(
      ctx,
      at,
      'error',
      'parameter expansion nested too deep (a parameter that refers to itself?)',
    );
    return text;
  }
  let changed = false;
  const out = text.replace(
    USE_RE,
    (whole, braced: string | undefined, args: string | undefined, bare: string | undefined) => {
      const name = (braced ?? bare) as string;
      const value = builtin(ctx, file, name, args) ?? ctx.defs.get(name)?.join('\n');
      if (value === undefined) return whole; // keepalived leaves unknown parameters as they are
      changed = true;
      return value;
    },
  );
  return changed ? expandParams(ctx, file, out, at, depth + 1) : out;
}

function builtin(
  ctx: Ctx,
  file: string,
  name: string,
  args: string | undefined,
): string | undefined {
  switch (name) {
    case '_PWD':
      return path.dirname(file);
    case '_INSTANCE':
      return ctx.opts.configId;
    case '_HASH':
      return '#';
    case '_BANG':
      return '!';
    case '_ENV':
      // Unset: left as written, so the error that follows names it.
      return (ctx.opts.env ?? process.env)[(args ?? '').trim()];
    case '_RANDOM': {
      const [lo, hi] = (args ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
      const min = Number.isFinite(lo) ? (lo as number) : 0;
      const max = Number.isFinite(hi) ? (hi as number) : 32767;
      ctx.out.usedRandom = true;
      const next = ctx.opts.random ?? (ctx.random ??= timeSeeded());
      return String((next() % (max - min + 1)) + min);
    }
    default:
      return undefined;
  }
}

function expandLoop(
  ctx: Ctx,
  file: string,
  body: string,
  m: RegExpExecArray,
  pos: (offset: number) => Position,
  depth: number,
): void {
  const open = m.index + m[0].length;
  const close = findClose(body, open);
  const at = pos(m.index);
  if (close < 0) {
    diag(ctx, at, 'error', `~${m[1]}( is never closed; add a ')'`);
    return;
  }
  const args = splitArgs(body.slice(open, close));
  const before = body.slice(0, m.index);
  const rest = body.slice(close + 1);
  const iterations: Array<Array<[string, string]>> = [];
  if (m[1] === 'LST') {
    const vars = braceList(args[0] ?? '');
    for (const v of args.slice(1)) {
      const vals = braceList(v);
      iterations.push(vars.map((name, i) => [name, vals[i] ?? '']));
    }
  } else {
    const nums = args.slice(1).map((a) => Number(a.trim()));
    if (args.length < 2 || args.length > 4 || nums.some((n) => !Number.isInteger(n))) {
      diag(ctx, at, 'error', `~${m[1]}(var, [start,] [step,] end) needs integer bounds`);
      return;
    }
    const end = nums[nums.length - 1] as number;
    const start = nums.length >= 2 ? (nums[0] as number) : end >= 0 ? 1 : -1;
    const step = nums.length === 3 ? (nums[1] as number) : end >= start ? 1 : -1;
    if (step === 0 || (step > 0 && start > end + 1e9) || (step < 0 && start < end - 1e9)) {
      diag(ctx, at, 'error', `~${m[1]} step must move from ${start} towards ${end}`);
      return;
    }
    for (let v = start; step > 0 ? v <= end : v >= end; v += step) {
      iterations.push([[(args[0] ?? '').trim(), m[1] === 'SEQx' ? v.toString(16) : String(v)]]);
      if (iterations.length > 100000) break;
    }
  }
  for (const vars of iterations) {
    if (tooLong(ctx, at)) break;
    const saved = vars.map(([n]) => [n, ctx.defs.get(n)] as const);
    for (const [n, v] of vars) ctx.defs.set(n, [v]);
    expandLine(
      ctx,
      file,
      before + rest,
      (o) => (o < before.length ? pos(o) : pos(close + 1 + o - before.length)),
      depth + 1,
    );
    for (const [n, v] of saved) {
      if (v === undefined) ctx.defs.delete(n);
      else ctx.defs.set(n, v);
    }
  }
}

function findClose(s: string, from: number): number {
  let depth = 0;
  for (let i = from; i < s.length; i++) {
    if (s[i] === '(' || s[i] === '{') depth++;
    else if (s[i] === '}') depth--;
    else if (s[i] === ')') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '{') depth++;
    else if (s[i] === '}') depth--;
    else if (s[i] === ',' && depth === 0) {
      out.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(s.slice(start).trim());
  return out;
}

function braceList(s: string): string[] {
  const t = s.trim();
  return t.startsWith('{') && t.endsWith('}')
    ? t
        .slice(1, -1)
        .split(',')
        .map((x) => x.trim())
    : [t];
}
