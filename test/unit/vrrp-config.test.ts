/** The VRRP config as the engine sees it: keepalived's defaults, inheritance from global_defs, parsed VIPs. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../src/config/load';
import { preprocessSource } from '../../src/config/preprocess';
import { ROOT } from '../../src/config/schema/root';
import { parseTree } from '../../src/config/tree';
import { resolve } from '../../src/config/validate';
import { vrrpConfig } from '../../src/config/vrrp-config';
import { loadText } from '../rigs/config-text';

const SAMPLES = path.resolve(__dirname, '../../../../shared/corpus/keepalived-samples');
const fromText = (text: string) =>
  vrrpConfig(
    resolve(parseTree(preprocessSource('/t.conf', text, { configId: 'x' }).lines).statements, ROOT)
      .model,
  );

describe('vrrp config', () => {
  it('state MASTER as keepalived takes it: strict mode follows the priority, AH keeps a non-owner BACKUP, MASTER clears nopreempt / preempt_delay', () => {
    const one = (g: string, body: string) =>
      fromText(
        `global_defs {\n${g}}\nvrrp_instance A {\n  interface eth0\n  virtual_router_id 1\n${body}  virtual_ipaddress {\n    192.0.2.10\n  }\n}\n`,
      ).instances[0]!;
    const m = one('', '  state MASTER\n  priority 100\n  nopreempt\n  preempt_delay 5\n');
    assert.deepEqual([m.initialState, m.nopreempt, m.preemptDelayS], ['MASTER', false, 0]);
    assert.equal(one('  vrrp_strict\n', '  state MASTER\n  priority 100\n').initialState, 'BACKUP');
    assert.equal(one('  vrrp_strict\n', '  state BACKUP\n  priority 255\n').initialState, 'MASTER');
    const ah = '  authentication {\n    auth_type AH\n    auth_pass secret\n  }\n';
    assert.equal(one('', `  state MASTER\n  priority 100\n${ah}`).initialState, 'BACKUP');
    const b = one('', '  state BACKUP\n  nopreempt\n  preempt_delay 5\n');
    assert.deepEqual([b.initialState, b.nopreempt, b.preemptDelayS], ['BACKUP', true, 5]);
  });

  it('VIP flags: home, mngtmpaddr, noprefixroute, autojoin, -nodad, metric', () => {
    const v = fromText(
      'vrrp_instance A {\n  interface eth0\n  virtual_router_id 1\n  virtual_ipaddress {\n    2001:db8::1/64 home noprefixroute -nodad metric 50\n    2001:db8::2/64 mngtmpaddr autojoin\n    2001:db8::3/64\n  }\n}\n',
    ).instances[0]!.vips;
    assert.deepEqual(
      v.map((x) => [x.flags, x.dad, x.metric]),
      [
        [{ homeaddress: true, noprefixroute: true }, true, 50],
        [{ managetempaddr: true, mcautojoin: true }, undefined, undefined],
        [undefined, undefined, undefined],
      ],
    );
  });

  it("a notify script's USER [GROUP] that does not exist: a warning at its line saying to quote", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halb-notify-user-'));
    try {
      const f = path.join(dir, 'k.conf');
      fs.writeFileSync(
        f,
        'vrrp_instance A {\n  interface eth0\n  virtual_router_id 1\n  notify_master /bin/true now\n  notify_backup /bin/true ops\n  notify_fault /bin/true ops wheel\n  virtual_ipaddress {\n    192.0.2.10\n  }\n}\n',
      );
      const host = {
        userExists: (u: string) => u === 'ops',
        groupExists: (g: string) => g === 'ops',
      };
      const d = loadConfig(f, { host }).diagnostics.filter((x) => /USER|group/.test(x.message));
      assert.deepEqual(
        d.map((x) => [x.pos.line, x.message.split(';')[0]]),
        [
          [4, "notify_master: user 'now' does not exist here, and keepalived ignores this script"],
          [
            6,
            "notify_fault: group 'wheel' does not exist here, and keepalived ignores this script",
          ],
        ],
      );
      assert.match(d[0]!.message, /quote the whole command line: notify_master "\/bin\/true now"/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('nopreempt and preempt: the later of the two wins, as keepalived clears the flag', () => {
    const np = (body: string) =>
      fromText(
        `vrrp_instance A {\n  interface eth0\n  virtual_router_id 1\n${body}  virtual_ipaddress {\n    192.0.2.10\n  }\n}\n`,
      ).instances[0]!.nopreempt;
    assert.equal(np('  nopreempt\n'), true);
    assert.equal(np('  nopreempt\n  preempt\n'), false);
    assert.equal(np('  preempt\n  nopreempt\n'), true);
    assert.equal(np('  preempt\n'), false);
  });

  it("vrrp_script user: the script's own user [group]", () => {
    const c = fromText(
      'vrrp_script S {\n  script /bin/true\n  user nobody nogroup\n}\nvrrp_script T {\n  script /bin/true\n}\n',
    );
    assert.deepEqual(
      c.scripts.map((x) => x.user),
      [['nobody', 'nogroup'], undefined],
    );
  });

  it('garp_lower_prio_repeat / _delay: instance, global, else the global master repeat and delay; none in strict mode', () => {
    const garp = (g: string, i = '') =>
      fromText(
        `global_defs {\n${g}}\nvrrp_instance A {\n  interface eth0\n  virtual_router_id 1\n${i}  virtual_ipaddress {\n    192.0.2.10\n  }\n}\n`,
      ).instances[0]!.garp;
    const lp = (x: ReturnType<typeof garp>) => [x.lowerPrioRepeat, x.lowerPrioDelayS];
    assert.deepEqual(lp(garp('')), [5, 5]);
    assert.deepEqual(lp(garp('  vrrp_garp_master_repeat 3\n  vrrp_garp_master_delay 7\n')), [3, 7]);
    assert.deepEqual(
      lp(garp('  vrrp_garp_lower_prio_repeat 2\n  vrrp_garp_lower_prio_delay 1\n')),
      [2, 1],
    );
    assert.deepEqual(
      lp(garp('  vrrp_garp_lower_prio_repeat 2\n', '  garp_lower_prio_repeat 0\n')),
      [0, 5],
    );
    assert.deepEqual(lp(garp('  vrrp_strict\n')), [0, 0]);
  });

  it('garp_extra_if [all] SECONDS: the instance, else the global vrrp_garp_extra_if; off by default', () => {
    const ex = (g: string, i = '') => {
      const garp = fromText(
        `global_defs {\n${g}}\nvrrp_instance A {\n  interface eth0\n  virtual_router_id 1\n${i}  virtual_ipaddress {\n    192.0.2.10\n  }\n}\n`,
      ).instances[0]!.garp;
      return [garp.extraIfS, garp.extraIfAll];
    };
    assert.deepEqual(ex(''), [0, false]);
    assert.deepEqual(ex('  vrrp_garp_extra_if 100\n'), [100, false]);
    assert.deepEqual(ex('  vrrp_garp_extra_if all 100\n', '  garp_extra_if 30\n'), [30, false]);
    assert.deepEqual(ex('', '  garp_extra_if all 30\n'), [30, true]);
  });

  it('vrrp_min_garp: one announcement and no second burst, unless set explicitly', () => {
    const garp = (g: string, i = '') =>
      fromText(
        `global_defs {\n${g}}\nvrrp_instance A {\n  interface eth0\n  virtual_router_id 1\n${i}  virtual_ipaddress {\n    192.0.2.10\n  }\n}\n`,
      ).instances[0]!.garp;
    assert.deepEqual([garp('').masterDelayS, garp('').masterRepeat], [5, 5]);
    assert.deepEqual(
      [garp('  vrrp_min_garp\n').masterDelayS, garp('  vrrp_min_garp\n').masterRepeat],
      [0, 1],
    );
    const explicit = garp(
      '  vrrp_min_garp\n  vrrp_garp_master_repeat 3\n',
      '  garp_master_delay 2\n',
    );
    assert.deepEqual([explicit.masterDelayS, explicit.masterRepeat], [2, 3]);
    assert.equal(garp('  vrrp_min_garp false\n').masterRepeat, 5);
  });

  it('lower_prio_no_advert / higher_prio_send_advert: instance over global, strict mode forces them', () => {
    const inst = (g: string, i: string) =>
      fromText(
        `global_defs {\n${g}}\nvrrp_instance A {\n  interface eth0\n  virtual_router_id 1\n${i}  virtual_ipaddress {\n    192.0.2.10\n  }\n}\n`,
      ).instances[0]!;
    const flags = (x: ReturnType<typeof inst>) => [x.lowerPrioNoAdvert, x.higherPrioSendAdvert];
    assert.deepEqual(flags(inst('', '')), [false, false]);
    assert.deepEqual(
      flags(inst('  vrrp_lower_prio_no_advert\n  vrrp_higher_prio_send_advert\n', '')),
      [true, true],
    );
    assert.deepEqual(
      flags(inst('  vrrp_lower_prio_no_advert\n', '  lower_prio_no_advert false\n')),
      [false, false],
    );
    assert.deepEqual(
      flags(inst('  vrrp_strict\n', '  higher_prio_send_advert\n')),
      [true, false],
      'strict mode: no advert to a lower priority, none before stepping down',
    );
  });

  it("adds a sync group's track_interface / track_script / track_file to each member (its own win)", () => {
    const unweighted = fromText(
      `vrrp_script own {\n  script /bin/true\n}\n` +
        `vrrp_sync_group G {\n  group {\n    A\n  }\n  track_script {\n    own weight 5\n  }\n}\n` +
        `vrrp_instance A {\n  interface eth0\n  virtual_router_id 1\n  track_script {\n    own\n  }\n  virtual_ipaddress {\n    192.0.2.10\n  }\n}\n`,
    );
    assert.deepEqual(
      unweighted.instances[0]!.trackScripts.map((t) => [t.name, t.weight]),
      [['own', undefined]],
    );
    const c = fromText(
      `vrrp_script chk {\n  script /bin/true\n}\nvrrp_script own {\n  script /bin/true\n}\n` +
        `vrrp_sync_group G {\n  group {\n    A\n    B\n  }\n  track_interface {\n    eth1 weight -20\n  }\n  track_script {\n    chk\n    own weight 5\n  }\n}\n` +
        `vrrp_instance A {\n  interface eth0\n  virtual_router_id 1\n  track_script {\n    own weight 10\n  }\n  virtual_ipaddress {\n    192.0.2.10\n  }\n}\n` +
        `vrrp_instance B {\n  interface eth0\n  virtual_router_id 2\n  virtual_ipaddress {\n    192.0.2.11\n  }\n}\n` +
        `vrrp_instance C {\n  interface eth0\n  virtual_router_id 3\n  virtual_ipaddress {\n    192.0.2.12\n  }\n}\n`,
    );
    const [a, b, cc] = c.instances;
    // A's own weighted 'own' is dropped (a member without sync_group_tracking_weight): the group's stands.
    assert.deepEqual(
      a!.trackScripts.map((t) => [t.name, t.weight]),
      [
        ['chk', undefined],
        ['own', 5],
      ],
    );
    assert.deepEqual(
      b!.trackScripts.map((t) => [t.name, t.weight]),
      [
        ['chk', undefined],
        ['own', 5],
      ],
    );
    assert.deepEqual(
      b!.trackInterfaces.map((t) => [t.name, t.weight]),
      [['eth1', -20]],
    );
    assert.deepEqual(cc!.trackScripts, [], 'not a member');
  });

  it('reads vrrp_startup_delay and down_timer_adverts (the instance over the global, 3 by default)', () => {
    const c = fromText(
      `global_defs {\n  vrrp_startup_delay 5.5\n  vrrp_down_timer_adverts 4\n}\n` +
        `vrrp_instance A {\n  interface eth0\n  virtual_router_id 1\n  virtual_ipaddress {\n    192.0.2.10\n  }\n}\n` +
        `vrrp_instance B {\n  interface eth0\n  virtual_router_id 2\n  down_timer_adverts 6\n  virtual_ipaddress {\n    192.0.2.11\n  }\n}\n`,
    );
    assert.equal(c.globals.startupDelayMs, 5500);
    assert.deepEqual(
      c.instances.map((i) => i.downTimerAdverts),
      [4, 6],
    );
    const plain = fromText(
      `vrrp_instance A {\n  interface eth0\n  virtual_router_id 1\n  virtual_ipaddress {\n    192.0.2.10\n  }\n}\n`,
    );
    assert.equal(plain.globals.startupDelayMs, 0);
    assert.equal(plain.instances[0]!.downTimerAdverts, 3);
  });

  it("takes mcast_src_ip as the adverts' source, as unicast_src_ip; the one written last wins", () => {
    const inst = (lines: string) =>
      fromText(
        `vrrp_instance A {\n  interface eth0\n  virtual_router_id 1\n${lines}  virtual_ipaddress {\n    192.0.2.10\n  }\n}\n`,
      ).instances[0]!.unicastSrc;
    assert.equal(inst(''), undefined);
    assert.equal(inst('  mcast_src_ip 192.0.2.2\n'), '192.0.2.2');
    assert.equal(inst('  unicast_src_ip 192.0.2.3\n'), '192.0.2.3');
    assert.equal(inst('  unicast_src_ip 192.0.2.3\n  mcast_src_ip 192.0.2.2\n'), '192.0.2.2');
    assert.equal(inst('  mcast_src_ip 192.0.2.2\n  unicast_src_ip 192.0.2.3\n'), '192.0.2.3');
  });

  it("reads keepalived's own sample with every default filled", () => {
    const c = vrrpConfig(loadConfig(path.join(SAMPLES, 'keepalived.conf.vrrp')).model);
    const vi1 = c.instances.find((i) => i.name === 'VI_1')!;
    assert.equal(vi1.interface, 'eth0');
    assert.equal(vi1.vrid, 51);
    assert.equal(vi1.priority, 100);
    assert.equal(vi1.initialState, 'MASTER');
    assert.equal(vi1.advertIntervalCs, 100);
    assert.equal(vi1.version, 2);
    assert.deepEqual(vi1.auth, { type: 'PASS', password: '1111' });
    assert.equal(vi1.garp.masterDelayS, 10);
    assert.equal(vi1.garp.masterRepeat, 5);
    assert.deepEqual(
      vi1.vips.map((v) => [v.address, v.prefix, v.dev, v.label]),
      [
        ['192.168.200.16', 32, 'eth0', undefined],
        ['192.168.200.17', 32, 'eth0', undefined],
        ['192.168.200.18', 32, 'eth0', undefined],
        ['192.168.200.18', 32, 'eth0', 'eth0:1'],
      ],
    );
    assert.equal(c.globals.routerId, 'LVS_DEVEL');
    assert.equal(c.globals.mcastGroup4, '224.0.0.18');
  });

  it('inherits GARP settings and the version from global_defs, and IPv6 means version 3', () => {
    const c = fromText(`global_defs {
  vrrp_garp_master_delay 2
  vrrp_garp_master_repeat 0
  vrrp_version 3
}
vrrp_instance A {
  interface eth0
  virtual_router_id 1
  advert_int 0.25
  virtual_ipaddress {
    192.0.2.10/24 dev eth1 brd 192.0.2.255 scope global
  }
}
vrrp_instance B {
  interface eth0
  virtual_router_id 2
  state MASTER
  nopreempt
  virtual_ipaddress {
    2001:db8::10/64
  }
  track_script {
    chk weight -20
  }
  notify "/usr/local/bin/notify.sh 'two words'"
  notify_master "/bin/master.sh now" nobody nogroup
  notify_backup /bin/backup.sh
}
vrrp_script chk {
  script "/bin/check --fast"
  weight 10 reverse
  interval 3
}
`);
    const [a, b] = c.instances;
    assert.equal(a!.version, 3);
    assert.equal(a!.advertIntervalCs, 25);
    assert.equal(a!.garp.masterDelayS, 2);
    assert.equal(a!.garp.masterRepeat, 1, '0 is taken as 1');
    assert.deepEqual(
      [a!.vips[0]!.prefix, a!.vips[0]!.dev, a!.vips[0]!.broadcast, a!.vips[0]!.scope],
      [24, 'eth1', '192.0.2.255', 'global'],
    );
    assert.equal(b!.family, 6);
    assert.equal(b!.version, 3);
    assert.equal(b!.priority, 255, 'state MASTER without a priority is the address owner');
    assert.equal(b!.nopreempt, false, 'keepalived clears nopreempt with state MASTER');
    assert.deepEqual(b!.trackScripts, [{ name: 'chk', weight: -20, reverse: false }]);
    assert.deepEqual(b!.notify.any, { argv: ['/usr/local/bin/notify.sh', 'two words'] });
    // keepalived: the first word is the command line, the words after it USER [GROUP].
    assert.deepEqual(b!.notify.master, {
      argv: ['/bin/master.sh', 'now'],
      user: ['nobody', 'nogroup'],
    });
    assert.deepEqual(b!.notify.backup, { argv: ['/bin/backup.sh'] });
    assert.deepEqual(c.scripts[0], {
      name: 'chk',
      argv: ['/bin/check', '--fast'],
      intervalS: 3,
      timeoutS: 3,
      weight: 10,
      reverse: true,
      rise: 1,
      fall: 1,
      user: undefined,
      initFail: false,
    });
  });
  it('reads garp pacing: global intervals and garp_group per interface', () => {
    const c = fromText(
      'global_defs {\n vrrp_garp_interval 0.01\n vrrp_gna_interval 0.02\n}\n' +
        'garp_group {\n garp_interval 0.5\n interfaces {\n  eth0\n  eth1\n }\n}\n' +
        'garp_group {\n gna_interval 0.1\n interface eth2\n}\n',
    );
    assert.equal(c.globals.garpIntervalS, 0.01);
    assert.equal(c.globals.gnaIntervalS, 0.02);
    assert.deepEqual(c.garpGroups, [
      { interfaces: ['eth0', 'eth1'], garpIntervalS: 0.5, gnaIntervalS: undefined },
      { interfaces: ['eth2'], garpIntervalS: undefined, gnaIntervalS: 0.1 },
    ]);
  });

  it('accept mode as keepalived decides it: strict mode, version, no_accept, the address owner', () => {
    const vi = (name: string, body: string, prio = 100): string =>
      `vrrp_instance ${name} {\n interface eth0\n virtual_router_id ${prio === 255 ? 9 : name.length + 40}\n priority ${prio}\n ${body}\n virtual_ipaddress {\n 192.0.2.${prio === 255 ? 9 : name.length}\n }\n}\n`;
    const accepts = (globals: string, ...instances: string[]): boolean[] =>
      fromText(`global_defs {\n${globals}\n}\n${instances.join('')}`).instances.map(
        (i) => i.accept,
      );
    assert.deepEqual(accepts('', vi('A', ''), vi('AB', 'no_accept')), [true, false]);
    assert.deepEqual(
      accepts(
        'vrrp_strict',
        vi('A', ''),
        vi('AB', 'accept'),
        vi('ABC', 'version 3\n accept'),
        vi('O', '', 255),
      ),
      [false, false, true, true],
      'strict: v2 accept reset, v3 accept kept, the owner always accepts',
    );
    assert.deepEqual(accepts('vrrp_strict', vi('A', 'strict_mode off')), [true]);
    assert.deepEqual(accepts('', vi('A', 'strict_mode')), [false]);
    const fw = fromText('global_defs {\n nftables halb\n nftables_priority -5\n}\n').globals
      .firewall;
    assert.deepEqual(fw, { table: 'halb', priority: -5, counters: false });
  });
});

describe('vrrp config: IPv6 preferred_lft', () => {
  it("takes keepalived 2.2.7's defaults (a /128 deprecated, others forever) and the option; an IPv4 VIP in an IPv6 instance is ignored", () => {
    const c = fromText(`vrrp_instance V6 {
  interface eth0
  virtual_router_id 60
  virtual_ipaddress {
    2001:db8::1
    2001:db8::2/64
    2001:db8::3/128 preferred_lft forever
    2001:db8::4/128 preferred_lft 300
    192.0.2.1/24
  }
}
`);
    const lft = c.instances[0]!.vips.map((v) => [v.address, v.preferredLft]);
    assert.deepEqual(lft, [
      ['2001:db8::1', 0],
      ['2001:db8::2', 0xffffffff],
      ['2001:db8::3', 0xffffffff],
      ['2001:db8::4', 300],
    ]);
  });
});

describe('vrrp config: one family per instance', () => {
  it('warns about a VIP of the other family (as keepalived) and loads the rest', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halb-family-'));
    try {
      const file = path.join(dir, 'k.conf');
      fs.writeFileSync(
        file,
        'vrrp_instance V {\n interface eth0\n virtual_router_id 9\n virtual_ipaddress {\n  192.0.2.1/24\n  2001:db8::1/64\n }\n}\n',
      );
      const loaded = loadConfig(file);
      const d = loaded.diagnostics.find((x) => x.message.includes('address family must match'));
      assert.equal(d?.severity, 'warning');
      assert.match(d?.message ?? '', /\[2001:db8::1\/64\] - ignoring/);
      assert.ok(!loaded.diagnostics.some((x) => x.severity === 'error'));
      const vips = vrrpConfig(loaded.model).instances[0]!.vips.map((v) => v.address);
      assert.deepEqual(vips, ['192.0.2.1']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('vrrp config: mcast_dst_ip', () => {
  const load = (body: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halb-mcast-'));
    try {
      const file = path.join(dir, 'k.conf');
      fs.writeFileSync(file, body);
      return loadConfig(file);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  const inst = (name: string, vrid: number, extra: string, vip = '192.0.2.1/24') =>
    `vrrp_instance ${name} {\n interface eth0\n virtual_router_id ${vrid}\n${extra} virtual_ipaddress {\n  ${vip}\n }\n}\n`;
  const errors = (l: ReturnType<typeof load>) =>
    l.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);

  it('the same VRID on one interface: an error on one group, fine on two (keepalived)', () => {
    assert.match(
      errors(load(inst('A', 7, '') + inst('B', 7, '')))[0] ?? '',
      /virtual_router_id 7 on eth0 \(IPv4\) is already used by vrrp_instance A/,
    );
    assert.match(
      errors(load(inst('A', 7, '') + inst('B', 7, ' mcast_dst_ip 224.0.0.18\n')))[0] ?? '',
      /already used by vrrp_instance A/,
      'the default group named explicitly is the same group',
    );
    assert.match(
      errors(
        load(
          inst('A', 7, ' mcast_dst_ip 224.0.0.19\n') +
            inst('B', 7, ' unicast_peer {\n  192.0.2.12\n }\n'),
        ),
      )[0] ?? '',
      /already used by vrrp_instance A/,
      'a unicast instance shares its VRID with no one',
    );
    assert.match(
      errors(
        load(
          inst('A', 7, ' mcast_dst_ip ff02::13\n', '2001:db8::1/64') +
            inst('B', 7, ' mcast_dst_ip FF02:0::13\n', '2001:db8::2/64'),
        ),
      )[0] ?? '',
      /already used/,
      'one IPv6 group however spelt',
    );
    const two = load(inst('A', 7, '') + inst('B', 7, ' mcast_dst_ip 224.0.0.19\n'));
    assert.deepEqual(errors(two), []);
    const c = vrrpConfig(two.model);
    assert.deepEqual(
      c.instances.map((i) => i.mcastDst),
      [undefined, '224.0.0.19'],
    );
  });

  it('must be multicast of the instance family, link-local for IPv6; ignored with unicast peers', () => {
    assert.match(
      errors(load(inst('A', 7, ' mcast_dst_ip 192.0.2.9\n')))[0] ?? '',
      /mcast_dst_ip 192\.0\.2\.9 is not a multicast address/,
    );
    assert.match(
      errors(load(inst('A', 7, ' mcast_dst_ip ff05::12\n', '2001:db8::1/64')))[0] ?? '',
      /not a link-local multicast address/,
    );
    assert.match(
      errors(load(inst('A', 7, ' mcast_dst_ip ff02::13\n')))[0] ?? '',
      /must be an IPv4 address/,
    );
    assert.deepEqual(errors(load(inst('A', 7, ' mcast_dst_ip ff02::13\n', '2001:db8::1/64'))), []);
    const uni = load(inst('A', 7, ' mcast_dst_ip 224.0.0.19\n unicast_peer {\n  192.0.2.12\n }\n'));
    assert.deepEqual(errors(uni), []);
    assert.equal(vrrpConfig(uni.model).instances[0]!.mcastDst, undefined);
  });
});

describe('vrrp config: native_ipv6', () => {
  it('an instance without VIPs is IPv6 and VRRPv3 with it; IPv4 VIPs keep it IPv4, with a warning', () => {
    const text = (vips: string) =>
      `vrrp_instance A {\n  interface eth0\n  virtual_router_id 1\n  native_ipv6\n  virtual_ipaddress_excluded {\n    2001:db8::1\n  }\n${vips}}\n`;
    const six = fromText(text('')).instances[0]!;
    assert.deepEqual([six.family, six.version], [6, 3]);
    const loaded = loadText(text('  virtual_ipaddress {\n    192.0.2.10\n  }\n'));
    assert.equal(vrrpConfig(loaded.model).instances[0]!.family, 4);
    assert.ok(
      loaded.diagnostics.some((d) =>
        /Cannot specify native_ipv6 with IPv4 addresses/.test(d.message),
      ),
    );
  });
});
