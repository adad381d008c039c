/** Asks the running daemon one question over its control socket. */
import * as net from 'node:net';
import type { Request, Response } from './protocol';

export function request(file: string, req: Request, timeoutMs = 3000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const sock = net.createConnection(file);
    let buf = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no answer from ${file} within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.write(JSON.stringify(req) + '\n'));
    sock.on('data', (chunk: string) => {
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      sock.end();
      const res = JSON.parse(buf.slice(0, nl)) as Response;
      if (res.ok) resolve(res.data);
      else reject(new Error(res.error));
    });
    sock.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const hint =
        err.code === 'ENOENT' || err.code === 'ECONNREFUSED'
          ? `halb is not running (no control socket at ${file}); start it with 'halb run'`
          : `${file}: ${err.message}`;
      reject(new Error(hint));
    });
  });
}
