/**
 * keepalived.conf words: whitespace-separated, `!` and `#` start a comment
 * outside quotes, double quotes group words, `{` and `}` are words of their
 * own, a trailing backslash continues the line. Every word keeps its position.
 */
import type { Diagnostic, Position } from './diagnostics';

export interface Word {
  readonly text: string;
  readonly quoted: boolean;
  readonly pos: Position;
}

export interface Line {
  readonly words: readonly Word[];
  readonly line: number;
}

export function lexLines(
  file: string,
  source: string,
): { lines: Line[]; diagnostics: Diagnostic[] } {
  const lines: Line[] = [];
  const diagnostics: Diagnostic[] = [];
  const raw = source.split(/\r?\n/);
  let pending: Word[] = [];
  let pendingLine = 0;
  raw.forEach((text, index) => {
    const lineNo = index + 1;
    const words = pending.length > 0 ? pending : [];
    if (pending.length === 0) pendingLine = lineNo;
    pending = [];
    let i = 0;
    let continued = false;
    while (i < text.length) {
      const ch = text[i] as string;
      if (ch === ' ' || ch === '\t') {
        i++;
        continue;
      }
      if (ch === '!' || ch === '#') break;
      const pos = { file, line: lineNo, col: i + 1 };
      if (ch === '{' || ch === '}') {
        words.push({ text: ch, quoted: false, pos });
        i++;
        continue;
      }
      if (ch === '\\' && text.slice(i + 1).trim() === '') {
        continued = true;
        break;
      }
      if (ch === '"') {
        const end = text.indexOf('"', i + 1);
        if (end < 0) {
          diagnostics.push({
            pos,
            severity: 'error',
            message: 'unterminated quoted string; add the closing "',
          });
          words.push({ text: text.slice(i + 1), quoted: true, pos });
          i = text.length;
        } else {
          words.push({ text: text.slice(i + 1, end), quoted: true, pos });
          i = end + 1;
        }
        continue;
      }
      let j = i;
      while (j < text.length && !' \t{}"!#'.includes(text[j] as string)) j++;
      words.push({ text: text.slice(i, j), quoted: false, pos });
      i = j;
    }
    if (continued) pending = words;
    else if (words.length > 0) lines.push({ words, line: pendingLine });
  });
  if (pending.length > 0) lines.push({ words: pending, line: pendingLine });
  return { lines, diagnostics };
}
