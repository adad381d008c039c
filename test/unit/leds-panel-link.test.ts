import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodePacket, PacketDecoder, PacketType, type Packet } from '../../src/leds/panel/codec';
import { keyReport, ping, setGpio, writeRow } from '../../src/leds/panel/cfa635';
import { PanelLink, PanelError } from '../../src/leds/panel/link';
import { transportPair } from '../../src/leds/panel/transport';
import type { KeyEvent } from '../../src/leds/panel/cfa635';
import { FakeTimers, settle } from '../rigs/fake-timers';

/** The panel's end, scripted by the test: it sees each command and answers by hand. */
function rig(opts = { ackTimeoutMs: 250, retries: 2 }) {
  const timers = new FakeTimers();
  const [host, panel] = transportPair();
  const link = new PanelLink(host, timers, opts);
  const seen: Packet[] = [];
  const decoder = new PacketDecoder([PacketType.command]);
  panel.onData((b) => seen.push(...decoder.push(b)));
  const answer = (p: Packet, type: PacketType = PacketType.response, data = Buffer.alloc(0)) =>
    panel.write(encodePacket({ type, code: p.code, data }));
  return { timers, link, panel, seen, answer };
}

describe('panel link', () => {
  it('keeps one command in flight: the next is sent only after the answer', async () => {
    const r = rig();
    const a = r.link.request(setGpio(11, 100));
    const b = r.link.request(writeRow(0, 'halb'));
    await settle();
    assert.deepEqual(
      r.seen.map((p) => p.code),
      [34],
    );
    r.answer(r.seen[0]!);
    assert.equal((await a).code, 34);
    await settle();
    assert.deepEqual(
      r.seen.map((p) => p.code),
      [34, 31],
    );
    r.answer(r.seen[1]!);
    assert.equal((await b).type, PacketType.response);
    assert.equal(r.link.counters.answered, 2);
    await r.link.dispose();
  });

  it('resends after the ACK timeout, and gives up after the retries', async () => {
    const r = rig({ ackTimeoutMs: 250, retries: 2 });
    const done = r.link.request(setGpio(12, 100)).then(
      () => 'answered',
      (e: PanelError) => e.code,
    );
    await r.timers.advance(249);
    assert.equal(r.seen.length, 1, 'no resend before the timeout');
    await r.timers.advance(1);
    assert.equal(r.seen.length, 2, 'first retry at 250 ms');
    await r.timers.advance(250);
    assert.equal(r.seen.length, 3, 'second retry at 500 ms');
    await r.timers.advance(250);
    assert.equal(await done, 'timeout');
    assert.equal(r.seen.length, 3, 'no more than 1 + retries sends');
    assert.deepEqual(
      { timeouts: r.link.counters.timeouts, retries: r.link.counters.retries },
      { timeouts: 3, retries: 2 },
    );
    assert.equal(r.timers.pending, 0, 'no timer left behind');
    await r.link.dispose();
  });

  it('a retried command completes when the retry is answered', async () => {
    const r = rig();
    const done = r.link.request(ping(Buffer.from('hi')));
    await r.timers.advance(250);
    assert.equal(r.seen.length, 2);
    r.answer(r.seen[1]!, PacketType.response, Buffer.from('hi'));
    assert.deepEqual([...(await done).data], [...Buffer.from('hi')]);
    assert.equal(r.timers.pending, 0);
    await r.link.dispose();
  });

  it("rejects on the panel's error response and goes on with the next command", async () => {
    const r = rig();
    const bad = r.link.request(setGpio(40, 100)).catch((e: PanelError) => e.code);
    const next = r.link.request(ping());
    await settle();
    r.answer(r.seen[0]!, PacketType.error);
    assert.equal(await bad, 'rejected');
    await settle();
    r.answer(r.seen[1]!);
    assert.equal((await next).code, 0);
    assert.equal(r.link.counters.errors, 1);
    await r.link.dispose();
  });

  it('hands key reports to listeners, even while a command waits', async () => {
    const r = rig();
    const keys: KeyEvent[] = [];
    r.link.onKey((k) => keys.push(k));
    const pending = r.link.request(ping());
    r.panel.write(encodePacket(keyReport('enter', true)));
    r.panel.write(encodePacket(keyReport('enter', false)));
    await settle();
    assert.deepEqual(keys, [
      { key: 'enter', pressed: true },
      { key: 'enter', pressed: false },
    ]);
    r.answer(r.seen[0]!);
    await pending;
    await r.link.dispose();
  });

  it('finds the answer behind line noise', async () => {
    const r = rig();
    const done = r.link.request(setGpio(9, 100));
    await settle();
    r.panel.write(Buffer.from([0x41, 0x10, 0xff, 0x00, 0x62]));
    r.answer(r.seen[0]!);
    assert.equal((await done).code, 34);
    assert.ok((r.link.drops.skippedBytes ?? 0) >= 5);
    await r.link.dispose();
  });

  it('counts an answer to nothing as stray, and dispose rejects what is queued', async () => {
    const r = rig();
    r.panel.write(encodePacket({ type: PacketType.response, code: 7, data: Buffer.alloc(0) }));
    await settle();
    assert.equal(r.link.counters.stray, 1);
    const a = r.link.request(ping()).catch((e: PanelError) => e.code);
    const b = r.link.request(ping()).catch((e: PanelError) => e.code);
    await r.link.dispose();
    assert.deepEqual([await a, await b], ['closed', 'closed']);
    assert.equal(r.timers.pending, 0);
    assert.equal(await r.link.request(ping()).catch((e: PanelError) => e.code), 'closed');
  });
});
