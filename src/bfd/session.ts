/**
 * One BFD session (RFC 5880 section 6.8, asynchronous mode, no echo, no
 * demand, no authentication) as keepalived 2.2.7's bfd_scheduler.c runs it:
 * a pure function of (parameters, state, event, now, chance) returning the
 * new state and the actions a driver carries out. Times are microseconds on
 * the caller's monotonic clock, so every timer is exact in tests.
 *
 * Three timers, as keepalived's three threads: the sender (every negotiated
 * transmit interval less 10-25 % jitter, RFC 5880 section 6.8.7), the
 * expiry (the Detection Time after the last packet, section 6.8.4) and the
 * reset (the Detection Time after falling Down, which forgets the remote
 * session so that a new one can start).
 */
import {
  DIAG_EXPIRED,
  DIAG_NEIGHBOR_DOWN,
  DIAG_NONE,
  DIAG_TEXT,
  type BfdState,
  type ControlPacket,
} from './packet';

export interface SessionParams {
  readonly name: string;
  /** Required Min RX Interval we announce, microseconds. */
  readonly minRxUs: number;
  /** Desired Min TX Interval while Up, microseconds. */
  readonly minTxUs: number;
  /** Desired Min TX Interval while not Up (RFC 5880: at least one second), microseconds. */
  readonly idleTxUs: number;
  readonly detectMult: number;
  /** Sends nothing until the remote system does (RFC 5880 section 6.1). */
  readonly passive: boolean;
}

export interface Session {
  readonly state: BfdState;
  readonly diag: number;
  readonly localDiscr: number;
  readonly remoteState: BfdState;
  readonly remoteDiscr: number;
  readonly remoteDiag: number;
  readonly remoteMinTxUs: number;
  readonly remoteMinRxUs: number;
  readonly remoteDetectMult: number;
  readonly remoteDemand: boolean;
  readonly poll: boolean;
  readonly final: boolean;
  /** The negotiated transmit interval. */
  readonly txUs: number;
  /** The remote's transmit interval as we accept it. */
  readonly remoteTxUs: number;
  /** How long without a packet before the session goes Down (section 6.8.4). */
  readonly detectUs: number;
  readonly lastSeen: number;
  /** When each timer runs next; null: not armed. */
  readonly sendAt: number | null;
  readonly expireAt: number | null;
  readonly resetAt: number | null;
}

export type SessionEvent =
  | { readonly kind: 'start' }
  | { readonly kind: 'packet'; readonly packet: ControlPacket }
  /** A timer may be due: every due one runs. */
  | { readonly kind: 'timer' };

/** What the driver supplies: chance, and discriminators unique among its sessions. */
export interface SessionEnv {
  /** In [0, 1). */
  random(): number;
  /** A new non-zero local discriminator that no other session holds. */
  newDiscr(): number;
}

export type SessionAction =
  | { readonly kind: 'send'; readonly packet: ControlPacket }
  /** The session went Up, or fell from Up: tell the trackers (keepalived's bfd_event_send). */
  | { readonly kind: 'event'; readonly up: boolean }
  | { readonly kind: 'log'; readonly level: 'info' | 'warn'; readonly text: string };

export interface SessionStep {
  readonly session: Session;
  readonly actions: readonly SessionAction[];
}

/** The state of a session not yet started. */
export function initialSession(p: SessionParams): Session {
  return {
    state: 'Down',
    diag: DIAG_NONE,
    localDiscr: 0,
    remoteState: 'Down',
    remoteDiscr: 0,
    remoteDiag: DIAG_NONE,
    remoteMinTxUs: 0,
    remoteMinRxUs: 0,
    remoteDetectMult: 0,
    remoteDemand: false,
    poll: false,
    final: false,
    txUs: p.idleTxUs,
    remoteTxUs: 0,
    detectUs: 0,
    lastSeen: 0,
    sendAt: null,
    expireAt: null,
    resetAt: null,
  };
}

/** The earliest armed timer, or null. */
export function nextTimer(s: Session): number | null {
  let at: number | null = null;
  for (const t of [s.sendAt, s.expireAt, s.resetAt])
    if (t !== null && (at === null || t < at)) at = t;
  return at;
}

/**
 * The sender's next run: the interval less a jitter of 10 to 25 % (RFC 5880
 * section 6.8.7: 0-25 %, and at most 90 % with a multiplier of 1; keepalived
 * always takes at least 10 %).
 */
function nextSend(s: Session, now: number, random: () => number): number {
  const min = Math.floor(s.txUs / 10);
  const max = Math.floor(s.txUs / 4);
  return now + s.txUs - (min + Math.floor(random() * (max - min + 1)));
}

/** The packet the session sends now (bfd.c bfd_build_packet). */
function packetOf(p: SessionParams, s: Session): ControlPacket {
  return {
    diag: s.diag,
    state: s.state,
    poll: s.poll,
    final: s.final,
    controlPlaneIndependent: false,
    authPresent: false,
    demand: false,
    multipoint: false,
    detectMult: p.detectMult,
    myDiscr: s.localDiscr,
    yourDiscr: s.remoteDiscr,
    desiredMinTxUs: s.state === 'Up' ? p.minTxUs : p.idleTxUs,
    requiredMinRxUs: p.minRxUs,
    requiredMinEchoRxUs: 0,
  };
}

class Stepper {
  s: { -readonly [K in keyof Session]: Session[K] };
  readonly actions: SessionAction[] = [];

  constructor(
    private readonly p: SessionParams,
    s: Session,
    private readonly now: number,
    private readonly env: SessionEnv,
  ) {
    this.s = { ...s };
  }

  log(level: 'info' | 'warn', text: string): void {
    this.actions.push({ kind: 'log', level, text: `(${this.p.name}) ${text}` });
  }

  /** Sends a packet now; a Final answers one Poll only. */
  send(): void {
    // Answering a poll while wanting one: the new values go with the Final.
    if (this.s.poll && this.s.final) this.s.poll = false;
    this.actions.push({ kind: 'send', packet: packetOf(this.p, this.s) });
    this.s.final = false;
  }

  scheduleSend(): void {
    this.s.sendAt = nextSend(this.s, this.now, this.env.random);
  }

  idleTx(): void {
    this.s.txUs = Math.max(this.p.idleTxUs, this.s.remoteMinRxUs);
  }

  /** Down and AdminDown: back to the slow rate, no expiry. */
  private fall(event: boolean): void {
    // RFC 5880 section 6.8.3: not Up, DesiredMinTxInterval at least one second.
    this.idleTx();
    this.s.expireAt = null;
    // The remote saying AdminDown is not a path failure (RFC 5880 section 6.8.6).
    if (event && this.s.remoteState !== 'AdminDown')
      this.actions.push({ kind: 'event', up: false });
  }

  down(diag: number): void {
    const wasUp = this.s.state === 'Up';
    if (wasUp) {
      // A session that was Up gets a new discriminator (keepalived's bfd_state_down).
      this.s.localDiscr = this.env.newDiscr();
      this.log(
        'warn',
        `Entering Down state (Local diagnostic - ${DIAG_TEXT[diag]}, Remote diagnostic - ${DIAG_TEXT[this.s.remoteDiag] ?? 'Unknown'})`,
      );
    }
    this.s.state = 'Down';
    this.s.diag = diag;
    this.s.resetAt = this.now + this.s.detectUs;
    if (this.p.passive) this.s.sendAt = null;
    this.fall(wasUp);
  }

  /** Init and Up: the expiry runs. */
  private rise(): void {
    this.s.diag = DIAG_NONE;
    if (this.s.state === 'Up') this.log('info', 'Entering Up state');
    this.s.resetAt = null;
    if (this.s.expireAt === null) this.s.expireAt = this.now + this.s.detectUs;
  }

  up(): void {
    this.s.state = 'Up';
    this.rise();
    // The faster Up rate is agreed by a Poll Sequence (RFC 5880 section 6.8.3).
    if (this.p.idleTxUs !== this.p.minTxUs && !this.s.final) this.s.poll = true;
    this.actions.push({ kind: 'event', up: true });
  }

  init(): void {
    this.s.state = 'Init';
    this.rise();
    if (this.p.passive && this.s.sendAt === null) this.scheduleSend();
  }
}

function receive(st: Stepper, p: SessionParams, pkt: ControlPacket, now: number): void {
  const s = st.s;
  // AdminDown: keepalived's state while it cannot open its sending socket; it hears nothing.
  if (s.state === 'AdminDown') return;
  const oldTx = s.txUs;
  const oldDetect = s.detectUs;
  s.remoteDiscr = pkt.myDiscr;
  s.remoteState = pkt.state;
  s.remoteDiag = pkt.diag;
  s.remoteMinRxUs = pkt.requiredMinRxUs;
  s.remoteMinTxUs = pkt.desiredMinTxUs;
  s.remoteDemand = pkt.demand;
  s.remoteDetectMult = pkt.detectMult;
  // A Final ends our Poll Sequence (section 6.5).
  if (pkt.final) s.poll = false;
  // Intervals change only through a Poll Sequence while Up (section 6.8.3).
  if (s.state !== 'Up' || pkt.poll || pkt.final) {
    if (s.remoteState === 'Up' && (s.state === 'Init' || s.state === 'Up'))
      s.txUs = Math.max(p.minTxUs, s.remoteMinRxUs);
    else st.idleTx();
    s.remoteTxUs = Math.max(p.minRxUs, s.remoteMinTxUs);
  }
  // Section 6.8.4: the remote's multiplier times the agreed remote interval.
  s.detectUs = s.remoteDetectMult * s.remoteTxUs;
  if (s.txUs < oldTx && s.sendAt !== null) st.scheduleSend();
  if (s.detectUs !== oldDetect)
    st.actions.push({
      kind: 'log',
      level: 'info',
      text: `${' '.repeat(p.name.length + 2)} Detection time is ${s.detectUs} us (was ${oldDetect} us)`,
    });
  // The state table of section 6.8.6.
  if (s.remoteState === 'AdminDown') {
    if (s.state !== 'Down') st.down(DIAG_NEIGHBOR_DOWN);
  } else if (s.state === 'Down') {
    if (s.remoteState === 'Down') st.init();
    else if (s.remoteState === 'Init') st.up();
  } else if (s.state === 'Init') {
    if (s.remoteState === 'Init' || s.remoteState === 'Up') st.up();
  } else if (s.remoteState === 'Down') st.down(DIAG_NEIGHBOR_DOWN);
  const bothUp = s.state === 'Up' && s.remoteState === 'Up';
  if (s.remoteDemand && bothUp) s.sendAt = null;
  else if (s.sendAt === null) st.scheduleSend();
  // A Poll is answered at once with a Final (section 6.5).
  if (pkt.poll) {
    s.final = true;
    st.send();
  }
  s.lastSeen = now;
  if (s.state === 'Up' && s.expireAt !== null) s.expireAt = now + s.detectUs;
}

function timers(st: Stepper, now: number): void {
  const s = st.s;
  if (s.expireAt !== null && s.expireAt <= now) {
    s.expireAt = null;
    const deadMs = Math.floor((now - s.lastSeen) / 1000);
    if (s.state === 'Up')
      st.log(
        'warn',
        `Expired after ${deadMs} ms (${Math.max(0, Math.round(now - s.lastSeen - s.detectUs))} usec overdue)`,
      );
    // Section 6.8.1: no packet for a Detection Time forgets the remote discriminator.
    s.remoteDiscr = 0;
    st.down(DIAG_EXPIRED);
  }
  if (s.resetAt !== null && s.resetAt <= now) {
    // keepalived's bfd_reset_state: a new session may start from scratch.
    s.resetAt = null;
    s.state = 'Down';
    s.remoteState = 'Down';
    s.remoteDiscr = 0;
    s.remoteDiag = DIAG_NONE;
    s.remoteDemand = false;
    s.poll = false;
    s.final = false;
    st.idleTx();
  }
  if (s.sendAt !== null && s.sendAt <= now) {
    st.send();
    st.scheduleSend();
  }
}

export function stepSession(
  p: SessionParams,
  s: Session,
  e: SessionEvent,
  now: number,
  env: SessionEnv,
): SessionStep {
  const st = new Stepper(p, s, now, env);
  switch (e.kind) {
    case 'start':
      st.s = { ...initialSession(p), localDiscr: env.newDiscr() };
      // keepalived sends one packet at once when it starts, then at the idle rate.
      if (!p.passive) {
        st.send();
        st.scheduleSend();
      }
      break;
    case 'packet':
      receive(st, p, e.packet, now);
      break;
    case 'timer':
      timers(st, now);
      break;
  }
  return { session: st.s, actions: st.actions };
}
