/**
 * The netlink socket guard: an 'error' event (an overrun) never goes unheard,
 * fails the requests waiting for replies, and tells an event socket's owner
 * that events were lost. A fake socket stands in for the package's
 * NetlinkSocket (its 'error' event and its map of requests in flight); the
 * real overrun is exercised by test/netns/vrrp-mass-transition.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { NetlinkSocket } from 'netlink/dist/netlink';
import { guardEvents, guardRequests } from '../../src/platform/netlink-guard';

class FakeSocket extends EventEmitter {
  readonly requests = new Map<number, (err: Error | null) => void>();
  rcvbuf = 0;
  setRecvBufferSize(n: number): void {
    this.rcvbuf = n;
  }
}

const enobufs = (): NodeJS.ErrnoException =>
  Object.assign(new Error('Error when receiving Netlink message: no buffer space available'), {
    code: 'ENOBUFS',
  });

describe('netlink guard', () => {
  it("a listener's exception is reported, never thrown into the native callback", async () => {
    const s = new FakeSocket();
    guardEvents(s as unknown as NetlinkSocket, () => undefined);
    const heard: number[] = [];
    s.on('message', () => {
      throw new Error('ifNameToIndex: eth0: No such device');
    });
    s.on('message', (n: number) => heard.push(n));
    const warned = new Promise<Error>((resolve) => process.once('warning', resolve));
    assert.doesNotThrow(() => s.emit('message', 1));
    assert.match((await warned).message, /netlink 'message' listener failed: Error: ifNameToIndex/);
    assert.doesNotThrow(() => s.emit('message', 2), 'the socket goes on');
    assert.deepEqual(heard, [1, 2], 'the other listeners hear every event');
  });

  it('request socket: a big buffer, and an error fails every request in flight', () => {
    const s = new FakeSocket();
    const seen: Array<string | null> = [];
    s.requests.set(1, (e) => seen.push(e?.message ?? null));
    s.requests.set(2, (e) => seen.push(e?.message ?? null));
    const errors: string[] = [];
    guardRequests(s as unknown as NetlinkSocket, (e) => errors.push(e.message));
    assert.equal(s.rcvbuf, 1 << 20);
    assert.doesNotThrow(() => s.emit('error', enobufs()));
    assert.equal(seen.length, 2);
    assert.match(seen[0] ?? '', /no buffer space/);
    assert.equal(errors.length, 1);
  });

  it('event socket: an overrun means events were lost; other errors are reported', () => {
    const s = new FakeSocket();
    let lost = 0;
    const other: string[] = [];
    guardEvents(
      s as unknown as NetlinkSocket,
      () => lost++,
      (m) => other.push(m),
    );
    s.emit('error', enobufs());
    s.emit('error', Object.assign(new Error('something else'), { code: 'EIO' }));
    assert.equal(lost, 1);
    assert.deepEqual(other, ['something else']);
  });

  it('an unguarded socket would throw: the reason the guard exists', () => {
    const s = new FakeSocket();
    assert.throws(() => s.emit('error', enobufs()), /no buffer space/);
  });
});
