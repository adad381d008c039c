/**
 * A byte stream to a panel, whatever carries it: a serial port (the real
 * panel, or a pty), a unix socket (QEMU's `-chardev socket`), or an
 * in-memory pair in tests. The panel code and its simulator only see this.
 */
import * as net from 'node:net';
import type { Duplex } from 'node:stream';

export interface ByteTransport {
  write(bytes: Buffer): void;
  onData(listener: (bytes: Buffer) => void): void;
  close(): Promise<void>;
}

/** Any Node duplex stream (net.Socket, a SerialPort) as a transport. */
export function streamTransport(stream: Duplex): ByteTransport {
  stream.on('error', () => undefined); // a write after the far end went away is not fatal
  return {
    write: (bytes) => void stream.write(bytes),
    onData: (listener) => void stream.on('data', (b: Buffer) => listener(b)),
    close: () =>
      new Promise<void>((resolve) => {
        if (stream.destroyed) return resolve();
        stream.once('close', () => resolve());
        stream.destroy();
      }),
  };
}

export function connectUnix(socketPath: string): Promise<ByteTransport> {
  return new Promise((resolve, reject) => {
    const s = net.connect(socketPath);
    s.once('error', reject);
    s.once('connect', () => {
      s.off('error', reject);
      resolve(streamTransport(s));
    });
  });
}

/** Two transports wired back to back, delivering asynchronously like a wire. */
export function transportPair(): [ByteTransport, ByteTransport] {
  const listeners: Array<Array<(b: Buffer) => void>> = [[], []];
  const open = [true, true];
  const end = (me: 0 | 1): ByteTransport => ({
    write: (bytes) => {
      const copy = Buffer.from(bytes);
      queueMicrotask(() => {
        if (open[0] && open[1]) for (const l of listeners[1 - me]!) l(copy);
      });
    },
    onData: (l) => void listeners[me]!.push(l),
    close: async () => {
      open[me] = false;
    },
  });
  return [end(0), end(1)];
}
