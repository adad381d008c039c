/**
 * The BFD sessions of the config, on real sockets: one dual-stack UDP socket
 * on port 3784 hears every session (with each datagram's TTL, through the
 * addon), one UDP socket per session sends from a source port in
 * 49152-65535 with the configured TTL (RFC 5881). Each session's state is
 * session.ts's; this file only carries out its actions: sending, timers,
 * log lines, and telling the trackers (VRRP's track_bfd) when a session
 * goes Up or falls Down. keepalived runs this in a process of its own;
 * halb runs it in the daemon beside VRRP, so an event reaches an instance
 * in the same event-loop turn.
 */
import * as dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { randomInt } from 'node:crypto';
import type { BfdInstanceConfig } from '../config/bfd-config';
import type { Logger } from '../core/log';
import type { HalbSys } from '../platform/halb-sys';
import { parseIpv6Record } from '../vrrp/io/ipv6-record';
import {
  BFD_CONTROL_PORT,
  BFD_SOURCE_PORT_MAX,
  BFD_SOURCE_PORT_MIN,
  decodeControl,
  encodeControl,
  type BfdDropReason,
  type BfdState,
} from './packet';
import {
  initialSession,
  nextTimer,
  stepSession,
  type Session,
  type SessionAction,
  type SessionEnv,
  type SessionParams,
} from './session';

/** Why a datagram was dropped after decoding: the session lookup and its checks. */
export type BfdLookupDrop = 'no-session' | 'ttl' | 'auth';

export interface BfdSessionStatus {
  readonly name: string;
  readonly neighbor: string;
  readonly state: BfdState;
  readonly remoteState: BfdState;
  readonly localDiscr: number;
  readonly remoteDiscr: number;
  readonly diag: number;
  readonly remoteDiag: number;
  readonly txIntervalUs: number;
  readonly detectTimeUs: number;
  readonly sent: number;
  readonly received: number;
}

/** What VRRP's track_bfd reads. */
export interface BfdStates {
  /** Whether the session is Up; undefined: no such session. */
  isUp(name: string): boolean | undefined;
  /** Called when a session goes Up or falls from Up; returns the unsubscribe. */
  onChange(l: (name: string, up: boolean) => void): () => void;
}

/** An IPv4 peer on the dual-stack socket (::ffff:c000:20c) as its IPv4 address. */
export function unmap(a: string): string {
  const m = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(a);
  if (!m) return a;
  const hi = parseInt(m[1] as string, 16);
  const lo = parseInt(m[2] as string, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

class LiveSession {
  s: Session;
  cfg: BfdInstanceConfig;
  params: SessionParams;
  out: dgram.Socket | undefined;
  timer: NodeJS.Timeout | undefined;
  timerAt = Infinity;
  up = false;
  sent = 0;
  received = 0;
  sendError = false;

  constructor(cfg: BfdInstanceConfig) {
    this.cfg = cfg;
    this.params = paramsOf(cfg);
    this.s = initialSession(this.params);
  }
}

function paramsOf(c: BfdInstanceConfig): SessionParams {
  return {
    name: c.name,
    minRxUs: c.minRxUs,
    minTxUs: c.minTxUs,
    idleTxUs: c.idleTxUs,
    detectMult: c.multiplier,
    passive: c.passive,
  };
}

export class BfdService implements BfdStates {
  private readonly sessions = new Map<string, LiveSession>();
  private inFd = -1;
  private watcher: object | undefined;
  private readonly listeners = new Set<(name: string, up: boolean) => void>();
  readonly drops = new Map<BfdDropReason | BfdLookupDrop, number>();
  private disposed = false;
  private readonly env: SessionEnv = {
    random: () => Math.random(),
    newDiscr: () => {
      for (;;) {
        const d = randomInt(1, 0xffffffff);
        if (![...this.sessions.values()].some((x) => x.s.localDiscr === d)) return d;
      }
    },
  };

  constructor(
    private readonly sys: HalbSys,
    private readonly log: Logger,
    private readonly nowUs: () => number = () => performance.now() * 1000,
  ) {}

  /**
   * Starts the sessions of `configs`. A reload keeps every session whose
   * neighbour, source, TTL and passive setting stay (retune), and stops the others.
   */
  configure(configs: readonly BfdInstanceConfig[]): void {
    if (this.disposed) return;
    for (const [name, live] of this.sessions) {
      const now = configs.find((c) => c.name === name);
      if (!now || !sameEnds(now, live.cfg)) this.stopSession(name);
      else if (JSON.stringify(now) !== JSON.stringify(live.cfg)) this.retune(live, now);
    }
    if (configs.length === 0) {
      this.closeInput();
      return;
    }
    this.openInput();
    for (const c of configs) if (!this.sessions.has(c.name)) this.startSession(c);
  }

  isUp(name: string): boolean | undefined {
    return this.sessions.get(name)?.up;
  }

  /** The sessions BFD_CHECK may follow (`checker`, or neither `vrrp` nor `checker`), Up or not. */
  checkerStates(): Record<string, boolean> {
    const out: Record<string, boolean> = {};
    for (const [name, x] of this.sessions) if (x.cfg.checker) out[name] = x.up;
    return out;
  }

  onChange(l: (name: string, up: boolean) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  status(): BfdSessionStatus[] {
    return [...this.sessions.values()].map((x) => ({
      name: x.cfg.name,
      neighbor: x.cfg.neighbor,
      state: x.s.state,
      remoteState: x.s.remoteState,
      localDiscr: x.s.localDiscr,
      remoteDiscr: x.s.remoteDiscr,
      diag: x.s.diag,
      remoteDiag: x.s.remoteDiag,
      txIntervalUs: x.s.txUs,
      detectTimeUs: x.s.detectUs,
      sent: x.sent,
      received: x.received,
    }));
  }

  dispose(): void {
    if (this.disposed) return;
    for (const name of [...this.sessions.keys()]) this.stopSession(name);
    this.closeInput();
    this.disposed = true;
  }

  private openInput(): void {
    if (this.inFd >= 0) return;
    this.inFd = this.sys.udpOpen(BFD_CONTROL_PORT);
    this.watcher = this.sys.recvStart(this.inFd, 6, (buf, length) =>
      this.receiveBatch(buf, length),
    );
  }

  private closeInput(): void {
    if (this.inFd < 0) return;
    if (this.watcher) this.sys.recvStop(this.watcher);
    this.sys.close(this.inFd);
    this.inFd = -1;
    this.watcher = undefined;
  }

  /**
   * A reload changed a session's timers (or only what its trackers do with
   * it): the session goes on with its state, as keepalived carries it over,
   * and an Up session starts a Poll Sequence for the new values (RFC 5880
   * section 6.8.3), so the trackers see no flap.
   */
  private retune(live: LiveSession, next: BfdInstanceConfig): void {
    const timing = JSON.stringify(paramsOf(next)) !== JSON.stringify(live.params);
    live.cfg = next;
    live.params = paramsOf(next);
    if (timing && live.s.state === 'Up' && !live.s.final) live.s = { ...live.s, poll: true };
    if (timing) this.log.info(`(${next.name}) BFD timers changed by the reload`);
  }

  private startSession(c: BfdInstanceConfig): void {
    const live = new LiveSession(c);
    this.sessions.set(c.name, live);
    live.out = this.openOutput(c);
    this.step(live, { kind: 'start' });
  }

  private stopSession(name: string): void {
    const live = this.sessions.get(name);
    if (!live) return;
    this.sessions.delete(name);
    if (live.timer) clearTimeout(live.timer);
    live.out?.close();
    live.out = undefined;
    if (live.up) {
      live.up = false;
      this.emit(name, false);
    }
  }

  /** The sending socket: from source_ip on a free port of 49152-65535 (RFC 5881 section 4), TTL as configured. */
  private openOutput(c: BfdInstanceConfig): dgram.Socket {
    const sock = dgram.createSocket({ type: c.family === 6 ? 'udp6' : 'udp4' });
    let port = c.source ? randomInt(BFD_SOURCE_PORT_MIN, BFD_SOURCE_PORT_MAX + 1) : 0;
    const first = port;
    let bound = false;
    const bind = (): void => void sock.bind({ address: c.source, port, exclusive: true });
    sock.on('error', (err: NodeJS.ErrnoException) => {
      // A port in use: the next one, round the range, as keepalived does.
      if (!bound && err.code === 'EADDRINUSE' && c.source) {
        port = port >= BFD_SOURCE_PORT_MAX ? BFD_SOURCE_PORT_MIN : port + 1;
        if (port !== first) {
          bind();
          return;
        }
      }
      this.log.error(`(${c.name}) BFD socket error: ${err.message}`);
    });
    sock.on('listening', () => {
      bound = true;
      sock.unref();
      try {
        sock.setTTL(c.ttl);
      } catch (err) {
        this.log.error(`(${c.name}) setsockopt() error (${(err as Error).message})`);
      }
    });
    // Nothing is read from it: the peer answers to port 3784.
    sock.on('message', () => undefined);
    bind();
    return sock;
  }

  private step(live: LiveSession, e: Parameters<typeof stepSession>[2]): void {
    const r = stepSession(live.params, live.s, e, this.nowUs(), this.env);
    live.s = r.session;
    for (const a of r.actions) this.act(live, a);
    this.arm(live);
  }

  private act(live: LiveSession, a: SessionAction): void {
    switch (a.kind) {
      case 'send':
        this.send(live, encodeControl(a.packet));
        break;
      case 'log':
        if (a.level === 'warn') this.log.warn(a.text);
        else this.log.info(a.text);
        break;
      case 'event':
        if (live.up === a.up) break;
        live.up = a.up;
        this.emit(live.cfg.name, a.up);
        break;
    }
  }

  private send(live: LiveSession, bytes: Buffer): void {
    const sock = live.out;
    if (!sock) return;
    sock.send(bytes, BFD_CONTROL_PORT, live.cfg.neighbor, (err) => {
      if (err) {
        // Said once until a send works again (keepalived's send_error).
        if (!live.sendError)
          this.log.error(`(${live.cfg.name}) Error sending packet: ${err.message}`);
        live.sendError = true;
      } else {
        live.sendError = false;
        live.sent++;
      }
    });
  }

  private emit(name: string, up: boolean): void {
    for (const l of [...this.listeners]) l(name, up);
  }

  /** One timer per session, for its earliest of send, expiry and reset. */
  private arm(live: LiveSession): void {
    if (!this.sessions.has(live.cfg.name)) return;
    const at = nextTimer(live.s);
    if (at === live.timerAt && live.timer) return;
    if (live.timer) clearTimeout(live.timer);
    live.timer = undefined;
    live.timerAt = at ?? Infinity;
    if (at === null) return;
    const delayMs = Math.max(0, (at - this.nowUs()) / 1000);
    live.timer = setTimeout(() => {
      live.timer = undefined;
      live.timerAt = Infinity;
      this.step(live, { kind: 'timer' });
    }, delayMs);
  }

  private count(reason: BfdDropReason | BfdLookupDrop): void {
    this.drops.set(reason, (this.drops.get(reason) ?? 0) + 1);
  }

  private receiveBatch(buf: Buffer, length: number): void {
    let at = 0;
    while (at + 2 <= length && !this.disposed) {
      const end = at + 2 + buf.readUInt16BE(at);
      if (end > length) return;
      const rec = parseIpv6Record(buf, at + 2, end);
      at = end;
      if (rec) this.receive(unmap(rec.src), unmap(rec.dst), rec.hopLimit, rec.payload);
    }
  }

  /** RFC 5880 section 6.8.6: decode, find the session, check TTL and auth, then its state machine. */
  private receive(src: string, dst: string, ttl: number, payload: Buffer): void {
    // keepalived -D says why each one is discarded.
    const drop = (reason: BfdDropReason | BfdLookupDrop, why: string): void => {
      this.count(reason);
      this.log.detail(`Discarding bogus packet from ${src} (${why})`);
    };
    const d = decodeControl(payload);
    if (!d.ok) return drop(d.reason, d.reason);
    const p = d.packet;
    const live = lookup(this.sessions.values(), p.yourDiscr, src, dst);
    if (!live)
      return drop(
        'no-session',
        `session is not found - your discriminator field is 0x${p.yourDiscr.toString(16).padStart(8, '0')}, to ${dst}`,
      );
    // GTSM (RFC 5881 section 5), widened by max_hops (255: no check) as keepalived does.
    if (live.cfg.maxHops !== 255 && ttl > 0 && live.cfg.maxHops + ttl < live.cfg.ttl)
      return drop('ttl', `ttl ${ttl} < ${live.cfg.ttl - live.cfg.maxHops}`);
    if (p.authPresent) return drop('auth', 'auth bit is set, but no authentication is in use');
    live.received++;
    this.step(live, { kind: 'packet', packet: p });
  }
}

/** The same session on the wire: neighbour, source and TTL (the sending socket) unchanged. */
function sameEnds(a: BfdInstanceConfig, b: BfdInstanceConfig): boolean {
  return (
    a.neighbor === b.neighbor &&
    a.source === b.source &&
    a.family === b.family &&
    a.ttl === b.ttl &&
    a.passive === b.passive
  );
}

/**
 * The session a packet is for: by our discriminator when it names one, else
 * by the neighbour's address (and our source address, when configured).
 */
export function lookup<T extends { cfg: BfdInstanceConfig; s: Session }>(
  sessions: Iterable<T>,
  yourDiscr: number,
  src: string,
  dst: string,
): T | undefined {
  for (const x of sessions) {
    if (yourDiscr !== 0) {
      if (x.s.localDiscr === yourDiscr) return x;
    } else if (x.cfg.neighbor === src && (!x.cfg.source || x.cfg.source === dst)) return x;
  }
  return undefined;
}
