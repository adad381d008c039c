/**
 * use_vmac, the pure part: the RFC 5798 §7.3 virtual MAC of a virtual router
 * (00:00:5e:00:01:VRID for IPv4, 00:00:5e:00:02:VRID for IPv6; a 5-octet MAC
 * given in the config gets the VRID appended, as keepalived does), the
 * macvlan's name (vmac_prefix, default "vrrp", dot, VRID) and the
 * IFLA_LINKINFO attribute that asks rtnetlink for a private-mode macvlan.
 */

export function vmacAddress(vrid: number, family: 4 | 6, configured?: string): string {
  const hex = (n: number): string => n.toString(16).padStart(2, '0');
  if (configured) {
    const parts = configured.toLowerCase().split(':');
    return parts.length === 5 ? [...parts, hex(vrid)].join(':') : parts.join(':');
  }
  return `00:00:5e:00:${family === 4 ? '01' : '02'}:${hex(vrid)}`;
}

export function vmacName(vrid: number, configured?: string, prefix = 'vrrp'): string {
  return configured ?? `${prefix}.${vrid}`;
}

export function macBytes(mac: string): Buffer {
  return Buffer.from(mac.split(':').map((h) => parseInt(h, 16)));
}

/** macBytes' inverse: aa:bb:cc:dd:ee:ff. */
export function macText(bytes: Uint8Array): string {
  return [...bytes].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** One netlink attribute: length, type, payload padded to 4 bytes. */
function nla(type: number, payload: Buffer): Buffer {
  const len = 4 + payload.length;
  const out = Buffer.alloc((len + 3) & ~3);
  out.writeUInt16LE(len, 0);
  out.writeUInt16LE(type, 2);
  payload.copy(out, 4);
  return out;
}

const NLA_F_NESTED = 0x8000;
const IFLA_INFO_KIND = 1;
const IFLA_INFO_DATA = 2;
const IFLA_MACVLAN_MODE = 1;
export const MACVLAN_MODE_PRIVATE = 1;

/** IFLA_LINKINFO's payload: kind "macvlan", data { mode }. */
export function macvlanLinkInfo(mode = MACVLAN_MODE_PRIVATE): Buffer {
  const u32 = Buffer.alloc(4);
  u32.writeUInt32LE(mode);
  return Buffer.concat([
    nla(IFLA_INFO_KIND, Buffer.from('macvlan\0')),
    nla(IFLA_INFO_DATA | NLA_F_NESTED, nla(IFLA_MACVLAN_MODE, u32)),
  ]);
}
