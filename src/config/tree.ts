/**
 * The block structure of a keepalived.conf: each statement is a keyword, its
 * arguments and, when a `{` follows (on the same line or the next), a block of
 * statements. Unbalanced braces are reported where they open or stray.
 */
import type { Diagnostic, Position } from './diagnostics';
import type { Line, Word } from './preprocess';

export interface Statement {
  readonly keyword: string;
  readonly args: readonly string[];
  /** Where each argument starts. */
  readonly argPos: readonly Position[];
  readonly pos: Position;
  readonly block: Statement[] | undefined;
}

interface Frame {
  readonly owner: Statement | undefined;
  readonly open: Position | undefined;
  readonly body: Statement[];
}

export function parseTree(lines: readonly Line[]): {
  statements: Statement[];
  diagnostics: Diagnostic[];
} {
  const tree = new TreeBuilder();
  for (const line of lines) tree.add(line);
  return tree.finish();
}

/** parseTree a line at a time, for lines that arrive as the preprocessor makes them. */
export class TreeBuilder {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly root: Frame = { owner: undefined, open: undefined, body: [] };
  private readonly stack: Frame[] = [this.root];

  private top(): Frame {
    return this.stack[this.stack.length - 1] as Frame;
  }

  private openBlock(owner: Statement | undefined, brace: Word): void {
    if (!owner) {
      this.diagnostics.push({
        pos: brace.pos,
        severity: 'error',
        message: "'{' without a keyword before it",
      });
      this.stack.push({ owner: undefined, open: brace.pos, body: [] });
      return;
    }
    const block: Statement[] = [];
    (owner as { block: Statement[] | undefined }).block = block;
    this.stack.push({ owner, open: brace.pos, body: block });
  }

  add(line: Line): void {
    let current: Statement | undefined;
    for (const word of line.words) {
      if (!word.quoted && word.text === '{') {
        const prev = current ?? lastWithoutBlock(this.top().body);
        this.openBlock(prev, word);
        current = undefined;
        continue;
      }
      if (!word.quoted && word.text === '}') {
        if (this.stack.length === 1) {
          this.diagnostics.push({
            pos: word.pos,
            severity: 'error',
            message: "'}' closes no block; remove it",
          });
        } else this.stack.pop();
        current = undefined;
        continue;
      }
      if (!current) {
        current = { keyword: word.text, args: [], argPos: [], pos: word.pos, block: undefined };
        this.top().body.push(current);
      } else {
        (current.args as string[]).push(word.text);
        (current.argPos as Position[]).push(word.pos);
      }
    }
  }

  /** The statements and what was wrong with the braces; call once, after the last line. */
  finish(): { statements: Statement[]; diagnostics: Diagnostic[] } {
    while (this.stack.length > 1) {
      const frame = this.stack.pop() as Frame;
      const what = frame.owner ? `'${frame.owner.keyword}'` : 'this';
      this.diagnostics.push({
        pos: frame.open as Position,
        severity: 'error',
        message: `block of ${what} opened here is never closed; add a '}'`,
      });
    }
    return { statements: this.root.body, diagnostics: this.diagnostics };
  }
}

function lastWithoutBlock(body: Statement[]): Statement | undefined {
  const last = body[body.length - 1];
  return last && last.block === undefined ? last : undefined;
}
