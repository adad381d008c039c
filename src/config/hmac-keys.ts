/**
 * auth_hmac `key ID VALUE` values as keepalived 2.4 reads them: `hex:` then
 * hex digits for raw bytes, `file:PATH` for a file holding either form (one
 * trailing line end dropped; a file others can read is warned about), or
 * else the ASCII text itself. 32 to 64 bytes. The file read is injected, so
 * the model stays pure and `halb check` off the box can skip it.
 */
import * as fs from 'node:fs';

export const KEY_MIN = 32;
export const KEY_MAX = 64;

export interface SecretFile {
  readonly text: string;
  /** st_mode permission bits. */
  readonly mode: number;
}

export type ReadSecret = (path: string) => SecretFile;

export type DecodedKey =
  | { readonly ok: true; readonly bytes: Buffer; readonly warning?: string }
  | { readonly ok: false; readonly error: string }
  /** A file: value while checking without the box's files. */
  | { readonly ok: 'unchecked' };

function decodeInline(value: string): Buffer | string {
  if (!value.startsWith('hex:')) return Buffer.from(value, 'latin1');
  const hex = value.slice(4);
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(hex))
    return `'${value.slice(0, 12)}...' is not an even number of hex digits after hex:`;
  return Buffer.from(hex, 'hex');
}

export function decodeHmacKey(value: string, read: ReadSecret | undefined): DecodedKey {
  let decoded: Buffer | string;
  let warning: string | undefined;
  if (value.startsWith('file:')) {
    if (!read) return { ok: 'unchecked' };
    const path = value.slice(5);
    let file: SecretFile;
    try {
      file = read(path);
    } catch (err) {
      return {
        ok: false,
        error: `key file '${path}' cannot be opened (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      };
    }
    if (file.text.length > 4 + KEY_MAX * 2 + 8)
      return { ok: false, error: `key file '${path}' is too large for a key` };
    if ((file.mode & 0o077) !== 0)
      warning = `key file '${path}' is readable by group or others; chmod 600 it`;
    decoded = decodeInline(file.text.replace(/[\r\n]+$/, ''));
  } else {
    decoded = decodeInline(value);
  }
  if (typeof decoded === 'string') return { ok: false, error: decoded };
  if (decoded.length < KEY_MIN || decoded.length > KEY_MAX)
    return {
      ok: false,
      error: `key is ${decoded.length} bytes; it must be ${KEY_MIN} to ${KEY_MAX} (hex:${'00'.repeat(32)} is 32)`,
    };
  return warning ? { ok: true, bytes: decoded, warning } : { ok: true, bytes: decoded };
}

/** The box's reader: one open, so the mode and the text are of the same file. */
export const readSecretFile: ReadSecret = (path) => {
  const fd = fs.openSync(path, 'r');
  try {
    const mode = fs.fstatSync(fd).mode;
    const buf = Buffer.alloc(4 + KEY_MAX * 2 + 9);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return { text: buf.subarray(0, n).toString('latin1'), mode };
  } finally {
    fs.closeSync(fd);
  }
};
