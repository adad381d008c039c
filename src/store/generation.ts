/**
 * A config generation as bytes: one header line that keepalived reads as a
 * comment, then the config itself. The header carries the generation number
 * and the SHA-256 of everything after it, so a file proves by itself that it
 * is complete. Pure.
 *
 *   # halb-config generation 7 sha256 <64 hex> saved 2026-11-22T04:30:00.000Z reason save
 */
import { createHash } from 'node:crypto';

export const HEADER_PREFIX = '# halb-config generation ';

export interface GenerationHeader {
  readonly generation: number;
  readonly sha256: string;
  readonly savedAt: string;
  readonly reason: string;
}

export interface Generation extends GenerationHeader {
  readonly body: string;
}

export type ParsedGeneration =
  | { readonly ok: true; readonly value: Generation }
  | { readonly ok: false; readonly problem: 'empty' | 'no-header' | 'bad-header' | 'checksum' };

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The reason is one line of free text; newlines would end the header. */
function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').trim() || '-';
}

export function formatGeneration(g: {
  generation: number;
  body: string;
  savedAt: string;
  reason: string;
}): string {
  const body = g.body.endsWith('\n') || g.body === '' ? g.body : g.body + '\n';
  const header = `${HEADER_PREFIX}${g.generation} sha256 ${sha256(body)} saved ${oneLine(g.savedAt)} reason ${oneLine(g.reason)}`;
  return `${header}\n${body}`;
}

const HEADER_RE =
  /^# halb-config generation (\d{1,9}) sha256 ([0-9a-f]{64}) saved (\S+) reason (.*)$/;

export function parseHeader(line: string): GenerationHeader | null {
  const m = HEADER_RE.exec(line);
  if (!m) return null;
  return {
    generation: Number(m[1]),
    sha256: m[2] as string,
    savedAt: m[3] as string,
    reason: m[4] as string,
  };
}

export function parseGeneration(text: string): ParsedGeneration {
  if (text.length === 0) return { ok: false, problem: 'empty' };
  const nl = text.indexOf('\n');
  const first = nl < 0 ? text : text.slice(0, nl);
  if (!first.startsWith(HEADER_PREFIX)) return { ok: false, problem: 'no-header' };
  const header = parseHeader(first);
  if (!header || nl < 0) return { ok: false, problem: 'bad-header' };
  const body = text.slice(nl + 1);
  if (sha256(body) !== header.sha256) return { ok: false, problem: 'checksum' };
  return { ok: true, value: { ...header, body } };
}

/** `generations/00000007.conf` */
export function generationFileName(n: number): string {
  return `${String(n).padStart(8, '0')}.conf`;
}

export function generationNumberOf(fileName: string): number | null {
  const m = /^(\d{8})\.conf$/.exec(fileName);
  return m ? Number(m[1]) : null;
}
