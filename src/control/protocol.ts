/**
 * The control socket: one JSON request per line, one JSON answer per line, on
 * a unix socket in the runtime directory (root-only, like the daemon).
 */
import * as path from 'node:path';

export const SOCKET_NAME = 'halb.sock';

export function socketPath(runtimeDir: string): string {
  return path.join(runtimeDir, SOCKET_NAME);
}

export type Request = { readonly op: 'status' } | { readonly op: 'ping' };

export type Response =
  { readonly ok: true; readonly data: unknown } | { readonly ok: false; readonly error: string };

export function parseRequest(line: string): Request | { error: string } {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return { error: 'request is not JSON' };
  }
  const op = (v as { op?: unknown } | null)?.op;
  if (op === 'status' || op === 'ping') return { op };
  return { error: `unknown op ${JSON.stringify(op)}` };
}
