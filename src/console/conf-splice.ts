/**
 * Edits a keepalived.conf as text, block by block, so that everything the
 * console does not touch (comments, layout, other blocks) stays as the user
 * wrote it. Pure. A block is found by a path of (keyword, first argument)
 * pairs, e.g. [['virtual_server', '192.0.2.10 80'], ['real_server', '192.0.2.21 80']].
 */

export interface BlockSpan {
  readonly keyword: string;
  readonly args: readonly string[];
  /** Offset of the start of the keyword's line. */
  readonly start: number;
  /** Offset just past the closing brace's line (its newline included). */
  readonly end: number;
  /** Offset of the closing brace. */
  readonly close: number;
  readonly indent: string;
  readonly children: readonly BlockSpan[];
}

export type PathStep = readonly [keyword: string, args?: string];

interface Token {
  readonly text: string;
  readonly at: number;
  readonly quoted: boolean;
}

function tokens(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '#' || c === '!') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      const at = i++;
      let w = '';
      while (i < text.length && text[i] !== '"' && text[i] !== '\n') w += text[i++];
      i++;
      out.push({ text: w, at, quoted: true });
    } else if (c === '{' || c === '}') {
      out.push({ text: c, at: i++, quoted: false });
    } else {
      const at = i;
      while (i < text.length && !/[\s{}]/.test(text[i] as string)) i++;
      out.push({ text: text.slice(at, i), at, quoted: false });
    }
  }
  return out;
}

const lineStart = (text: string, at: number): number => text.lastIndexOf('\n', at - 1) + 1;
const lineEnd = (text: string, at: number): number => {
  const nl = text.indexOf('\n', at);
  return nl < 0 ? text.length : nl + 1;
};

/** The blocks of a config with where each starts and ends; throws on unbalanced braces. */
export function blocks(text: string): BlockSpan[] {
  const toks = tokens(text);
  let k = 0;
  const parse = (depth: number): BlockSpan[] => {
    const found: BlockSpan[] = [];
    let stmt: Token[] = [];
    let prev: Token[] = [];
    let stmtLine = -1;
    while (k < toks.length) {
      const t = toks[k++] as Token;
      const ls = lineStart(text, t.at);
      if (!t.quoted && t.text === '}') {
        if (depth === 0) throw new Error(`a '}' at offset ${t.at} closes no block`);
        return found;
      }
      if (!t.quoted && t.text === '{') {
        const head = stmt.length > 0 ? stmt : prev;
        const children = parse(depth + 1);
        const closeTok = toks[k - 1];
        if (!closeTok || closeTok.text !== '}') throw new Error('a block is never closed');
        const start = head.length > 0 ? lineStart(text, (head[0] as Token).at) : ls;
        found.push({
          keyword: head[0]?.text ?? '',
          args: head.slice(1).map((h) => h.text),
          start,
          end: lineEnd(text, closeTok.at),
          close: closeTok.at,
          indent: /^[ \t]*/.exec(text.slice(start))?.[0] ?? '',
          children,
        });
        stmt = [];
        prev = [];
        stmtLine = -1;
        continue;
      }
      if (ls !== stmtLine) {
        if (stmt.length > 0) prev = stmt;
        stmt = [];
        stmtLine = ls;
      }
      stmt.push(t);
    }
    if (depth > 0) throw new Error('a block is never closed');
    return found;
  };
  return parse(0);
}

const matches = (b: BlockSpan, [kw, args]: PathStep): boolean =>
  b.keyword === kw && (args === undefined || b.args.join(' ') === args);

export function findBlock(text: string, path: readonly PathStep[]): BlockSpan | undefined {
  let level: readonly BlockSpan[] = blocks(text);
  let hit: BlockSpan | undefined;
  for (const step of path) {
    hit = level.find((b) => matches(b, step));
    if (!hit) return undefined;
    level = hit.children;
  }
  return hit;
}

/** Re-indents a block's text (written at column 0) to `indent`. */
function indented(block: string, indent: string): string {
  return (
    block
      .replace(/\n$/, '')
      .split('\n')
      .map((l) => (l === '' ? l : indent + l))
      .join('\n') + '\n'
  );
}

/** Replaces the block at `path`, or adds it at the end of its parent (or the file). */
export function putBlock(text: string, path: readonly PathStep[], block: string): string {
  const old = findBlock(text, path);
  if (old) return text.slice(0, old.start) + indented(block, old.indent) + text.slice(old.end);
  const parentPath = path.slice(0, -1);
  if (parentPath.length === 0) {
    const sep = text === '' || text.endsWith('\n') ? '' : '\n';
    return text + sep + block.replace(/\n?$/, '\n');
  }
  const parent = findBlock(text, parentPath);
  if (!parent) throw new Error(`no ${parentPath.map(([k, a]) => `${k} ${a ?? ''}`).join(' > ')}`);
  const at = lineStart(text, parent.close);
  const before = text.slice(at, parent.close);
  // The closing brace shares its line with other text: put the block on a line of its own.
  const insertAt = before.trim() === '' ? at : parent.close;
  const lead = before.trim() === '' ? '' : '\n';
  return (
    text.slice(0, insertAt) + lead + indented(block, parent.indent + '    ') + text.slice(insertAt)
  );
}

/** Removes the block at `path`; the text is unchanged when there is none. */
export function removeBlock(text: string, path: readonly PathStep[]): string {
  const old = findBlock(text, path);
  return old ? text.slice(0, old.start) + text.slice(old.end) : text;
}
