/**
 * Include patterns as keepalived expands them with glibc's glob(3): csh-style
 * braces `{a,b}` first, then `*`, `?` and `[...]` per path segment. Pure apart
 * from the file system calls it is given (GlobFs).
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

/** What glob(3) is given to look at the file system with (GLOB_ALTDIRFUNC). */
export interface GlobFs {
  /** A directory's names, or undefined when it cannot be opened (keepalived's gl_opendir). */
  readdir(dir: string): string[] | undefined;
  /** lstat(2): undefined when the path is absent (keepalived's gl_lstat). */
  kind(p: string): 'dir' | 'file' | undefined;
}

export interface GlobResult {
  /** Matches in glob(3)'s order: sorted within each brace alternative, directories marked with '/' (GLOB_MARK). */
  readonly files: string[];
  /** Literal names glob had to look up and did not find (keepalived's missing_files). */
  readonly missingFiles: number;
  /** Directories glob had to list and could not (keepalived's missing_directories). */
  readonly missingDirs: number;
  /** glob listed a directory, so the pattern had a wildcard it used (keepalived's have_wildcards). */
  readonly haveWildcards: boolean;
}

export const realFs: GlobFs = {
  readdir(dir) {
    try {
      return fs.readdirSync(dir);
    } catch {
      return undefined;
    }
  },
  kind(p) {
    try {
      fs.lstatSync(p);
    } catch {
      return undefined;
    }
    try {
      return fs.statSync(p).isDirectory() ? 'dir' : 'file';
    } catch {
      return 'file'; // a dangling symlink: there, but no directory
    }
  },
};

/**
 * An absolute pattern expanded as glibc's glob(pattern, GLOB_MARK | GLOB_BRACE
 * | GLOB_ALTDIRFUNC) does for keepalived, with the counts keepalived's
 * directory hooks keep. Segments before the first wildcard are not looked at
 * (the directory listing after them is); a pattern without wildcards is
 * looked up whole; a literal segment after a wildcard is looked up in each
 * directory matched so far. Hidden names match only an explicit leading dot.
 */
export function globLikeGlibc(pattern: string, gfs: GlobFs = realFs): GlobResult {
  const files: string[] = [];
  let missingFiles = 0;
  let missingDirs = 0;
  let haveWildcards = false;
  const mark = (p: string): string => (gfs.kind(p) === 'dir' && !p.endsWith('/') ? `${p}/` : p);
  for (const alt of expandBraces(pattern)) {
    const segs = alt.split('/');
    const first = segs.findIndex((s) => MAGIC.test(s));
    if (first < 0) {
      const literal = unescape(alt);
      if (gfs.kind(literal) === undefined) missingFiles++;
      else files.push(mark(literal));
      continue;
    }
    let current = [segs.slice(0, first).join('/') || '/'];
    for (let i = first; i < segs.length; i++) {
      const seg = segs[i] as string;
      const last = i === segs.length - 1;
      if (seg === '') continue; // a doubled or trailing '/'
      const next: string[] = [];
      for (const dir of current) {
        if (!MAGIC.test(seg)) {
          const p = path.join(dir, unescape(seg));
          if (gfs.kind(p) === undefined) missingFiles++;
          else next.push(p);
          continue;
        }
        haveWildcards = true;
        const names = gfs.readdir(dir);
        if (names === undefined) {
          missingDirs++;
          continue;
        }
        const re = segmentRegex(seg);
        for (const name of names) {
          if (name.startsWith('.') && !seg.startsWith('.')) continue;
          if (!re.test(name)) continue;
          const p = path.join(dir, name);
          if (last || gfs.kind(p) === 'dir') next.push(p); // GLOB_ONLYDIR on the way down
        }
      }
      current = next.sort(byBytes);
    }
    files.push(...current.map(mark));
  }
  return { files, missingFiles, missingDirs, haveWildcards };
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

function byBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether a pattern has a brace, escaped ones aside (keepalived's have_brace). */
export function hasBrace(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern[i] === '{') return true;
  }
  return false;
}
