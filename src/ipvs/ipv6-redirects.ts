/**
 * No ICMPv6 redirects from a box that forwards IPv6 NAT replies. A real
 * server's reply that comes in and goes out on the same LAN makes the kernel
 * send it a redirect ("the client is on-link") before IPVS ever sees the
 * packet; a real server that takes the advice sends straight to the client,
 * its replies are never translated back, and the connection hangs after the
 * first one. IPv4 has send_redirects (ip-forwarding.ts turns it off); IPv6
 * has no such switch, so halb drops the redirects this box sends with one
 * nf_tables rule, in a table of its own:
 *
 *   table ip6 halb_nat {
 *     chain out {
 *       type filter hook output priority filter; policy accept;
 *       meta l4proto ipv6-icmp icmpv6 type nd-redirect drop
 *     }
 *   }
 *
 * Like forwarding itself it stays once set (a restart replaces it in one
 * transaction, never leaving a moment without it).
 */
import { errnoText, NftSocket } from '../platform/nft-socket';
import {
  builders,
  cmpEq,
  meta,
  payload,
  verdict,
  IPPROTO_ICMPV6,
  META_L4PROTO,
  MSG,
  NF_DROP,
  NF_INET_LOCAL_OUT,
  NLM_F_CREATE,
  PAYLOAD_TRANSPORT,
  REG_1,
  type NftMessage,
} from '../platform/nft-wire';

export const NO_REDIRECTS_TABLE = 'halb_nat';
const ND_REDIRECT = 137;

/** The table from scratch (add, delete, add: whether or not a previous run left it). */
export function noRedirectsMessages(): NftMessage[] {
  const b = builders(6, { table: NO_REDIRECTS_TABLE, priority: 0 });
  return [
    b.table(MSG.newTable, NLM_F_CREATE),
    b.table(MSG.delTable, 0),
    b.table(MSG.newTable, NLM_F_CREATE),
    b.chain('out', NF_INET_LOCAL_OUT),
    b.rule(
      'out',
      meta(META_L4PROTO, REG_1),
      cmpEq(Uint8Array.of(IPPROTO_ICMPV6)),
      payload(PAYLOAD_TRANSPORT, 0, 1),
      cmpEq(Uint8Array.of(ND_REDIRECT)),
      verdict(NF_DROP),
    ),
  ];
}

/** Installs the rule; throws with the kernel's answer when it cannot. */
export async function dropIpv6Redirects(): Promise<void> {
  let failure: Error | undefined;
  const nft = new NftSocket((err) => (failure = err));
  try {
    const errno = await nft.transact(noRedirectsMessages());
    if (failure) throw failure;
    if (errno !== 0) throw new Error(`nf_tables says ${errnoText(errno)}`);
  } finally {
    nft.close();
  }
}
