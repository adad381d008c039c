/**
 * Interoperability with Debian's keepalived 2.2.7 in mixed pairs, both roles:
 * VRRPv2 with PASS auth and with AH (IPsec AH, HMAC-MD5-96), VRRPv3 over
 * IPv4 and over IPv6. Election, failover and
 * preemption both ways; keepalived complains about none of halb's packets; an
 * auth or VRID mismatch means the two do not interact (both end up MASTER).
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { Appliance, until } from '../rigs/appliance';
import { KeepalivedPeer } from '../rigs/keepalived-peer';
import { Lab } from '../rigs/netns-lab';

interface Variant {
  readonly name: string;
  readonly vip: string;
  readonly body: string;
}

const V2_PASS: Variant = {
  name: 'VRRPv2 PASS',
  vip: '192.0.2.100/24',
  body: 'version 2\n    authentication {\n        auth_type PASS\n        auth_pass s3cret\n    }',
};
const V2_AH: Variant = {
  name: 'VRRPv2 AH',
  vip: '192.0.2.100/24',
  body: 'version 2\n    authentication {\n        auth_type AH\n        auth_pass s3cret\n    }',
};
const V3_IPV4: Variant = { name: 'VRRPv3 IPv4', vip: '192.0.2.100/24', body: 'version 3' };
const V3_IPV6: Variant = { name: 'VRRPv3 IPv6', vip: '2001:db8::100/64', body: 'version 3' };

function conf(v: Variant, prio: number, vrid = 51, body = v.body): string {
  return `global_defs {
    router_id interop
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id ${vrid}
    priority ${prio}
    advert_int 1
    ${body}
    virtual_ipaddress {
        ${v.vip}
    }
}
`;
}

describe('interoperability with keepalived 2.2.7', () => {
  const labs: Lab[] = [];
  after(async () => {
    for (const l of labs) await l.dispose();
  });

  for (const [v, keepalivedHigh] of [
    [V2_PASS, true],
    [V3_IPV4, false],
    [V3_IPV6, true],
    [V2_PASS, false],
    [V2_AH, true],
    [V2_AH, false],
  ] as const) {
    it(`${v.name}: keepalived ${keepalivedHigh ? 'above' : 'below'} halb — election, failover, preemption`, async () => {
      const lab = await Lab.create({ hosts: ['ka', 'hb'] });
      labs.push(lab);
      const ka = new KeepalivedPeer(lab, 'ka', conf(v, keepalivedHigh ? 150 : 100));
      const hb = new Appliance(lab, 'hb', conf(v, keepalivedHigh ? 100 : 150));
      ka.start();
      hb.start();
      const both = async (): Promise<[string, string]> => [ka.state(), await hb.state()];
      const want = (kaMaster: boolean): [string, string] =>
        kaMaster ? ['master', 'backup'] : ['backup', 'master'];
      assert.deepEqual(
        await until(
          'election',
          20000,
          both,
          (s) => s[0] === want(keepalivedHigh)[0] && s[1] === want(keepalivedHigh)[1],
        ),
        want(keepalivedHigh),
      );
      // Fail the master with kill -9: the other takes over.
      if (keepalivedHigh) await ka.proc!.kill('SIGKILL');
      else await hb.proc!.kill('SIGKILL');
      await until('failover', 15000, both, (s) =>
        keepalivedHigh ? s[1] === 'master' : s[0] === 'master',
      );
      // Bring it back: it preempts.
      if (keepalivedHigh) ka.start();
      else hb.start();
      assert.deepEqual(
        await until(
          'preemption',
          20000,
          both,
          (s) => s[0] === want(keepalivedHigh)[0] && s[1] === want(keepalivedHigh)[1],
        ),
        want(keepalivedHigh),
      );
      await new Promise((r) => setTimeout(r, 2000));
      assert.deepEqual(await both(), want(keepalivedHigh), 'stable after preemption');
      assert.deepEqual(ka.complaints(), [], 'keepalived complains about nothing halb sent');
      const drops = (await hb.instances())[0]?.drops ?? {};
      assert.deepEqual(drops, {}, 'halb dropped nothing keepalived sent');
    });
  }

  for (const [what, kaConf, hbConf] of [
    [
      'an auth mismatch',
      conf(V2_PASS, 150),
      conf(
        V2_PASS,
        100,
        51,
        'version 2\n    authentication {\n        auth_type PASS\n        auth_pass other\n    }',
      ),
    ],
    [
      'an AH password mismatch',
      conf(V2_AH, 150),
      conf(
        V2_AH,
        100,
        51,
        'version 2\n    authentication {\n        auth_type AH\n        auth_pass other\n    }',
      ),
    ],
    ['a VRID mismatch', conf(V3_IPV4, 150, 51), conf(V3_IPV4, 100, 52)],
  ] as const) {
    it(`${what} means no interaction: both become MASTER`, async () => {
      const lab = await Lab.create({ hosts: ['ka', 'hb'] });
      labs.push(lab);
      const ka = new KeepalivedPeer(lab, 'ka', kaConf);
      const hb = new Appliance(lab, 'hb', hbConf);
      ka.start();
      hb.start();
      const s = await until(
        'both master',
        20000,
        async () => [ka.state(), await hb.state()],
        (x) => x[0] === 'master' && x[1] === 'master',
      );
      assert.deepEqual(s, ['master', 'master']);
    });
  }
});
