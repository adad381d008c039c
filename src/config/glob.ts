/**
 * Include patterns as keepalived expands them: csh-style braces `{a,b}` first,
 * then `*`, `?` and `[...]` per path segment. Results are sorted, as glob(3)
 * returns them. Pure apart from the directory reads it is given.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export function expandBraces(pattern: string): string[] {
  let depth = 0;
  let open = -1;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '{') {
      if (depth++ === 0) open = i;
    } else if (c === '}' && depth > 0 && --depth === 0) {
      const inner = pattern.slice(open + 1, i);
      const parts: string[] = [];
      let d = 0;
      let start = 0;
      for (let j = 0; j < inner.length; j++) {
        if (inner[j] === '{') d++;
        else if (inner[j] === '}') d--;
        else if (inner[j] === ',' && d === 0) {
          parts.push(inner.slice(start, j));
          start = j + 1;
        }
      }
      parts.push(inner.slice(start));
      if (parts.length === 1) continue; // "{x}" is literal
      const head = pattern.slice(0, open);
      const tail = pattern.slice(i + 1);
      return parts.flatMap((p) => expandBraces(head + p + tail));
    }
  }
  return [pattern];
}

const MAGIC = /[*?[]/;

function segmentRegex(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i] as string;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = seg.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let cls = seg.slice(i + 1, end);
        if (cls.startsWith('!')) cls = '^' + cls.slice(1);
        re += `[${cls.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < seg.length) re += '\\' + seg[++i];
    else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Files matching an absolute pattern; hidden files match only an explicit leading dot. */
export function globFiles(
  pattern: string,
  readdir: (dir: string) => string[] = safeReaddir,
  exists: (file: string) => boolean = fs.existsSync,
): string[] {
  const out = new Set<string>();
  for (const p of expandBraces(pattern)) {
    const segs = p.split('/').filter((s, i) => s.length > 0 || i === 0);
    let current = [segs[0] === '' ? '/' : (segs[0] as string)];
    for (const seg of segs.slice(1)) {
      const next: string[] = [];
      for (const dir of current) {
        if (!MAGIC.test(seg)) {
          next.push(path.join(dir, seg.replace(/\\(.)/g, '$1')));
          continue;
        }
        const re = segmentRegex(seg);
        for (const name of readdir(dir)) {
          if (name.startsWith('.') && !seg.startsWith('.')) continue;
          if (re.test(name)) next.push(path.join(dir, name));
        }
      }
      current = next;
    }
    // Names read from directories exist; a literal path must be checked.
    for (const f of current) if (MAGIC.test(p) || exists(f)) out.add(f);
  }
  return [...out].sort();
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
