/**
 * BFD control packets on the wire (RFC 5880 section 4.1, mandatory section
 * only: halb, like keepalived 2.2.7, neither sends nor accepts
 * authentication). Pure: bytes in, a typed packet or a drop reason out.
 * Only the packet's own validity is checked here (RFC 5880 section 6.8.6,
 * the checks before the session lookup); which session it belongs to and
 * the TTL check are the session table's business.
 */

/** UDP port of single-hop control packets (RFC 5881); keepalived uses it for multi-hop too. */
export const BFD_CONTROL_PORT = 3784;
/** Source ports of control packets (RFC 5881 section 4). */
export const BFD_SOURCE_PORT_MIN = 49152;
export const BFD_SOURCE_PORT_MAX = 65535;
export const BFD_VERSION = 1;
export const BFD_HEADER_LEN = 24;

export type BfdState = 'AdminDown' | 'Down' | 'Init' | 'Up';
const STATES: readonly BfdState[] = ['AdminDown', 'Down', 'Init', 'Up'];

/** Diagnostic codes (RFC 5880 section 4.1), in keepalived's words. */
export const DIAG_TEXT: readonly string[] = [
  'No Diagnostic',
  'Control Detection Time Expired',
  'Echo Function Failed',
  'Neighbor Signaled Session Down',
  'Forwarding Plane Reset',
  'Path Down',
  'Concatenated Path Down',
  'Administratively Down',
  'Reverse Concatenated Path Down',
];
export const DIAG_NONE = 0;
export const DIAG_EXPIRED = 1;
export const DIAG_NEIGHBOR_DOWN = 3;
export const DIAG_ADMIN_DOWN = 7;

export interface ControlPacket {
  readonly diag: number;
  readonly state: BfdState;
  readonly poll: boolean;
  readonly final: boolean;
  readonly controlPlaneIndependent: boolean;
  readonly authPresent: boolean;
  readonly demand: boolean;
  readonly multipoint: boolean;
  readonly detectMult: number;
  readonly myDiscr: number;
  readonly yourDiscr: number;
  /** Microseconds, as on the wire. */
  readonly desiredMinTxUs: number;
  readonly requiredMinRxUs: number;
  readonly requiredMinEchoRxUs: number;
}

export type BfdDropReason =
  | 'too-short'
  | 'bad-length'
  | 'bad-version'
  | 'zero-detect-mult'
  | 'multipoint'
  | 'zero-my-discr'
  | 'zero-your-discr'
  | 'poll-and-final'
  | 'bad-diag';

export type DecodedBfd =
  | { readonly ok: true; readonly packet: ControlPacket }
  | { readonly ok: false; readonly reason: BfdDropReason };

export function encodeControl(p: ControlPacket): Buffer {
  const b = Buffer.alloc(BFD_HEADER_LEN);
  b[0] = (BFD_VERSION << 5) | (p.diag & 0x1f);
  b[1] =
    (STATES.indexOf(p.state) << 6) |
    (p.poll ? 0x20 : 0) |
    (p.final ? 0x10 : 0) |
    (p.controlPlaneIndependent ? 0x08 : 0) |
    (p.authPresent ? 0x04 : 0) |
    (p.demand ? 0x02 : 0) |
    (p.multipoint ? 0x01 : 0);
  b[2] = p.detectMult;
  b[3] = BFD_HEADER_LEN;
  b.writeUInt32BE(p.myDiscr >>> 0, 4);
  b.writeUInt32BE(p.yourDiscr >>> 0, 8);
  b.writeUInt32BE(p.desiredMinTxUs >>> 0, 12);
  b.writeUInt32BE(p.requiredMinRxUs >>> 0, 16);
  b.writeUInt32BE(p.requiredMinEchoRxUs >>> 0, 20);
  return b;
}

/**
 * The checks of RFC 5880 section 6.8.6 that need no session, in keepalived's
 * order (bfd.c bfd_check_packet), plus its two extra ones (Poll and Final
 * together, a diagnostic above 8). The length field must equal the datagram's
 * length: with no authentication there is nothing after the 24 bytes.
 */
export function decodeControl(buf: Buffer): DecodedBfd {
  const drop = (reason: BfdDropReason): DecodedBfd => ({ ok: false, reason });
  if (buf.length < BFD_HEADER_LEN) return drop('too-short');
  if (buf[3] !== buf.length) return drop('bad-length');
  const b0 = buf[0] as number;
  const b1 = buf[1] as number;
  if (b0 >> 5 !== BFD_VERSION) return drop('bad-version');
  const packet: ControlPacket = {
    diag: b0 & 0x1f,
    state: STATES[b1 >> 6] as BfdState,
    poll: (b1 & 0x20) !== 0,
    final: (b1 & 0x10) !== 0,
    controlPlaneIndependent: (b1 & 0x08) !== 0,
    authPresent: (b1 & 0x04) !== 0,
    demand: (b1 & 0x02) !== 0,
    multipoint: (b1 & 0x01) !== 0,
    detectMult: buf[2] as number,
    myDiscr: buf.readUInt32BE(4),
    yourDiscr: buf.readUInt32BE(8),
    desiredMinTxUs: buf.readUInt32BE(12),
    requiredMinRxUs: buf.readUInt32BE(16),
    requiredMinEchoRxUs: buf.readUInt32BE(20),
  };
  if (packet.detectMult === 0) return drop('zero-detect-mult');
  if (packet.multipoint) return drop('multipoint');
  if (packet.myDiscr === 0) return drop('zero-my-discr');
  if (packet.yourDiscr === 0 && packet.state !== 'Down' && packet.state !== 'AdminDown')
    return drop('zero-your-discr');
  if (packet.poll && packet.final) return drop('poll-and-final');
  if (packet.diag >= DIAG_TEXT.length) return drop('bad-diag');
  return { ok: true, packet };
}
