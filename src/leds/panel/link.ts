/**
 * The host end of the packet protocol: one command in flight, the panel's
 * response (same code, type 1) or error (type 3) ends it; no answer within
 * the ACK timeout sends it again, up to `retries` times. Reports (key
 * presses) may arrive at any moment and are handed to listeners. Every
 * dropped byte run and every stray packet is counted.
 *
 * The protocol has no sequence numbers: an answer that arrives after its
 * command was resent can be taken for the answer to the next command of the
 * same code. The panel carries out commands in order, so the state still
 * converges; only a command lost outright behind such a late answer would
 * go unnoticed until the next change resends the state.
 */
import { encodePacket, PacketDecoder, PacketType, type Packet } from './codec';
import { parseKeyReport, type KeyEvent } from './cfa635';
import type { ByteTransport } from './transport';
import type { Timers } from '../timers';

export interface LinkOptions {
  /**
   * How long to wait for the answer before sending again. A panel answers in
   * milliseconds at 115200 baud; the margin is for a loaded host (a firmware
   * under QEMU TCG needed a retry or two while halb was starting).
   */
  readonly ackTimeoutMs: number;
  readonly retries: number;
}

export const DEFAULT_LINK_OPTIONS: LinkOptions = { ackTimeoutMs: 250, retries: 3 };

export class PanelError extends Error {
  override readonly name = 'PanelError';
  constructor(
    message: string,
    readonly code: 'timeout' | 'rejected' | 'closed',
  ) {
    super(message);
  }
}

interface Pending {
  readonly packet: Packet;
  readonly bytes: Buffer;
  readonly resolve: (p: Packet) => void;
  readonly reject: (e: Error) => void;
}

export class PanelLink {
  private readonly decoder = new PacketDecoder([
    PacketType.response,
    PacketType.report,
    PacketType.error,
  ]);
  private readonly queue: Pending[] = [];
  private inFlight: Pending | undefined;
  private attempts = 0;
  private timer: unknown;
  private closed = false;
  private readonly keyListeners: Array<(k: KeyEvent) => void> = [];
  readonly counters = { sent: 0, answered: 0, retries: 0, timeouts: 0, errors: 0, stray: 0 };

  constructor(
    private readonly transport: ByteTransport,
    private readonly timers: Timers,
    private readonly opts: LinkOptions = DEFAULT_LINK_OPTIONS,
  ) {
    transport.onData((b) => this.receive(b));
  }

  /** Sends a command when the ones before it are done; resolves with the panel's response. */
  request(packet: Packet): Promise<Packet> {
    if (this.closed) return Promise.reject(new PanelError('panel link closed', 'closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ packet, bytes: encodePacket(packet), resolve, reject });
      this.next();
    });
  }

  onKey(listener: (k: KeyEvent) => void): void {
    this.keyListeners.push(listener);
  }

  get drops(): Readonly<Record<string, number>> {
    return { ...this.decoder.drops, skippedBytes: this.decoder.skippedBytes };
  }

  /** Commands waiting, including the one in flight. */
  get backlog(): number {
    return this.queue.length + (this.inFlight ? 1 : 0);
  }

  async dispose(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.timers.clearTimeout(this.timer);
    const gone = new PanelError('panel link closed', 'closed');
    this.inFlight?.reject(gone);
    this.inFlight = undefined;
    for (const p of this.queue.splice(0)) p.reject(gone);
    await this.transport.close();
  }

  private next(): void {
    if (this.inFlight || this.closed) return;
    const p = this.queue.shift();
    if (!p) return;
    this.inFlight = p;
    this.attempts = 0;
    this.send();
  }

  private send(): void {
    const p = this.inFlight;
    if (!p) return;
    this.attempts++;
    this.counters.sent++;
    this.transport.write(p.bytes);
    this.timer = this.timers.setTimeout(() => this.timeout(), this.opts.ackTimeoutMs);
  }

  private timeout(): void {
    const p = this.inFlight;
    if (!p) return;
    this.counters.timeouts++;
    if (this.attempts <= this.opts.retries) {
      this.counters.retries++;
      this.send();
      return;
    }
    this.finish();
    p.reject(
      new PanelError(
        `panel did not answer command ${p.packet.code} (${this.attempts} tries)`,
        'timeout',
      ),
    );
  }

  private finish(): void {
    this.timers.clearTimeout(this.timer);
    this.inFlight = undefined;
    queueMicrotask(() => this.next());
  }

  private receive(bytes: Buffer): void {
    for (const packet of this.decoder.push(bytes)) {
      if (packet.type === PacketType.report) {
        const key = parseKeyReport(packet);
        if (key) for (const l of this.keyListeners) l(key);
        else this.counters.stray++;
        continue;
      }
      const p = this.inFlight;
      if (!p || packet.code !== p.packet.code) {
        this.counters.stray++; // a late answer to a command already retried or given up
        continue;
      }
      this.finish();
      if (packet.type === PacketType.error) {
        this.counters.errors++;
        p.reject(new PanelError(`panel refused command ${packet.code}`, 'rejected'));
      } else {
        this.counters.answered++;
        p.resolve(packet);
      }
    }
  }
}
