/** IP addresses as the bytes the addon takes (network order). */
import { isIPv4, isIPv6 } from 'node:net';

export function addressBytes(a: string): Buffer {
  if (isIPv4(a)) return Buffer.from(a.split('.').map(Number));
  if (!isIPv6(a)) throw new Error(`'${a}' is not an IP address`);
  let text = a;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = addressBytes(v4[1] as string);
    text =
      text.slice(0, -v4[0].length) +
      `${b.readUInt16BE(0).toString(16)}:${b.readUInt16BE(2).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = (head ?? '').split(':').filter(Boolean);
  const t = tail === undefined ? [] : tail.split(':').filter(Boolean);
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}
