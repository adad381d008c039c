/**
 * The BFD session state machine on a virtual clock: two sessions talking
 * through a lossless wire (100 us each way), or one session and packets a
 * test writes.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import type { ControlPacket } from '../../src/bfd/packet';
import { controlPacket } from '../rigs/bfd-packets';
import {
  initialSession,
  nextTimer,
  stepSession,
  type Session,
  type SessionAction,
  type SessionEnv,
  type SessionParams,
} from '../../src/bfd/session';

const params = (name: string, extra: Partial<SessionParams> = {}): SessionParams => ({
  name,
  minRxUs: 100_000,
  minTxUs: 100_000,
  idleTxUs: 1_000_000,
  detectMult: 3,
  passive: false,
  ...extra,
});

let discr = 100;
const env = (): SessionEnv => ({ random: () => 0.5, newDiscr: () => ++discr });

interface Node {
  p: SessionParams;
  s: Session;
  log: SessionAction[];
  sentAt: number[];
  /** Stops sending and hearing (a dead box). */
  dead: boolean;
}

function node(p: SessionParams): Node {
  return { p, s: initialSession(p), log: [], sentAt: [], dead: false };
}

/** Two sessions on a wire; run(untilUs) carries every timer and packet in time order. */
function wire(a: Node, b: Node) {
  let now = 0;
  const flying: Array<{ at: number; to: Node; packet: ControlPacket }> = [];
  const e = env();
  const apply = (n: Node, r: ReturnType<typeof stepSession>): void => {
    n.s = r.session;
    for (const act of r.actions) {
      n.log.push(act);
      if (act.kind === 'send' && !n.dead) {
        n.sentAt.push(now);
        flying.push({ at: now + 100, to: n === a ? b : a, packet: act.packet });
      }
    }
  };
  const start = (n: Node): void => apply(n, stepSession(n.p, n.s, { kind: 'start' }, now, e));
  const run = (untilUs: number): void => {
    for (;;) {
      const timers = [a, b]
        .filter((n) => !n.dead)
        .map((n) => ({ n, at: nextTimer(n.s) }))
        .filter((x): x is { n: Node; at: number } => x.at !== null);
      const t = timers.sort((x, y) => x.at - y.at)[0];
      flying.sort((x, y) => x.at - y.at);
      const f = flying[0];
      const next = Math.min(t?.at ?? Infinity, f?.at ?? Infinity);
      if (next > untilUs) {
        now = untilUs;
        return;
      }
      now = next;
      if (f && f.at === next) {
        flying.shift();
        if (!f.to.dead)
          apply(f.to, stepSession(f.to.p, f.to.s, { kind: 'packet', packet: f.packet }, now, e));
      } else if (t) apply(t.n, stepSession(t.n.p, t.n.s, { kind: 'timer' }, now, e));
    }
  };
  return { start, run, now: () => now };
}

const events = (n: Node): boolean[] => n.log.flatMap((x) => (x.kind === 'event' ? [x.up] : []));
const logs = (n: Node): string[] => n.log.flatMap((x) => (x.kind === 'log' ? [x.text] : []));

describe('BFD session', () => {
  it('comes Up by the three-way handshake, then sends at the negotiated rate with 10-25 % jitter', () => {
    const a = node(params('a'));
    const b = node(params('b'));
    const w = wire(a, b);
    w.start(a);
    w.start(b);
    w.run(50_000);
    // Each sent its first packet at once and heard the other's Down: Init.
    assert.equal(a.s.state, 'Init');
    assert.equal(b.s.state, 'Init');
    // The next packets (idle rate, 1 s less jitter) say Init: Up.
    w.run(1_000_000);
    assert.equal(a.s.state, 'Up');
    assert.equal(b.s.state, 'Up');
    assert.deepEqual(events(a), [true]);
    assert.deepEqual(events(b), [true]);
    assert.ok(logs(a).includes('(a) Entering Up state'));
    w.run(3_000_000);
    // The Poll Sequence agreed the Up rate: 100 ms less 10-25 %.
    const gaps = a.sentAt.slice(-10).map((t, i, all) => (i ? t - (all[i - 1] as number) : 0));
    for (const g of gaps.slice(1)) assert.ok(g >= 75_000 && g <= 90_000, `gap ${g} us`);
    assert.equal(a.s.txUs, 100_000);
    assert.equal(a.s.detectUs, 300_000);
    assert.equal(a.s.poll, false);
    assert.equal(a.s.remoteDiscr, b.s.localDiscr);
  });

  it('expires a Detection Time after the last packet: Down, diagnostic 1, a new discriminator, then reset', () => {
    const a = node(params('a'));
    const b = node(params('b', { detectMult: 5 }));
    const w = wire(a, b);
    w.start(a);
    w.start(b);
    w.run(2_000_000);
    assert.equal(a.s.state, 'Up');
    // a's Detection Time: b's multiplier x max(a's min_rx, b's min_tx).
    assert.equal(a.s.detectUs, 500_000);
    const oldDiscr = a.s.localDiscr;
    b.dead = true;
    const lastHeard = Math.max(...b.sentAt);
    w.run(lastHeard + 500_000 + 100 - 1);
    assert.equal(a.s.state, 'Up');
    w.run(lastHeard + 500_000 + 100);
    assert.equal(a.s.state, 'Down');
    assert.equal(a.s.diag, 1);
    assert.equal(a.s.remoteDiscr, 0);
    assert.notEqual(a.s.localDiscr, oldDiscr);
    assert.deepEqual(events(a), [true, false]);
    assert.ok(logs(a).some((l) => /^\(a\) Expired after 500 ms \(0 usec overdue\)$/.test(l)));
    assert.ok(
      logs(a).includes(
        '(a) Entering Down state (Local diagnostic - Control Detection Time Expired, Remote diagnostic - No Diagnostic)',
      ),
    );
    // Down, it sends at the idle rate (1 s less jitter) while alone.
    const before = a.sentAt.length;
    w.run(w.now() + 3_000_000);
    assert.ok(a.sentAt.length - before >= 3 && a.sentAt.length - before <= 4);
    // b comes back: a new session comes Up.
    b.dead = false;
    b.s = initialSession(b.p);
    w.start(b);
    w.run(w.now() + 3_000_000);
    assert.equal(a.s.state, 'Up');
    assert.deepEqual(events(a), [true, false, true]);
  });

  it('falls Down when the neighbour says Down; AdminDown brings it Down without an event', () => {
    const a = node(params('a'));
    const st = controlPacket;
    const e = env();
    let s = stepSession(a.p, a.s, { kind: 'start' }, 0, e).session;
    s = stepSession(a.p, s, { kind: 'packet', packet: st({}) }, 1000, e).session;
    assert.equal(s.state, 'Init');
    let r = stepSession(
      a.p,
      s,
      { kind: 'packet', packet: st({ state: 'Up', yourDiscr: s.localDiscr }) },
      2000,
      e,
    );
    assert.equal(r.session.state, 'Up');
    r = stepSession(
      a.p,
      r.session,
      { kind: 'packet', packet: st({ state: 'Down', diag: 1 }) },
      3000,
      e,
    );
    assert.equal(r.session.state, 'Down');
    assert.equal(r.session.diag, 3);
    assert.deepEqual(
      r.actions.filter((x) => x.kind === 'event'),
      [{ kind: 'event', up: false }],
    );
    // Up again, then the neighbour goes AdminDown: Down, but no event (not a path failure).
    s = stepSession(a.p, r.session, { kind: 'packet', packet: st({}) }, 4000, e).session;
    s = stepSession(
      a.p,
      s,
      { kind: 'packet', packet: st({ state: 'Up', yourDiscr: s.localDiscr }) },
      5000,
      e,
    ).session;
    assert.equal(s.state, 'Up');
    r = stepSession(
      a.p,
      s,
      { kind: 'packet', packet: st({ state: 'AdminDown', diag: 7, yourDiscr: s.localDiscr }) },
      6000,
      e,
    );
    assert.equal(r.session.state, 'Down');
    assert.equal(
      r.actions.some((x) => x.kind === 'event'),
      false,
    );
  });

  it('answers a Poll at once with a Final', () => {
    const a = node(params('a'));
    const e = env();
    const s = stepSession(a.p, a.s, { kind: 'start' }, 0, e).session;
    const r = stepSession(
      a.p,
      s,
      {
        kind: 'packet',
        packet: {
          ...(
            stepSession(a.p, a.s, { kind: 'start' }, 0, e).actions[0] as { packet: ControlPacket }
          ).packet,
          myDiscr: 55,
          poll: true,
        },
      },
      10,
      e,
    );
    const sends = r.actions.filter((x) => x.kind === 'send');
    assert.equal(sends.length, 1);
    assert.equal((sends[0] as { packet: ControlPacket }).packet.final, true);
    assert.equal(r.session.final, false);
  });

  it('a passive session sends nothing until it hears its neighbour', () => {
    const a = node(params('a', { passive: true }));
    const b = node(params('b'));
    const w = wire(a, b);
    w.start(a);
    w.run(5_000_000);
    assert.equal(a.sentAt.length, 0);
    w.start(b);
    w.run(w.now() + 2_000_000);
    assert.ok(a.sentAt.length > 0);
    assert.equal(a.s.state, 'Up');
    assert.equal(b.s.state, 'Up');
  });
});
