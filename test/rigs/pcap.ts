/**
 * Just enough pcap for the tests: read Ethernet frames from tcpdump's files,
 * pick out IPv4/IPv6 packets, and write frames back for tshark to dissect.
 */
import * as fs from 'node:fs';
import { fold, ipBytes, ipString, sum16 } from '../../src/vrrp/checksum';

export interface IpPacket {
  readonly family: 4 | 6;
  readonly src: string;
  readonly dst: string;
  readonly protocol: number;
  readonly ttl: number;
  readonly tos: number;
  readonly srcMac: string;
  readonly dstMac: string;
  readonly payload: Buffer;
  readonly timeUs: number;
}

const mac = (b: Buffer): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');

export interface ArpFrame {
  readonly timeUs: number;
  readonly srcMac: string;
  readonly op: number;
  readonly senderIp: string;
  readonly targetIp: string;
}

/** ARP frames of a capture (gratuitous ARP shows sender IP = target IP). */
export function readArp(file: string): ArpFrame[] {
  const buf = fs.readFileSync(file);
  if (buf.length < 24) return [];
  const le = buf.readUInt32LE(0) === 0xa1b2c3d4;
  const u32 = (o: number): number => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const out: ArpFrame[] = [];
  for (let o = 24; o + 16 <= buf.length;) {
    const timeUs = u32(o) * 1e6 + u32(o + 4);
    const len = u32(o + 8);
    const f = buf.subarray(o + 16, o + 16 + len);
    o += 16 + len;
    if (f.length < 42 || f.readUInt16BE(12) !== 0x0806) continue;
    out.push({
      timeUs,
      srcMac: mac(f.subarray(6, 12)),
      op: f.readUInt16BE(20),
      senderIp: ipString(f.subarray(28, 32), 4),
      targetIp: ipString(f.subarray(38, 42), 4),
    });
  }
  return out;
}

export function readPcap(file: string): IpPacket[] {
  const buf = fs.readFileSync(file);
  if (buf.length < 24) return [];
  const le = buf.readUInt32LE(0) === 0xa1b2c3d4;
  const u32 = (o: number): number => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const out: IpPacket[] = [];
  for (let o = 24; o + 16 <= buf.length;) {
    const timeUs = u32(o) * 1e6 + u32(o + 4);
    const len = u32(o + 8);
    const frame = buf.subarray(o + 16, o + 16 + len);
    o += 16 + len;
    const type = frame.readUInt16BE(12);
    const ip = frame.subarray(14);
    const common = {
      srcMac: mac(frame.subarray(6, 12)),
      dstMac: mac(frame.subarray(0, 6)),
      timeUs,
    };
    if (type === 0x0800) {
      const ihl = ((ip[0] as number) & 0x0f) * 4;
      const total = ip.readUInt16BE(2);
      out.push({
        ...common,
        family: 4,
        tos: ip[1] as number,
        ttl: ip[8] as number,
        protocol: ip[9] as number,
        src: ipString(ip.subarray(12, 16), 4),
        dst: ipString(ip.subarray(16, 20), 4),
        payload: Buffer.from(ip.subarray(ihl, total)),
      });
    } else if (type === 0x86dd) {
      const plen = ip.readUInt16BE(4);
      out.push({
        ...common,
        family: 6,
        tos: (ip.readUInt16BE(0) >> 4) & 0xff,
        ttl: ip[7] as number,
        protocol: ip[6] as number,
        src: ipString(ip.subarray(8, 24), 6),
        dst: ipString(ip.subarray(24, 40), 6),
        payload: Buffer.from(ip.subarray(40, 40 + plen)),
      });
    }
  }
  return out;
}

/** A one-frame-per-packet pcap of IP packets (Ethernet, made-up MACs) for tshark. */
export function writePcap(
  file: string,
  packets: ReadonlyArray<{
    family: 4 | 6;
    src: string;
    dst: string;
    ttl: number;
    protocol: number;
    payload: Buffer;
  }>,
): void {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20);
  const records = packets.map((p, i) => {
    let ip: Buffer;
    if (p.family === 4) {
      ip = Buffer.alloc(20);
      ip[0] = 0x45;
      ip[1] = 0xc0;
      ip.writeUInt16BE(20 + p.payload.length, 2);
      ip.writeUInt16BE(i + 1, 4);
      ip[8] = p.ttl;
      ip[9] = p.protocol;
      ipBytes(p.src).copy(ip, 12);
      ipBytes(p.dst).copy(ip, 16);
      ip.writeUInt16BE(fold(sum16(ip)), 10);
    } else {
      ip = Buffer.alloc(40);
      ip.writeUInt32BE(0x6c000000, 0);
      ip.writeUInt16BE(p.payload.length, 4);
      ip[6] = p.protocol;
      ip[7] = p.ttl;
      ipBytes(p.src).copy(ip, 8);
      ipBytes(p.dst).copy(ip, 24);
    }
    const eth = Buffer.from([
      0x01,
      0x00,
      0x5e,
      0,
      0,
      0x12,
      0x02,
      0,
      0,
      0,
      0,
      1,
      p.family === 4 ? 0x08 : 0x86,
      p.family === 4 ? 0x00 : 0xdd,
    ]);
    const frame = Buffer.concat([eth, ip, p.payload]);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(i, 0);
    rec.writeUInt32LE(frame.length, 8);
    rec.writeUInt32LE(frame.length, 12);
    return Buffer.concat([rec, frame]);
  });
  fs.writeFileSync(file, Buffer.concat([header, ...records]));
}
