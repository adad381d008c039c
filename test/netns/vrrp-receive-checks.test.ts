/**
 * RFC 5798 §7.1 receive checks on the wire: a halb MASTER is sent one
 * malformed advert of each kind, each at priority 254 so that, were it
 * accepted, the master would step down. Each is dropped and counted under its
 * reason, the state does not change, nothing crashes; then one valid advert
 * does make it step down (the harness can fail). With check_unicast_src a
 * unicast master accepts adverts only from its unicast peers, within each
 * peer's TTL range. With log_unknown_vrids an advert for another VRID is
 * named in the log (keepalived's line).
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { encodeAdvert, passwordBytes, type Advert } from '../../src/vrrp/packet';
import { Appliance, until } from '../rigs/appliance';
import { readArp } from '../rigs/pcap';
import { Lab } from '../rigs/netns-lab';
import { sendFrom } from '../rigs/send-vrrp';

const CONF = `global_defs {
    log_unknown_vrids
}
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
    priority 100
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass right
    }
    virtual_ipaddress {
        192.0.2.100/24
    }
}
`;

/** A well-formed VRRPv2 advert without authentication. */
function plainAdvert(
  vrid: number,
  priority: number,
  vip: string,
  src: string,
  dst: string,
): Buffer {
  return encodeAdvert(
    {
      version: 2,
      vrid,
      priority,
      advertIntervalCs: 100,
      addresses: [vip],
      authType: 'none',
      authData: Buffer.alloc(8),
    },
    { family: 4, src, dst },
  );
}

describe('receive checks on the wire', () => {
  let lab: Lab;
  let m: Appliance;
  before(async () => {
    lab = await Lab.create({ hosts: ['m', 'x'] });
    m = new Appliance(lab, 'm', CONF);
    m.start();
    await until(
      'master',
      15000,
      () => m.state(),
      (s) => s === 'master',
    );
  });
  after(async () => {
    await lab?.dispose();
  });

  const src = (): string => lab.host('x').ipv4;
  const good: Advert = {
    version: 2,
    vrid: 51,
    priority: 254,
    advertIntervalCs: 100,
    addresses: ['192.0.2.100'],
    authType: 'pass',
    authData: passwordBytes('right'),
  };
  const enc = (a: Partial<Advert>): Buffer =>
    encodeAdvert({ ...good, ...a }, { family: 4, src: src(), dst: '224.0.0.18' });
  const send = (ttl: number, ...payloads: Buffer[]): Promise<void> =>
    sendFrom(lab, 'x', ttl, '224.0.0.18', ...payloads);

  it('drops and counts each malformed advert; the master stays master', async () => {
    const corrupt = (b: Buffer, f: (x: Buffer) => void): Buffer => {
      const c = Buffer.from(b);
      f(c);
      return c;
    };
    const cases: Array<[string, number, Buffer]> = [
      ['ttl', 254, enc({})],
      ['too-short', 255, enc({}).subarray(0, 6)],
      ['bad-version', 255, corrupt(enc({}), (b) => (b[0] = 0x41))],
      ['bad-type', 255, corrupt(enc({}), (b) => (b[0] = 0x22))],
      ['bad-length', 255, Buffer.concat([enc({}), Buffer.alloc(4)])],
      ['bad-checksum', 255, corrupt(enc({}), (b) => (b[7] = (b[7] as number) ^ 0xff))],
      ['auth-type-mismatch', 255, enc({ authType: 'none', authData: Buffer.alloc(8) })],
      ['auth-failure', 255, enc({ authData: passwordBytes('wrong') })],
      ['interval-mismatch', 255, enc({ advertIntervalCs: 200 })],
      ['address-list', 255, enc({ addresses: ['192.0.2.99'] })],
      [
        'version-mismatch',
        255,
        encodeAdvert(
          { ...good, version: 3, authType: 'none', authData: Buffer.alloc(0) },
          { family: 4, src: src(), dst: '224.0.0.18' },
        ),
      ],
    ];
    for (const [, ttl, payload] of cases) await send(ttl, payload);
    const drops = await until(
      'every drop counted',
      5000,
      async () => (await m.instances())[0]?.drops ?? {},
      (d) => cases.every(([reason]) => (d[reason] ?? 0) >= 1),
    );
    for (const [reason] of cases) assert.equal(drops[reason], 1, `${reason} counted once`);
    assert.equal(await m.state(), 'master', 'no malformed advert moved the state');
    assert.ok(m.proc?.running, 'halb is still running');
  });

  it('log_unknown_vrids: an advert for a VRID no instance has is named, and ignored', async () => {
    await send(255, enc({ vrid: 52 }));
    await until(
      'the line',
      5000,
      async () => m.proc?.output ?? '',
      (o) => o.includes(`Unknown VRID(52) received on interface(eth0) from ${src()}. ignoring...`),
    );
    assert.equal(await m.state(), 'master');
  });

  it('a valid advert of higher priority does make the master step down', async () => {
    await send(255, enc({}));
    await until(
      'backup',
      5000,
      () => m.state(),
      (s) => s === 'backup',
    );
  });
});

describe('check_unicast_src on the wire', () => {
  let lab: Lab;
  after(async () => {
    await lab?.dispose();
  });

  it('drops a non-peer and a peer outside its TTL range; the peer within it is heard', async () => {
    lab = await Lab.create({ hosts: ['u', 'x', 'y'] });
    const me = lab.host('u').ipv4;
    const peer = lab.host('x').ipv4;
    const u = new Appliance(
      lab,
      'u',
      `vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 52
    priority 100
    advert_int 1
    unicast_src_ip ${me}
    unicast_peer {
        ${peer} min_ttl 250
    }
    check_unicast_src
    virtual_ipaddress {
        192.0.2.101/24
    }
}
`,
    );
    u.start();
    await until(
      'master',
      15000,
      () => u.state(),
      (s) => s === 'master',
    );
    const from = (host: string, ttl: number): Promise<void> =>
      sendFrom(lab, host, ttl, me, plainAdvert(52, 254, '192.0.2.101', lab.host(host).ipv4, me));
    await from('y', 255);
    await from('x', 64);
    const drops = await until(
      'both drops counted',
      5000,
      async () => (await u.instances())[0]?.drops ?? {},
      (d) => (d['unicast-source'] ?? 0) >= 1 && (d.ttl ?? 0) >= 1,
    );
    assert.equal(drops['unicast-source'], 1);
    assert.equal(drops.ttl, 1);
    assert.equal(await u.state(), 'master', 'neither moved the state');
    await from('x', 255);
    await until(
      'backup',
      5000,
      () => u.state(),
      (s) => s === 'backup',
    );
  });
});

describe('a MASTER that hears a lower priority', () => {
  let lab: Lab;
  after(async () => {
    await lab?.dispose();
  });

  it('announces its VIP again: garp_lower_prio_repeat gratuitous ARPs at once (keepalived: the master repeat, 5)', async () => {
    lab = await Lab.create({ hosts: ['m', 'x'] });
    const m = new Appliance(
      lab,
      'm',
      `vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 53
    priority 200
    advert_int 1
    garp_master_delay 0
    garp_lower_prio_delay 0
    virtual_ipaddress {
        192.0.2.103/24
    }
}
`,
    );
    m.start();
    await until(
      'master',
      15000,
      () => m.state(),
      (s) => s === 'master',
    );
    await new Promise((r) => setTimeout(r, 500)); // the MASTER burst is over
    const cap = await lab.capture('x', 'arp');
    const lower = plainAdvert(53, 50, '192.0.2.103', lab.host('x').ipv4, '224.0.0.18');
    await sendFrom(lab, 'x', 255, '224.0.0.18', lower);
    await new Promise((res) => setTimeout(res, 1000));
    await cap.stop();
    const garps = readArp(cap.file).filter(
      (f) => f.senderIp === '192.0.2.103' && f.targetIp === '192.0.2.103',
    );
    assert.equal(
      garps.length,
      5,
      `gratuitous ARPs after the lower-priority advert: ${garps.length}`,
    );
    assert.equal(await m.state(), 'master');
  });
});
