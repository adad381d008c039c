/**
 * RFC 5798 §7.1 (RFC 3768 §7.1) receive checks for one instance, with
 * keepalived's choices: each dropped packet gets a reason, and the reasons
 * are counted per instance. Pure apart from the counters it is given.
 */
import type { VrrpInstanceConfig } from '../config/vrrp-config';
import { ipBytes } from './checksum';
import { TRAILER_LEN, type HmacAuth, type HmacVerdict } from './auth-hmac';
import {
  decodeAdvert,
  messageLength,
  passwordBytes,
  type Advert,
  type DropReason as CodecReason,
} from './packet';

export type DropReason =
  | CodecReason
  | Exclude<HmacVerdict, 'ok'>
  | 'ttl'
  | 'version-mismatch'
  | 'auth-type-mismatch'
  | 'auth-failure'
  | 'interval-mismatch'
  | 'address-list'
  /** check_unicast_src: a unicast advert from an address that is not a unicast_peer. */
  | 'unicast-source';

export type Counters = Map<DropReason, number>;

export type Checked =
  | {
      readonly ok: true;
      readonly advert: Advert;
      /** The advert's checksum was keepalived 1.3.6's old unicast one (see OldChecksum). */
      readonly oldChecksum?: boolean;
    }
  | { readonly ok: false; readonly reason: DropReason };

/**
 * old_unicast_checksum (VRRPv3 over IPv4, unicast): keepalived 1.3.6 and
 * earlier put the multicast group, not the peer, in the checksum's
 * pseudo-header. `use`: check with the group (the instance sends that way);
 * `try`: check with the destination, and when that fails try the group, as
 * keepalived 2.2.7 does before it switches an instance to the old checksum;
 * `never`: the destination only.
 */
export interface OldChecksum {
  readonly mode: 'use' | 'try' | 'never';
  readonly group: string;
}

export function checkReceived(
  cfg: VrrpInstanceConfig,
  pkt: { payload: Buffer; src: string; dst: string; hopLimit: number },
  unicast: boolean,
  /** skip_check_adv_addr, the advert being from the master last heard: no address-list check. */
  skipAddresses = false,
  /** auth_hmac: the instance's signer and checker (it holds the replay marks). */
  hmac?: HmacAuth,
  oldChecksum?: OldChecksum,
): Checked {
  // §7.1: the TTL / hop limit must be 255 (multicast; unicast peers may be routed).
  if (!unicast && pkt.hopLimit !== -1 && pkt.hopLimit !== 255) return { ok: false, reason: 'ttl' };
  // auth_hmac: a packet exactly one trailer longer than its message carries one (keepalived).
  const payload = pkt.payload;
  const msgLen = hmac ? messageLength(payload, cfg.family) : 0;
  const trailed = hmac !== undefined && msgLen > 0 && payload.length === msgLen + TRAILER_LEN;
  const old = unicast && cfg.family === 4 && oldChecksum ? oldChecksum : undefined;
  const decode = (dst: string) =>
    decodeAdvert(payload, {
      family: cfg.family,
      src: pkt.src,
      dst,
      checksumAsV2: cfg.checksumAsV2,
      trailerLen: trailed ? TRAILER_LEN : 0,
    });
  let d = decode(old?.mode === 'use' ? old.group : pkt.dst);
  let switched = false;
  if (!d.ok && d.reason === 'bad-checksum' && old?.mode === 'try' && pkt.dst !== old.group) {
    d = decode(old.group);
    switched = d.ok;
  }
  if (!d.ok) return d;
  const a = d.advert;
  if (a.version !== cfg.version) return { ok: false, reason: 'version-mismatch' };
  if (hmac) {
    // A unicast sender must be a configured peer: its replay mark lives there.
    const peer = unicast ? peerOf(cfg, pkt.src) : undefined;
    if (unicast && !peer) return { ok: false, reason: 'unicast-source' };
    const v = hmac.verify(
      trailed ? payload.subarray(0, msgLen) : payload,
      trailed ? payload.subarray(msgLen) : undefined,
      pkt.src,
      peer?.address,
    );
    if (v.verdict !== 'ok') return { ok: false, reason: v.verdict };
  }
  if (a.version === 2) {
    // AH's ICV was checked by its transport (io/ah-socket.ts) before the advert got here.
    const want = cfg.auth?.type === 'AH' ? 'ah' : cfg.auth ? 'pass' : 'none';
    if (a.authType !== want) return { ok: false, reason: 'auth-type-mismatch' };
    if (want === 'pass' && !a.authData.equals(passwordBytes(cfg.auth?.password ?? '')))
      return { ok: false, reason: 'auth-failure' };
    // v2: the interval must match ours (keepalived drops; v3 learns it instead).
    if (a.advertIntervalCs !== cfg.advertIntervalCs)
      return { ok: false, reason: 'interval-mismatch' };
  }
  const ours = new Set(cfg.vips.map((v) => v.address));
  if (!skipAddresses && (a.addresses.length !== ours.size || a.addresses.some((x) => !ours.has(x))))
    return { ok: false, reason: 'address-list' };
  // keepalived 2.2.7, after the address list: the source must be a unicast
  // peer, and the TTL / hop limit within that peer's min_ttl..max_ttl (0..255).
  if (unicast && cfg.checkUnicastSrc) {
    const peer = peerOf(cfg, pkt.src);
    if (!peer) return { ok: false, reason: 'unicast-source' };
    if (
      pkt.hopLimit !== -1 &&
      (pkt.hopLimit < (peer.minTtl ?? 0) || pkt.hopLimit > (peer.maxTtl ?? 255))
    )
      return { ok: false, reason: 'ttl' };
  }
  return switched ? { ok: true, advert: a, oldChecksum: true } : { ok: true, advert: a };
}

function peerOf(
  cfg: VrrpInstanceConfig,
  src: string,
): VrrpInstanceConfig['unicastPeers'][number] | undefined {
  const bytes = ipBytes(src);
  return cfg.unicastPeers.find((x) => ipBytes(x.address).equals(bytes));
}

export function count(counters: Counters, reason: DropReason): void {
  counters.set(reason, (counters.get(reason) ?? 0) + 1);
}
