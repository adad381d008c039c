/**
 * The console's serial port as one transport that survives being let go:
 * while the menu's shell runs, the port is closed and the shell owns the
 * device; afterwards it is opened again and the menu's terminal goes on.
 */
import type { ByteTransport } from '../leds/panel/transport';

export class PortRelay implements ByteTransport {
  private port: ByteTransport | null = null;
  private readonly listeners: Array<(b: Buffer) => void> = [];

  constructor(private readonly open: () => Promise<ByteTransport>) {}

  async attach(): Promise<void> {
    const port = await this.open();
    port.onData((b) => {
      if (this.port === port) for (const l of this.listeners) l(b);
    });
    this.port = port;
  }

  async detach(): Promise<void> {
    const port = this.port;
    this.port = null;
    await port?.close();
  }

  write(bytes: Buffer): void {
    this.port?.write(bytes);
  }

  onData(listener: (bytes: Buffer) => void): void {
    this.listeners.push(listener);
  }

  close(): Promise<void> {
    return this.detach();
  }
}
