/**
 * Opens a serial device through `serialport`. Loaded only when a board has a
 * panel, so boards without one never touch the native binding; in the single
 * executable the binding comes from platform/native-addons (the bundler
 * redirects bindings-cpp's node-gyp-build there).
 */
import { streamTransport, type ByteTransport } from './transport';

export async function openSerial(device: string, baud: number): Promise<ByteTransport> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SerialPort } = require('serialport') as typeof import('serialport');
  const port = new SerialPort({ path: device, baudRate: baud, autoOpen: false });
  await new Promise<void>((resolve, reject) =>
    port.open((err) => (err ? reject(new Error(`${device}: ${err.message}`)) : resolve())),
  );
  const t = streamTransport(port);
  return {
    ...t,
    // SerialPort has no _destroy: only close() releases the fd and its lock.
    close: () =>
      new Promise<void>((resolve) => {
        if (!port.isOpen) return resolve();
        port.close(() => resolve());
      }),
  };
}
