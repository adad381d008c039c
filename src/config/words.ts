/**
 * Splitting one logical line into words, shell style: `"` and `'` quote (and
 * may sit inside a word: abcd"efg h"ij is one word), backslash escapes
 * (\n \t \xXX \nnn \cC ...), `{` and `}` are words of their own outside quotes.
 * Comments (`#`, `!` outside quotes) are cut before this by stripComment().
 */
export interface RawWord {
  readonly text: string;
  /** 0-based offset of the word's first character in the line. */
  readonly offset: number;
  /** Some part of it was quoted (a quoted "{" is not a brace). */
  readonly quoted: boolean;
}

/** Cuts a `#` or `!` comment outside quotes; reports an unmatched quote's offset. */
export function stripComment(line: string): { text: string; unmatchedQuote: number } {
  let quote = '';
  let quoteAt = -1;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\' && quote !== "'") {
      i++;
      continue;
    }
    if (quote) {
      if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      quoteAt = i;
    } else if (c === '#' || c === '!') return { text: line.slice(0, i), unmatchedQuote: -1 };
  }
  return { text: line, unmatchedQuote: quote ? quoteAt : -1 };
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

function escape(line: string, i: number): { ch: string; next: number } {
  const c = line[i + 1];
  if (c === undefined) return { ch: '\\', next: i + 1 };
  if (c in SIMPLE_ESCAPES) return { ch: SIMPLE_ESCAPES[c] as string, next: i + 2 };
  if (c === 'x') {
    const m = /^[0-9a-fA-F]{1,2}/.exec(line.slice(i + 2));
    if (m) return { ch: String.fromCharCode(parseInt(m[0], 16)), next: i + 2 + m[0].length };
  }
  if (/[0-7]/.test(c)) {
    const m = /^[0-7]{1,3}/.exec(line.slice(i + 1)) as RegExpExecArray;
    return { ch: String.fromCharCode(parseInt(m[0], 8) & 0xff), next: i + 1 + m[0].length };
  }
  if (c === 'c' && line[i + 2] !== undefined) {
    return { ch: String.fromCharCode((line.charCodeAt(i + 2) & 0x1f) >>> 0), next: i + 3 };
  }
  return { ch: c, next: i + 2 };
}

/** A blank or a brace: the end of a word outside quotes (\r and \n may sit inside one). */
function endsWord(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x7b || c === 0x7d;
}

/** A quote or backslash: the word is more than a slice of the line. */
function needsCare(c: number): boolean {
  return c === 0x22 || c === 0x27 || c === 0x5c;
}

export function splitWords(line: string): RawWord[] {
  const words: RawWord[] = [];
  forEachWord(line, (text, offset, quoted) => words.push({ text, offset, quoted }));
  return words;
}

/** splitWords without the intermediate objects: each word to `onWord` in order. */
export function forEachWord(
  line: string,
  onWord: (text: string, offset: number, quoted: boolean) => void,
): void {
  let i = 0;
  while (i < line.length) {
    const c = line[i] as string;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
      continue;
    }
    if (c === '{' || c === '}') {
      onWord(c, i, false);
      i++;
      continue;
    }
    const start = i;
    // Most words are plain: sliced at once, not built a character at a time.
    while (i < line.length && !endsWord(line.charCodeAt(i)) && !needsCare(line.charCodeAt(i))) i++;
    if (i >= line.length || endsWord(line.charCodeAt(i))) {
      onWord(own(line.slice(start, i)), start, false);
      continue;
    }
    let text = line.slice(start, i);
    let quoted = false;
    while (i < line.length) {
      const ch = line[i] as string;
      if (ch === ' ' || ch === '\t' || ch === '{' || ch === '}') break;
      if (ch === '"' || ch === "'") {
        quoted = true;
        const end = line.indexOf(ch, i + 1);
        const stop = end < 0 ? line.length : end;
        if (ch === "'") text += line.slice(i + 1, stop);
        else {
          for (let j = i + 1; j < stop;) {
            if (line[j] === '\\') {
              const e = escape(line, j);
              text += e.ch;
              j = e.next;
            } else text += line[j++];
          }
        }
        i = stop + 1;
        continue;
      }
      if (ch === '\\') {
        const e = escape(line, i);
        text += e.ch;
        i = e.next;
        continue;
      }
      text += ch;
      i++;
    }
    onWord(own(text), start, quoted);
  }
}

/**
 * A word that holds no reference to the file it came from. V8 makes a slice of
 * 13 characters or more a view into its parent (the line, and through it the
 * whole file's text), so an address kept by a running instance would keep
 * every config file it was read from; a cons string (a word built from
 * quoted parts) keeps its parts. Flattening a fresh cons copies.
 */
export function own(word: string): string {
  return word.length < 13 ? word : (' ' + word).slice(1);
}
