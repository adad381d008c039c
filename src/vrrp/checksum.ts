/** The Internet checksum (RFC 1071) and the pseudo-headers VRRPv3 covers (RFC 5798 §5.2.8). */
import * as net from 'node:net';

export function sum16(buf: Uint8Array, initial = 0): number {
  let sum = initial;
  for (let i = 0; i + 1 < buf.length; i += 2)
    sum += ((buf[i] as number) << 8) | (buf[i + 1] as number);
  if (buf.length % 2 === 1) sum += (buf[buf.length - 1] as number) << 8;
  return sum;
}

export function fold(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return ~s & 0xffff;
}

export function ipBytes(address: string): Buffer {
  const fam = net.isIP(address);
  if (fam === 4) return Buffer.from(address.split('.').map(Number));
  if (fam === 6) {
    const [head, tail] = address.includes('::')
      ? (address.split('::') as [string, string])
      : [address, undefined];
    const h = head ? head.split(':') : [];
    const t = tail === undefined ? [] : tail ? tail.split(':') : [];
    const groups =
      tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
    const out = Buffer.alloc(16);
    groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
    return out;
  }
  throw new Error(`not an IP address: ${address}`);
}

export function ipString(buf: Buffer, family: 4 | 6): string {
  if (family === 4) return `${buf[0]}.${buf[1]}.${buf[2]}.${buf[3]}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(buf.readUInt16BE(i).toString(16));
  // RFC 5952: the longest run of two or more zero groups becomes '::'.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** Sum of the pseudo-header for protocol 112 over a VRRP message of `length` bytes. */
export function pseudoHeaderSum(src: string, dst: string, length: number): number {
  const s = ipBytes(src);
  const d = ipBytes(dst);
  if (s.length === 4) return sum16(s) + sum16(d) + 112 + length;
  return sum16(s) + sum16(d) + Math.floor(length / 0x10000) + (length & 0xffff) + 112;
}

/** One spelling per address ("FF02:0::12" and "ff02::12" are one group); as given when no address. */
export function canonicalIp(address: string, family: 4 | 6): string {
  try {
    return ipString(ipBytes(address), family);
  } catch {
    return address.toLowerCase();
  }
}
