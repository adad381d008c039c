/**
 * UDP_CHECK (keepalived check_udp.c): sends `payload`; with `require_reply`
 * a reply must come whose length is within min/max_reply_length and which
 * matches the pattern (hex, X for any nibble); without it, only an ICMP
 * unreachable within connect_timeout means down.
 */
import type { ModelBlock } from '../../config/validate';
import { fail, ok, type Check } from '../check';
import type { Target } from '../target';
import { exchange } from './udp-socket';

export interface UdpOptions {
  readonly payload: Buffer;
  /** undefined: no reply needed; [] any reply; else nibbles, null for X. */
  readonly requireReply: readonly (number | null)[] | undefined;
  readonly minReply: number;
  readonly maxReply: number;
}

function hexDigits(words: readonly string[]): string {
  return words
    .join('')
    .replace(/^0x/i, '')
    .replace(/[^0-9a-fA-FxX]/g, '');
}

export function udpOptions(o: ModelBlock): UdpOptions {
  const payload = hexDigits((o.payload ?? []) as string[]).replace(/[xX]/g, '0');
  const rr = o.require_reply as string[] | undefined;
  return {
    payload: Buffer.from(payload.length % 2 ? `${payload}0` : payload, 'hex'),
    requireReply:
      rr === undefined
        ? undefined
        : [...hexDigits(rr)].map((c) => (c === 'x' || c === 'X' ? null : parseInt(c, 16))),
    minReply: typeof o.min_reply_length === 'number' ? o.min_reply_length : 0,
    maxReply: typeof o.max_reply_length === 'number' ? o.max_reply_length : 255,
  };
}

/** The reply matches the pattern nibble by nibble (X matches anything). */
export function replyMatches(reply: Buffer, o: UdpOptions): boolean {
  if (reply.length < o.minReply || reply.length > o.maxReply) return false;
  const want = o.requireReply ?? [];
  if (want.length > reply.length * 2) return false;
  return want.every((n, i) => {
    if (n === null) return true;
    const byte = reply[i >> 1] as number;
    return (i % 2 === 0 ? byte >> 4 : byte & 0xf) === n;
  });
}

export function udpCheck(t: Target, o: UdpOptions): Check {
  return {
    async run() {
      const r = await exchange(t, o.payload, () => true);
      if ('reply' in r) {
        if (o.requireReply !== undefined && !replyMatches(r.reply, o))
          return fail(`reply data mismatch (${r.reply.length} bytes)`);
        return ok(`reply of ${r.reply.length} bytes`);
      }
      // No ICMP error within the timeout is a success when no reply is required.
      if (o.requireReply === undefined && r.result.timedOut) return ok('no ICMP error');
      return r.result;
    },
  };
}
