/**
 * static_ipaddress / static_routes / static_rules with the real executable,
 * keepalived 2.2.7 as the oracle in the same lab: the same config leaves the
 * same addresses, routes and rules on both hosts at start, after a reload
 * that drops and adds entries, and after a stop (nothing). A deleted static
 * address comes back unless it says no_track.
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { Appliance, until } from '../rigs/appliance';
import { KeepalivedPeer } from '../rigs/keepalived-peer';
import { Lab } from '../rigs/netns-lab';

const FIRST = `static_ipaddress {
    192.0.2.200/24 dev eth0
    192.0.2.201/24 no_track
    2001:db8::200/64 dev eth0
}
static_routes {
    203.0.113.0/24 via 192.0.2.1 dev eth0
    198.51.100.0/25 dev eth0 table 100
}
static_rules {
    from 192.0.2.200 table 100 priority 1000
}
`;

const SECOND = `static_ipaddress {
    192.0.2.200/24 dev eth0
    192.0.2.202/24 dev eth0
}
static_routes {
    198.51.100.0/25 dev eth0 table 100
}
static_rules {
    from 192.0.2.202 table 100 priority 1001
}
`;

/** What statics leave on a host, without what the lab put there or the kernel's own entries. */
async function view(lab: Lab, host: string): Promise<string[]> {
  const h = lab.host(host);
  const run = async (argv: string[]): Promise<string[]> =>
    (await lab.exec(host, argv)).stdout
      .split('\n')
      .map((l) => l.trim().replace(/\s+/g, ' '))
      .filter((l) => l !== '');
  const addrs = (await run(['ip', '-o', 'addr', 'show', 'dev', 'eth0']))
    .map((l) => /inet6? (\S+)/.exec(l)?.[1] ?? '')
    .filter((a) => a && !a.startsWith(h.ipv4) && !a.startsWith(h.ipv6) && !a.startsWith('fe80'));
  const routes = [
    ...(await run(['ip', 'route', 'show', 'table', 'main'])),
    ...(await run(['ip', 'route', 'show', 'table', '100'])),
  ].filter((l) => !l.includes('proto kernel'));
  const rules = (await run(['ip', 'rule', 'show'])).filter((l) => !/^(0|32766|32767):/.test(l));
  return [
    ...addrs.map((a) => `addr ${a}`),
    ...routes.map((r) => `route ${r}`),
    ...rules.map((r) => `rule ${r}`),
  ].sort();
}

describe('static_ipaddress, static_routes, static_rules', () => {
  const labs: Lab[] = [];
  after(async () => {
    for (const l of labs) await l.dispose();
  });

  it('the same as keepalived at start, after a reload and after a stop; deleted addresses come back', async () => {
    const lab = await Lab.create({ hosts: ['ka', 'hb'] });
    labs.push(lab);
    const ka = new KeepalivedPeer(lab, 'ka', FIRST);
    const hb = new Appliance(lab, 'hb', FIRST);
    ka.start();
    const proc = hb.start();
    const settled = async (what: string): Promise<string[]> => {
      // keepalived's view once it stops changing (addresses, routes and rules land one by one).
      let want: string[] = [];
      await until(
        `keepalived ${what}`,
        20000,
        async () => {
          const before = await view(lab, 'ka');
          await new Promise((r) => setTimeout(r, 1000));
          want = await view(lab, 'ka');
          return before.join('\n') === want.join('\n') && want.length > 0;
        },
        (stable) => stable,
      );
      return until(
        `halb ${what} as keepalived's ${JSON.stringify(want)}`,
        15000,
        () => view(lab, 'hb'),
        (v) => v.join('\n') === want.join('\n'),
      );
    };
    const first = await settled('start');
    assert.ok(first.includes('addr 192.0.2.201/24'), first.join('\n'));
    assert.ok(
      first.some((l) => l.startsWith('rule 1000: from 192.0.2.200 lookup 100')),
      first.join('\n'),
    );
    assert.ok(
      first.some((l) => l.startsWith('route 203.0.113.0/24 via 192.0.2.1')),
      first.join('\n'),
    );

    await lab.exec('hb', ['ip', 'addr', 'del', '192.0.2.200/24', 'dev', 'eth0']);
    await lab.exec('hb', ['ip', 'addr', 'del', '192.0.2.201/24', 'dev', 'eth0']);
    await proc.waitFor('Restoring deleted static address 192.0.2.200', 10000);
    await new Promise((r) => setTimeout(r, 1000));
    const after = await view(lab, 'hb');
    assert.ok(after.includes('addr 192.0.2.200/24'), 'tracked: back');
    assert.ok(!after.includes('addr 192.0.2.201/24'), 'no_track: stays gone');
    await lab.exec('hb', ['ip', 'addr', 'add', '192.0.2.201/24', 'dev', 'eth0']);

    fs.writeFileSync(ka.conf, SECOND);
    fs.writeFileSync(hb.conf, SECOND);
    process.kill(ka.proc!.pid as number, 'SIGHUP');
    process.kill(hb.proc!.pid as number, 'SIGHUP');
    await new Promise((r) => setTimeout(r, 3000));
    const second = await settled('reload');
    assert.ok(second.includes('addr 192.0.2.202/24') && !second.includes('addr 2001:db8::200/64'));

    await ka.kill('SIGTERM');
    await proc.kill('SIGTERM');
    assert.deepEqual(await view(lab, 'ka'), [], 'keepalived leaves nothing');
    assert.deepEqual(await view(lab, 'hb'), [], 'halb leaves nothing');
  });

  it('track_group: the group instances go FAULT while a static entry interface is down', async () => {
    const lab = await Lab.create({ hosts: ['hb'] });
    labs.push(lab);
    await lab.addInterfaces('hb', ['eth1']);
    const hb = new Appliance(
      lab,
      'hb',
      `track_group G {
    group {
        VI_1
    }
}
static_ipaddress {
    198.51.100.5/24 dev eth1 track_group G
}
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
    priority 150
    advert_int 1
    virtual_ipaddress {
        192.0.2.100/24
    }
}
`,
    );
    hb.start();
    await until(
      'master',
      20000,
      () => hb.state(),
      (s) => s === 'master',
    );
    await lab.exec('hb', ['ip', 'link', 'set', 'eth1', 'down']);
    await until(
      'fault',
      10000,
      () => hb.state(),
      (s) => s === 'fault',
    );
    await lab.exec('hb', ['ip', 'link', 'set', 'eth1', 'up']);
    await until(
      'master again',
      20000,
      () => hb.state(),
      (s) => s === 'master',
    );
  });
});
