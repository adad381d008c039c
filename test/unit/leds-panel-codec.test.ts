import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  crc16,
  encodePacket,
  PacketDecoder,
  PacketType,
  type Packet,
} from '../../src/leds/panel/codec';
import {
  clearScreen,
  keyReport,
  ledPins,
  parseKeyReport,
  ping,
  setGpio,
  writeRow,
} from '../../src/leds/panel/cfa635';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const HOST_SIDE = [PacketType.response, PacketType.report, PacketType.error];

/*
 * Golden packets: the CRC bytes were computed by a bit-at-a-time CRC-16/X-25
 * written apart from src/ (reflected 0x8408, init 0xFFFF, complemented,
 * check("123456789") = 0x906E), LSB first as the data sheet says.
 */
const GOLDEN: Array<[string, Packet, string]> = [
  ['ping, no data', ping(), '00 00 47 0f'],
  ['clear screen', clearScreen(), '06 00 97 5b'],
  ['LED 0 green on (GPIO 11, 100 %)', setGpio(11, 100), '22 02 0b 64 c9 3e'],
  [
    'row 1 "MASTER"',
    writeRow(1, 'MASTER'),
    '1f 16 00 01 4d 41 53 54 45 52 20 20 20 20 20 20 20 20 20 20 20 20 20 20 83 31',
  ],
  ['key report: enter pressed', keyReport('enter', true), '80 01 05 55 84'],
  ['response to set GPIO', { type: 1, code: 34, data: Buffer.alloc(0) }, '62 00 a2 59'],
  ['error response to set GPIO', { type: 3, code: 34, data: Buffer.alloc(0) }, 'e2 00 6e d5'],
];

describe('CFA-635 codec', () => {
  it('CRC-16 is X-25: the catalogue check value of "123456789" is 0x906E', () => {
    assert.equal(crc16(Buffer.from('123456789')), 0x906e);
  });

  for (const [name, packet, bytes] of GOLDEN) {
    it(`encodes and decodes ${name}`, () => {
      assert.equal(encodePacket(packet).toString('hex'), hex(bytes).toString('hex'));
      const d = new PacketDecoder([PacketType.command, ...HOST_SIDE]);
      const [back] = d.push(hex(bytes));
      assert.deepEqual(back, { ...packet, data: Buffer.from(packet.data) });
    });
  }

  it('refuses codes above 63 and data above 22 bytes', () => {
    assert.throws(() => encodePacket({ type: 0, code: 64, data: Buffer.alloc(0) }), /code 64/);
    assert.throws(() => encodePacket({ type: 0, code: 1, data: Buffer.alloc(23) }), /23 bytes/);
  });

  it('round-trips random packets, fed in random chunks', () => {
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const packets: Packet[] = [];
    for (let i = 0; i < 300; i++) {
      const data = Buffer.alloc(rnd(23));
      for (let j = 0; j < data.length; j++) data[j] = rnd(256);
      packets.push({ type: (1 + rnd(3)) as PacketType, code: rnd(64), data });
    }
    const stream = Buffer.concat(packets.map(encodePacket));
    const d = new PacketDecoder(HOST_SIDE);
    const out: Packet[] = [];
    for (let at = 0; at < stream.length;) {
      const n = 1 + rnd(9);
      out.push(...d.push(stream.subarray(at, at + n)));
      at += n;
    }
    assert.deepEqual(out, packets);
    assert.equal(d.pending, 0);
    assert.equal(d.skippedBytes, 0);
  });

  it('resyncs after garbage before, between and inside packets', () => {
    const a = encodePacket({ type: 1, code: 34, data: Buffer.alloc(0) });
    const b = encodePacket(keyReport('up', true));
    const corrupt = Buffer.from(a);
    corrupt[3]! ^= 0xff; // bad CRC
    const d = new PacketDecoder(HOST_SIDE);
    const got = d.push(
      Buffer.concat([hex('ff 13 40 99'), a, corrupt, hex('7f 55'), b, hex('41 05 01'), a]),
    );
    assert.deepEqual(
      got.map((p) => [p.type, p.code]),
      [
        [1, 34],
        [2, 0],
        [1, 34],
      ],
    );
    assert.ok(d.skippedBytes >= 4 + corrupt.length + 2 + 3, `skipped ${d.skippedBytes}`);
    assert.ok(d.drops['bad-crc'] + d.drops['bad-type'] + d.drops['bad-length'] > 0);
  });

  it('does not wait for a long "packet" that garbage announces when a valid one follows', () => {
    // 0x41 0x10 looks like a 16-byte response header; the real packet after it is complete.
    const good = encodePacket({ type: 1, code: 6, data: Buffer.alloc(0) });
    const d = new PacketDecoder(HOST_SIDE);
    const got = d.push(Buffer.concat([hex('41 10'), good]));
    assert.equal(got.length, 1);
    assert.equal(got[0]!.code, 6);
    assert.equal(d.pending, 0);
  });

  it('keeps a partial packet until the rest arrives', () => {
    const p = encodePacket(writeRow(0, 'halb-1'));
    const d = new PacketDecoder([PacketType.command]);
    assert.deepEqual(d.push(p.subarray(0, 10)), []);
    assert.equal(d.pending, 10);
    assert.equal(d.push(p.subarray(10)).length, 1);
  });

  it('drops a length over 22 and commands on the host side', () => {
    const d = new PacketDecoder(HOST_SIDE);
    assert.deepEqual(d.push(hex('41 17 00 00')), []);
    assert.deepEqual(d.push(encodePacket(ping())), []);
    assert.equal(d.drops['bad-length'] > 0, true);
    assert.equal(d.drops['bad-type'] > 0, true);
  });
});

describe('CFA-635 commands', () => {
  it('maps the four bicolor LEDs to GPIO pins, top first', () => {
    assert.deepEqual([0, 1, 2, 3].map(ledPins), [
      { green: 11, red: 12 },
      { green: 9, red: 10 },
      { green: 7, red: 8 },
      { green: 5, red: 6 },
    ]);
    assert.throws(() => ledPins(4), /not 0-3/);
  });
  it('pads rows to 20 columns and replaces what the panel cannot show', () => {
    const p = writeRow(2, 'vip 10.0.0.1 \u00e9 and more than twenty');
    assert.equal(p.data.length, 22);
    assert.equal(p.data.subarray(2).toString('latin1'), 'vip 10.0.0.1 ? and m');
  });
  it('parses key reports, presses and releases', () => {
    assert.deepEqual(parseKeyReport(keyReport('exit', false)), { key: 'exit', pressed: false });
    assert.deepEqual(parseKeyReport(keyReport('up', true)), { key: 'up', pressed: true });
    assert.equal(parseKeyReport({ type: 2, code: 0, data: Buffer.from([13]) }), undefined);
    assert.equal(parseKeyReport({ type: 1, code: 0, data: Buffer.from([1]) }), undefined);
  });
  it('clamps GPIO duty to 0-100', () => {
    assert.deepEqual([...setGpio(5, 250).data], [5, 100]);
    assert.deepEqual([...setGpio(5, -3).data], [5, 0]);
  });
});
