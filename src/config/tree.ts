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
  const diagnostics: Diagnostic[] = [];
  const root: Frame = { owner: undefined, open: undefined, body: [] };
  const stack: Frame[] = [root];
  const top = (): Frame => stack[stack.length - 1] as Frame;

  const openBlock = (owner: Statement | undefined, brace: Word): void => {
    if (!owner) {
      diagnostics.push({
        pos: brace.pos,
        severity: 'error',
        message: "'{' without a keyword before it",
      });
      stack.push({ owner: undefined, open: brace.pos, body: [] });
      return;
    }
    const block: Statement[] = [];
    (owner as { block: Statement[] | undefined }).block = block;
    stack.push({ owner, open: brace.pos, body: block });
  };

  for (const line of lines) {
    let current: Statement | undefined;
    for (const word of line.words) {
      if (!word.quoted && word.text === '{') {
        const prev = current ?? lastWithoutBlock(top().body);
        openBlock(prev, word);
        current = undefined;
        continue;
      }
      if (!word.quoted && word.text === '}') {
        if (stack.length === 1) {
          diagnostics.push({
            pos: word.pos,
            severity: 'error',
            message: "'}' closes no block; remove it",
          });
        } else stack.pop();
        current = undefined;
        continue;
      }
      if (!current) {
        current = { keyword: word.text, args: [], argPos: [], pos: word.pos, block: undefined };
        top().body.push(current);
      } else {
        (current.args as string[]).push(word.text);
        (current.argPos as Position[]).push(word.pos);
      }
    }
  }
  while (stack.length > 1) {
    const frame = stack.pop() as Frame;
    const what = frame.owner ? `'${frame.owner.keyword}'` : 'this';
    diagnostics.push({
      pos: frame.open as Position,
      severity: 'error',
      message: `block of ${what} opened here is never closed; add a '}'`,
    });
  }
  return { statements: root.body, diagnostics };
}

function lastWithoutBlock(body: Statement[]): Statement | undefined {
  const last = body[body.length - 1];
  return last && last.block === undefined ? last : undefined;
}
