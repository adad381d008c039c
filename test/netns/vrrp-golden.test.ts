/**
 * Golden bytes from the real peer: Debian's keepalived 2.2.7 runs three
 * instances in a lab namespace (VRRPv2 with PASS auth, VRRPv3 over IPv4,
 * VRRPv3 over IPv6); their adverts are captured on the LAN. halb's codec must
 * decode each (checksum included), re-encode it byte for byte, and what halb
 * encodes must pass tshark's VRRP dissector with a good checksum.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { decodeAdvert, encodeAdvert, passwordBytes } from '../../src/vrrp/packet';
import { run } from '../rigs/exec';
import { KeepalivedPeer } from '../rigs/keepalived-peer';
import { Lab } from '../rigs/netns-lab';
import { readPcap, writePcap, type IpPacket } from '../rigs/pcap';

const CONF = `global_defs {
    router_id golden
}
vrrp_instance V2 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 150
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass secret12
    }
    virtual_ipaddress {
        192.0.2.100/24
        192.0.2.101/24
    }
}
vrrp_instance V3 {
    state MASTER
    version 3
    interface eth0
    virtual_router_id 52
    priority 120
    advert_int 0.5
    virtual_ipaddress {
        192.0.2.102/24
    }
}
vrrp_instance V6 {
    state MASTER
    interface eth0
    virtual_router_id 53
    priority 110
    advert_int 1
    virtual_ipaddress {
        2001:db8::100/64
        2001:db8::101/64
    }
}
`;

describe('golden adverts from keepalived 2.2.7', () => {
  let lab: Lab;
  let packets: IpPacket[] = [];
  before(async () => {
    lab = await Lab.create({ hosts: ['ka', 'obs'] });
    const cap = await lab.capture('obs', 'proto 112 or ip6 proto 112');
    const ka = new KeepalivedPeer(lab, 'ka', CONF).start();
    // All three become master after the master-down interval, then advertise.
    await ka.waitFor(/\(V2\) Entering MASTER STATE/, 20000);
    await ka.waitFor(/\(V6\) Entering MASTER STATE/, 20000);
    await new Promise((r) => setTimeout(r, 2500));
    await ka.kill('SIGTERM');
    await cap.stop();
    packets = readPcap(cap.file).filter((p) => p.protocol === 112);
  });
  after(async () => {
    await lab?.dispose();
  });

  const byVrid = (vrid: number) => packets.filter((p) => p.payload[1] === vrid);

  it('captured adverts of every instance', () => {
    for (const vrid of [51, 52, 53])
      assert.ok(byVrid(vrid).length >= 2, `VRID ${vrid}: ${byVrid(vrid).length} adverts`);
  });

  it('decodes each advert and re-encodes it byte for byte', () => {
    for (const p of packets) {
      const at = { family: p.family, src: p.src, dst: p.dst };
      const d = decodeAdvert(p.payload, at);
      assert.ok(d.ok, `VRID ${p.payload[1]} from ${p.src}: ${d.ok ? '' : d.reason}`);
      assert.deepEqual(encodeAdvert(d.advert, at), p.payload);
      assert.equal(p.ttl, 255, 'TTL / hop limit 255 (RFC 5798 §5.1.1.3)');
    }
  });

  it('sees one priority-0 advert per instance when keepalived stops (RFC 5798 §6.4.3)', () => {
    for (const vrid of [51, 52, 53])
      assert.equal(byVrid(vrid).filter((p) => p.payload[2] === 0).length, 1, `VRID ${vrid}`);
  });

  it('reads the fields keepalived was configured with', () => {
    const v2 = decodeAdvert(byVrid(51)[0]!.payload, {
      family: 4,
      src: byVrid(51)[0]!.src,
      dst: '224.0.0.18',
    });
    assert.ok(v2.ok);
    assert.deepEqual(
      [
        v2.advert.version,
        v2.advert.priority,
        v2.advert.advertIntervalCs,
        v2.advert.authType,
        v2.advert.addresses,
      ],
      [2, 150, 100, 'pass', ['192.0.2.100', '192.0.2.101']],
    );
    assert.deepEqual(v2.advert.authData, passwordBytes('secret12'));
    assert.equal(byVrid(51)[0]!.tos, 0xc0, 'IPv4 adverts carry TOS 0xc0 (internetwork control)');
    assert.equal(byVrid(51)[0]!.dstMac, '01:00:5e:00:00:12');
    const p3 = byVrid(52)[0]!;
    const v3 = decodeAdvert(p3.payload, { family: 4, src: p3.src, dst: p3.dst });
    assert.ok(v3.ok);
    assert.deepEqual(
      [v3.advert.version, v3.advert.priority, v3.advert.advertIntervalCs],
      [3, 120, 50],
    );
    const p6 = byVrid(53)[0]!;
    assert.equal(p6.dst, 'ff02::12');
    assert.match(p6.src, /^fe80:/, 'IPv6 adverts come from the link-local address');
    const v6 = decodeAdvert(p6.payload, { family: 6, src: p6.src, dst: p6.dst });
    assert.ok(v6.ok);
    assert.deepEqual(
      [v6.advert.version, v6.advert.priority, v6.advert.addresses],
      [3, 110, ['2001:db8::100', '2001:db8::101']],
    );
  });

  it("encodes what tshark's VRRP dissector reads back, checksum good", async () => {
    const ours = packets.map((p) => {
      const at = { family: p.family, src: p.src, dst: p.dst };
      const d = decodeAdvert(p.payload, at);
      assert.ok(d.ok);
      // Change what the checksum covers, so the bytes are halb's own, not a copy.
      const advert = { ...d.advert, priority: (d.advert.priority + 37) % 256 };
      return {
        family: p.family,
        src: p.src,
        dst: p.dst,
        ttl: 255,
        protocol: 112,
        payload: encodeAdvert(advert, at),
        advert,
      };
    });
    const file = path.join(lab.dir, 'ours.pcap');
    writePcap(file, ours);
    const r = await run([
      'tshark',
      '-r',
      file,
      '-T',
      'fields',
      '-e',
      'vrrp.virt_rtr_id',
      '-e',
      'vrrp.prio',
      '-e',
      'vrrp.checksum.status',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    assert.equal(rows.length, ours.length);
    rows.forEach((row, i) => {
      assert.deepEqual(
        row,
        [String(ours[i]!.advert.vrid), String(ours[i]!.advert.priority), '1'],
        `packet ${i}: tshark says ${row.join(' ')}`,
      );
    });
  });
});
