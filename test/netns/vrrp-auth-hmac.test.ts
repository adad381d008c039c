/**
 * auth_hmac (keepalived 2.4's HMAC-SHA256 advert trailer) on the wire, with
 * the real executable: pairs of halb in each form (v3 IPv4 and IPv6
 * multicast, v2 unicast) elect, fail over and preempt with every advert
 * signed; a key mismatch means no interaction; a captured advert replayed
 * after its sender died moves nothing; a key rotation by reload flaps
 * nothing; the receive-only migration mode works beside keepalived 2.2.7,
 * which knows no trailer. Also v3_checksum_as_v2 (keepalived 2.2.8).
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { HmacAuth, TRAILER_LEN, hmacKey } from '../../src/vrrp/auth-hmac';
import { messageLength } from '../../src/vrrp/packet';
import { Appliance, until } from '../rigs/appliance';
import { KeepalivedPeer } from '../rigs/keepalived-peer';
import { Lab } from '../rigs/netns-lab';
import { sendFrom } from '../rigs/send-vrrp';
import { readPcap } from '../rigs/pcap';

const KEY1 = '11'.repeat(32);
const KEY2 = '22'.repeat(32);

interface Form {
  readonly name: string;
  readonly vip: string;
  readonly version: 2 | 3;
  readonly unicast: boolean;
  readonly extra?: string;
}

const FORMS: readonly Form[] = [
  { name: 'VRRPv3 IPv4 multicast', vip: '192.0.2.100/24', version: 3, unicast: false },
  { name: 'VRRPv3 IPv6 multicast', vip: '2001:db8::100/64', version: 3, unicast: false },
  { name: 'VRRPv2 IPv4 unicast', vip: '192.0.2.100/24', version: 2, unicast: true },
];

function hmacBlock(keys: string, active: number, more = ''): string {
  return `auth_hmac {\n${keys}        active_key ${active}\n${more}    }`;
}

const keyLines = (...ids: number[]): string =>
  ids.map((id) => `        key ${id} hex:${id === 1 ? KEY1 : KEY2}\n`).join('');

function conf(f: Form, prio: number, auth: string, peers: readonly string[] = []): string {
  const unicast = f.unicast
    ? `unicast_peer {\n${peers.map((p) => `        ${p}\n`).join('')}    }`
    : '';
  return `global_defs {
    router_id hmac
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority ${prio}
    advert_int 1
    version ${f.version}
    ${f.extra ?? ''}
    ${unicast}
    ${auth}
    virtual_ipaddress {
        ${f.vip}
    }
}
`;
}

async function pair(
  labs: Lab[],
  f: Form,
  authHi: string,
  authLo: string,
): Promise<{ lab: Lab; hi: Appliance; lo: Appliance }> {
  const lab = await Lab.create({ hosts: ['hi', 'lo', 'x'] });
  labs.push(lab);
  const ip = (h: string): string => lab.host(h).ipv4;
  const hi = new Appliance(lab, 'hi', conf(f, 150, authHi, [ip('lo')]));
  const lo = new Appliance(lab, 'lo', conf(f, 100, authLo, [ip('hi')]));
  return { lab, hi, lo };
}

const states = async (a: Appliance, b: Appliance): Promise<string[]> => [
  await a.state(),
  await b.state(),
];

/** Starts both and waits (20 s at most) until their states read `want` ('master,backup'...). */
async function startBoth(a: Appliance, b: Appliance, want: string, what: string): Promise<void> {
  a.start();
  b.start();
  await until(
    what,
    20000,
    () => states(a, b),
    (s) => s.join() === want,
  );
}

describe('auth_hmac between halb appliances', () => {
  const labs: Lab[] = [];
  after(async () => {
    for (const l of labs) await l.dispose();
  });

  for (const f of FORMS) {
    it(`${f.name}: every advert signed; election, kill -9 failover, preemption; nothing dropped`, async () => {
      const auth = hmacBlock(keyLines(1), 1);
      const { lab, hi, lo } = await pair(labs, f, auth, auth);
      const cap = await lab.capture('lo');
      await startBoth(hi, lo, 'master,backup', 'election');
      await hi.proc!.kill('SIGKILL');
      await until(
        'failover',
        15000,
        () => states(hi, lo),
        (s) => s[1] === 'master',
      );
      hi.start();
      await until(
        'preemption',
        20000,
        () => states(hi, lo),
        (s) => s.join() === 'master,backup',
      );
      await new Promise((r) => setTimeout(r, 1500));
      assert.deepEqual(await states(hi, lo), ['master', 'backup'], 'stable');
      for (const a of [hi, lo]) assert.deepEqual((await a.instances())[0]?.drops, {}, a.host);
      await cap.end();
      // What went on the wire: VRRP with a 28-byte trailer that the key verifies.
      const family = f.vip.includes(':') ? 6 : 4;
      const adverts = readPcap(cap.file).filter((p) => p.protocol === 112);
      assert.ok(adverts.length >= 4, `${adverts.length} adverts captured`);
      const checker = new HmacAuth(
        {
          keys: [hmacKey(1, Buffer.from(KEY1, 'hex'))],
          activeKey: 1,
          mode: 'enforce',
          antiReplayTime: false,
          timeWindowS: 5,
        },
        { family, version: f.version, vrid: 51 },
        Date.now,
      );
      for (const p of adverts) {
        const len = messageLength(p.payload, family);
        assert.equal(p.payload.length, len + TRAILER_LEN, 'trailer after the message');
        // Each sender's sequence grows (replay marks by source, as for multicast).
        const v = checker.verify(
          p.payload.subarray(0, len),
          p.payload.subarray(len),
          p.src,
          undefined,
        );
        assert.equal(v.verdict, 'ok', `advert from ${p.src} to ${p.dst}`);
      }
    });
  }

  it('a key mismatch means no interaction: both MASTER, the other side counted as bad HMAC', async () => {
    const f = FORMS[0] as Form;
    const { hi, lo } = await pair(
      labs,
      f,
      hmacBlock(keyLines(1), 1),
      hmacBlock(`        key 1 hex:${KEY2}\n`, 1),
    );
    await startBoth(hi, lo, 'master,master', 'both master');
    const drops = (await lo.instances())[0]?.drops ?? {};
    assert.ok((drops['auth-bad-hmac'] ?? 0) >= 1, JSON.stringify(drops));
  });

  it('a signed advert replayed after its sender died is dropped; the new master stays', async () => {
    const f = FORMS[0] as Form;
    const auth = hmacBlock(keyLines(1), 1);
    const { lab, hi, lo } = await pair(labs, f, auth, auth);
    await startBoth(hi, lo, 'master,backup', 'election');
    const cap = await lab.capture('x', 'ip proto 112');
    await new Promise((r) => setTimeout(r, 2500));
    await cap.end();
    const captured = readPcap(cap.file).filter((p) => p.src === lab.host('hi').ipv4);
    assert.ok(captured.length >= 1, 'captured the master');
    await hi.proc!.kill('SIGKILL');
    await until(
      'failover',
      15000,
      () => lo.state(),
      (s) => s === 'master',
    );
    // From hi's own address (its daemon is dead, its address is not): priority 150 > 100.
    await sendFrom(lab, 'hi', 255, '224.0.0.18', ...captured.map((p) => p.payload));
    const drops = await until(
      'replays counted',
      5000,
      async () => (await lo.instances())[0]?.drops ?? {},
      (d) => (d['auth-replay'] ?? 0) + (d['auth-stale'] ?? 0) >= captured.length,
    );
    assert.equal(await lo.state(), 'master', `replays moved nothing: ${JSON.stringify(drops)}`);
  });

  it('a key rotation by reload (active_key moves) flaps nothing', async () => {
    const f = FORMS[0] as Form;
    const both = hmacBlock(keyLines(1, 2), 1);
    const { hi, lo } = await pair(labs, f, both, both);
    await startBoth(hi, lo, 'master,backup', 'election');
    const before = (await hi.instances())[0]?.lastTransition;
    fs.writeFileSync(hi.conf, conf(f, 150, hmacBlock(keyLines(1, 2), 2)));
    process.kill(hi.proc!.pid as number, 'SIGHUP');
    await hi.proc!.waitFor(/auth_hmac now signs with key 2/, 10000, 'the reload');
    await new Promise((r) => setTimeout(r, 3000));
    assert.deepEqual(await states(hi, lo), ['master', 'backup']);
    assert.deepEqual((await hi.instances())[0]?.lastTransition, before, 'no transition on hi');
    assert.deepEqual((await lo.instances())[0]?.drops, {}, 'lo takes key 2');
  });

  it('v3_checksum_as_v2: a pair that both set it agree; one that differs does not', async () => {
    const f: Form = { ...(FORMS[0] as Form), extra: 'v3_checksum_as_v2' };
    const same = await pair(labs, f, '', '');
    await startBoth(same.hi, same.lo, 'master,backup', 'election');
    assert.deepEqual((await same.lo.instances())[0]?.drops, {});
    const { lab } = same;
    const other = new Appliance(lab, 'x', conf(FORMS[0] as Form, 200, ''));
    other.start();
    const d = await until(
      'checksum drops',
      10000,
      async () => (await same.hi.instances())[0]?.drops ?? {},
      (x) => (x['bad-checksum'] ?? 0) >= 1,
    );
    assert.ok(d['bad-checksum']! >= 1);
    assert.equal(await same.hi.state(), 'master', 'the differing advert moved nothing');
  });
});

describe('auth_hmac beside keepalived 2.2.7', () => {
  const labs: Lab[] = [];
  after(async () => {
    for (const l of labs) await l.dispose();
  });

  const f = FORMS[0] as Form;

  it('receive-only (the first migration step): a mixed pair works both ways', async () => {
    const lab = await Lab.create({ hosts: ['ka', 'hb'] });
    labs.push(lab);
    const ka = new KeepalivedPeer(lab, 'ka', conf(f, 150, ''));
    const hb = new Appliance(
      lab,
      'hb',
      conf(f, 100, hmacBlock(keyLines(1), 1, '        mode receive-only\n')),
    );
    ka.start();
    hb.start();
    const both = async (): Promise<string[]> => [ka.state(), await hb.state()];
    await until('election', 20000, both, (s) => s.join() === 'master,backup');
    await ka.proc!.kill('SIGKILL');
    await until('failover', 15000, both, (s) => s[1] === 'master');
    ka.start();
    await until('preemption', 20000, both, (s) => s.join() === 'master,backup');
    assert.deepEqual(ka.complaints(), [], 'keepalived complains about nothing halb sent');
    assert.deepEqual((await hb.instances())[0]?.drops, {});
  });

  it('enforce: keepalived 2.2.7 adverts carry no trailer, so both become MASTER', async () => {
    const lab = await Lab.create({ hosts: ['ka', 'hb'] });
    labs.push(lab);
    const ka = new KeepalivedPeer(lab, 'ka', conf(f, 150, ''));
    const hb = new Appliance(lab, 'hb', conf(f, 100, hmacBlock(keyLines(1), 1)));
    ka.start();
    hb.start();
    await until(
      'both master',
      20000,
      async () => [ka.state(), await hb.state()],
      (s) => s.join() === 'master,master',
    );
    const drops = (await hb.instances())[0]?.drops ?? {};
    assert.ok((drops['auth-missing'] ?? 0) >= 1, JSON.stringify(drops));
  });
});
