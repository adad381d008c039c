/**
 * The CFA-635 commands halb uses, as data (command codes and layouts from the
 * CFA-635 data sheet, the same numbers as LCDproc's CFontz633io.h):
 *
 *   0  ping            data 0-16 bytes, echoed back in the response
 *   6  clear screen    no data
 *  31  send data to LCD  column (0-19), row (0-3), 1-20 characters
 *  34  set GPIO pin    index, duty 0-100 (% on)
 *
 * and the report the panel sends by itself:
 *
 *   0x80 key activity  one byte: 1-6 press (up, down, left, right, enter,
 *                      exit), 7-12 the matching release
 *
 * The four bicolor LEDs are GPIO pins: LED 0 (top) green 11 / red 12,
 * LED 1 9 / 10, LED 2 7 / 8, LED 3 (bottom) 5 / 6.
 */
import { PacketType, type Packet } from './codec';

export const Command = {
  ping: 0,
  clearScreen: 6,
  sendData: 31,
  setGpio: 34,
} as const;

export const REPORT_KEY_ACTIVITY = 0;

export const COLUMNS = 20;
export const ROWS = 4;
export const LED_COUNT = 4;

export const KEYS = ['up', 'down', 'left', 'right', 'enter', 'exit'] as const;
export type PanelKey = (typeof KEYS)[number];

export interface KeyEvent {
  readonly key: PanelKey;
  readonly pressed: boolean;
}

/** GPIO index of each LED's green and red die, LED 0 at the top. */
export function ledPins(led: number): { readonly green: number; readonly red: number } {
  if (!Number.isInteger(led) || led < 0 || led >= LED_COUNT) {
    throw new RangeError(`panel LED ${led} is not 0-${LED_COUNT - 1}`);
  }
  return { green: 11 - 2 * led, red: 12 - 2 * led };
}

const command = (code: number, data: Buffer = Buffer.alloc(0)): Packet => ({
  type: PacketType.command,
  code,
  data,
});

export const ping = (payload: Buffer = Buffer.alloc(0)): Packet => command(Command.ping, payload);

export const clearScreen = (): Packet => command(Command.clearScreen);

export function setGpio(pin: number, dutyPercent: number): Packet {
  const duty = Math.max(0, Math.min(100, Math.round(dutyPercent)));
  return command(Command.setGpio, Buffer.from([pin, duty]));
}

/** One whole row, padded with spaces; characters outside printable ASCII become '?'. */
export function writeRow(row: number, text: string): Packet {
  if (!Number.isInteger(row) || row < 0 || row >= ROWS) {
    throw new RangeError(`panel row ${row} is not 0-${ROWS - 1}`);
  }
  const chars = Buffer.from(
    text
      .slice(0, COLUMNS)
      .padEnd(COLUMNS, ' ')
      .replace(/[^\x20-\x7e]/g, '?'),
    'latin1',
  );
  return command(Command.sendData, Buffer.concat([Buffer.from([0, row]), chars]));
}

export function keyReport(key: PanelKey, pressed: boolean): Packet {
  const code = KEYS.indexOf(key) + 1 + (pressed ? 0 : KEYS.length);
  return { type: PacketType.report, code: REPORT_KEY_ACTIVITY, data: Buffer.from([code]) };
}

/** A key activity report's meaning, or undefined for any other packet. */
export function parseKeyReport(p: Packet): KeyEvent | undefined {
  if (p.type !== PacketType.report || p.code !== REPORT_KEY_ACTIVITY || p.data.length !== 1) {
    return undefined;
  }
  const code = p.data[0]!;
  if (code < 1 || code > 2 * KEYS.length) return undefined;
  const key = KEYS[(code - 1) % KEYS.length]!;
  return { key, pressed: code <= KEYS.length };
}
