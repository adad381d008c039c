/** Serves the control protocol; dispose() closes the socket and removes its file. */
import * as fs from 'node:fs';
import * as net from 'node:net';
import { parseRequest, type Request, type Response } from './protocol';

export interface ControlServer {
  readonly path: string;
  dispose(): Promise<void>;
}

export async function startControlServer(
  file: string,
  handle: (req: Request) => unknown,
): Promise<ControlServer> {
  try {
    fs.unlinkSync(file); // a socket left by a killed run
  } catch {
    /* none there */
  }
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => sock.destroy());
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('data', (chunk: string) => {
      buf += chunk;
      if (buf.length > 65536) return sock.destroy();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const req = parseRequest(line);
        let res: Response;
        if ('error' in req) res = { ok: false, error: req.error };
        else {
          try {
            res = { ok: true, data: handle(req) };
          } catch (err) {
            res = { ok: false, error: (err as Error).message };
          }
        }
        sock.write(JSON.stringify(res) + '\n');
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(file, () => resolve());
  });
  fs.chmodSync(file, 0o600);
  let disposed: Promise<void> | undefined;
  return {
    path: file,
    dispose() {
      disposed ??= new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => {
          try {
            fs.unlinkSync(file);
          } catch {
            /* already gone */
          }
          resolve();
        });
      });
      return disposed;
    },
  };
}
