/**
 * A CFA-635-style front panel in software: the far end of the same packet
 * protocol, over any ByteTransport (a pty, QEMU's serial port through a unix
 * socket, an in-memory pair). It keeps what a real panel would show (four
 * bicolor LEDs, 4 x 20 characters), answers every command as the panel does
 * (response type 1, or error type 3 for a command it cannot carry out),
 * and lets a test press keys, inject line noise or lose answers.
 */
import { encodePacket, PacketDecoder, PacketType, type Packet } from '../panel/codec';
import {
  Command,
  COLUMNS,
  keyReport,
  LED_COUNT,
  ledPins,
  ROWS,
  type PanelKey,
} from '../panel/cfa635';
import type { ByteTransport } from '../panel/transport';

export type SimColor = 'off' | 'green' | 'red' | 'amber';

export interface SimState {
  readonly leds: readonly SimColor[];
  readonly rows: readonly string[];
}

const GPIO_PINS = 13;

export class PanelSimulator {
  private readonly decoder = new PacketDecoder([PacketType.command]);
  private readonly gpio = new Array<number>(GPIO_PINS).fill(0);
  private rowText: string[] = new Array<string>(ROWS).fill(' '.repeat(COLUMNS));
  private unanswered = 0;
  private readonly listeners: Array<(s: SimState, cmd: Packet) => void> = [];
  /** Every command received, in order (tests read what the host sent). */
  readonly received: Packet[] = [];

  constructor(private readonly transport: ByteTransport) {
    transport.onData((b) => {
      for (const p of this.decoder.push(b)) this.handle(p);
    });
  }

  state(): SimState {
    const leds: SimColor[] = [];
    for (let i = 0; i < LED_COUNT; i++) {
      const { green, red } = ledPins(i);
      const g = this.gpio[green]! > 0;
      const r = this.gpio[red]! > 0;
      leds.push(g && r ? 'amber' : g ? 'green' : r ? 'red' : 'off');
    }
    return { leds, rows: [...this.rowText] };
  }

  /** Calls back after every command that was carried out. */
  onChange(listener: (s: SimState, cmd: Packet) => void): void {
    this.listeners.push(listener);
  }

  /** The next n commands get no answer (a lost ACK: the host must retry). */
  loseAnswers(n: number): void {
    this.unanswered += n;
  }

  /** Ends loseAnswers(): every command is answered again. */
  answerAgain(): void {
    this.unanswered = 0;
  }

  pressKey(key: PanelKey): void {
    this.transport.write(encodePacket(keyReport(key, true)));
    this.transport.write(encodePacket(keyReport(key, false)));
  }

  injectGarbage(bytes: Buffer): void {
    this.transport.write(bytes);
  }

  get decodeDrops(): Readonly<Record<string, number>> {
    return this.decoder.drops;
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  private handle(p: Packet): void {
    this.received.push(p);
    const ok = this.apply(p);
    if (this.unanswered > 0) {
      this.unanswered--;
      return;
    }
    const type = ok ? PacketType.response : PacketType.error;
    const data = ok && p.code === Command.ping ? p.data : Buffer.alloc(0);
    this.transport.write(encodePacket({ type, code: p.code, data }));
    if (ok) for (const l of this.listeners) l(this.state(), p);
  }

  /** Carries out one command; false when the panel would answer with an error. */
  private apply(p: Packet): boolean {
    const d = p.data;
    switch (p.code) {
      case Command.ping:
        return d.length <= 16;
      case Command.clearScreen:
        this.rowText = this.rowText.map(() => ' '.repeat(COLUMNS));
        return d.length === 0;
      case Command.sendData: {
        if (d.length < 3) return false;
        const col = d[0]!;
        const row = d[1]!;
        if (col >= COLUMNS || row >= ROWS) return false;
        const text = d
          .subarray(2)
          .toString('latin1')
          .slice(0, COLUMNS - col);
        const old = this.rowText[row]!;
        this.rowText[row] = old.slice(0, col) + text + old.slice(col + text.length);
        return true;
      }
      case Command.setGpio: {
        if (d.length < 2 || d.length > 3) return false;
        const pin = d[0]!;
        const duty = d[1]!;
        if (pin >= GPIO_PINS || duty > 100) return false;
        this.gpio[pin] = duty;
        return true;
      }
      default:
        return false;
    }
  }
}
