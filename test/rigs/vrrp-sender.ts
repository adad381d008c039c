/**
 * Sends hand-made VRRP packets from a lab host (run inside its namespace):
 *   node vrrp-sender.js IFNAME TTL DST HEX [HEX...]
 * on a raw socket of the project's own addon, as a misbehaving peer would.
 */
import { halbSys } from '../../src/platform/halb-sys';
import { ipBytes } from '../../src/vrrp/checksum';

const [ifname, ttl, dst, ...payloads] = process.argv.slice(2);
if (!ifname || !ttl || !dst) {
  console.error('usage: vrrp-sender IFNAME TTL DST HEX...');
  process.exit(2);
}
const sys = halbSys();
const family = dst.includes(':') ? 6 : 4;
const index = sys.ifNameToIndex(ifname);
const fd = sys.rawOpen(family, 112, index, ifname);
sys.setHopLimit(fd, family, Number(ttl));
for (const hex of payloads) sys.sendTo(fd, family, ipBytes(dst), index, Buffer.from(hex, 'hex'));
sys.close(fd);
