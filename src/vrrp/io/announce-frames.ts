/**
 * Gratuitous ARP and unsolicited neighbour advertisement frames, built pure.
 * GARP as keepalived sends it: ARP request, sender = target = VIP, target MAC
 * broadcast (not zero). NA (RFC 4861 §4.4, §7.2.6): to ff02::1, override flag,
 * target link-layer address option, hop limit 255.
 */
import { fold, ipBytes, pseudoHeaderSum, sum16 } from '../checksum';

export function macBytes(mac: string): Buffer {
  const b = Buffer.from(mac.split(':').map((x) => parseInt(x, 16)));
  if (b.length !== 6) throw new Error(`not a MAC address: ${mac}`);
  return b;
}

const BROADCAST = Buffer.alloc(6, 0xff);

export function garpFrame(srcMac: string, vip: string): Buffer {
  const mac = macBytes(srcMac);
  const f = Buffer.alloc(42);
  BROADCAST.copy(f, 0);
  mac.copy(f, 6);
  f.writeUInt16BE(0x0806, 12);
  f.writeUInt16BE(1, 14); // Ethernet
  f.writeUInt16BE(0x0800, 16); // IPv4
  f[18] = 6;
  f[19] = 4;
  f.writeUInt16BE(1, 20); // request
  mac.copy(f, 22);
  ipBytes(vip).copy(f, 28);
  BROADCAST.copy(f, 32);
  ipBytes(vip).copy(f, 38);
  return f;
}

export function unsolicitedNaFrame(srcMac: string, vip: string, router = true): Buffer {
  const mac = macBytes(srcMac);
  const dst = 'ff02::1';
  const icmp = Buffer.alloc(32);
  icmp[0] = 136; // neighbour advertisement
  icmp.writeUInt32BE(((router ? 0x80000000 : 0) | 0x20000000) >>> 0, 4); // R, O (override), not S
  ipBytes(vip).copy(icmp, 8);
  icmp[24] = 2; // target link-layer address option
  icmp[25] = 1;
  mac.copy(icmp, 26);
  icmp.writeUInt16BE(fold(sum16(icmp, pseudoHeaderSum6(vip, dst, icmp.length))), 2);
  const ip = Buffer.alloc(40);
  ip.writeUInt32BE(0x60000000, 0);
  ip.writeUInt16BE(icmp.length, 4);
  ip[6] = 58;
  ip[7] = 255;
  ipBytes(vip).copy(ip, 8);
  ipBytes(dst).copy(ip, 24);
  const eth = Buffer.alloc(14);
  Buffer.from([0x33, 0x33, 0, 0, 0, 1]).copy(eth, 0);
  mac.copy(eth, 6);
  eth.writeUInt16BE(0x86dd, 12);
  return Buffer.concat([eth, ip, icmp]);
}

function pseudoHeaderSum6(src: string, dst: string, length: number): number {
  // ICMPv6 is next header 58; pseudoHeaderSum assumes 112, so adjust.
  return pseudoHeaderSum(src, dst, length) - 112 + 58;
}
