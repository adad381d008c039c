/**
 * DNS_CHECK: one query (type, default SOA; name, default ".") over UDP; a
 * response with our id and rcode NOERROR means up (keepalived check_dns.c).
 */
import { randomInt } from 'node:crypto';
import type { ModelBlock } from '../../config/validate';
import { fail, ok, type Check } from '../check';
import type { Target } from '../target';
import { DNS_TYPES, decodeHeader, encodeQuery } from './dns-codec';
import { exchange } from './udp-socket';

export function dnsCheck(t: Target, o: ModelBlock): Check {
  const typeName = typeof o.type === 'string' ? o.type.toUpperCase() : 'SOA';
  const type = DNS_TYPES[typeName] ?? 6;
  const name = typeof o.name === 'string' ? o.name : '.';
  return {
    async run() {
      const id = randomInt(0, 0x10000);
      const r = await exchange(t, encodeQuery({ id, name, type }), (m) => {
        try {
          const h = decodeHeader(m);
          return h.id === id && h.qr;
        } catch {
          return false;
        }
      });
      if ('result' in r) return r.result;
      const rcode = decodeHeader(r.reply).rcode;
      if (rcode !== 0) return fail(`read error occurred. (rcode = ${rcode})`);
      return ok(`${typeName} ${name} answered`);
    },
  };
}
