/**
 * The desired IPVS table from config + health, as keepalived's
 * check/ipwrapper.c computes it: checker-less servers always in, alpha,
 * inhibit_on_failure, quorum with hysteresis, sorry_server (and its inhibit),
 * misc_dynamic weights, virtual_server_group expansion, forwarding options.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadConfig } from '../../src/config/load';
import { lvsConfig } from '../../src/config/lvs-config';
import { preprocessSource } from '../../src/config/preprocess';
import { ROOT } from '../../src/config/schema/root';
import { parseTree } from '../../src/config/tree';
import { resolve } from '../../src/config/validate';
import { desiredTable, quorumStates } from '../../src/ipvs/desired';
import { expandGroup } from '../../src/ipvs/groups';
import { healthKey, type HealthReport, type HealthTable } from '../../src/lvs/health';
import type { TableEntry } from '../../src/ipvs/types';
import { syncDaemonOf, timeoutsOf } from '../../src/ipvs/globals';

const SAMPLES = path.resolve(__dirname, '../../../../shared/corpus/keepalived-samples');
const lvs = (text: string) =>
  lvsConfig(
    resolve(parseTree(preprocessSource('/t.conf', text, { configId: 'x' }).lines).statements, ROOT)
      .model,
  );

function health(...reports: [string, string, boolean, number?][]): HealthTable {
  return new Map(
    reports.map(([service, server, up, weight]): [string, HealthReport] => [
      healthKey(service, server),
      { service, server, up, ...(weight !== undefined ? { weight } : {}), detail: '', at: 0 },
    ]),
  );
}

/** "address:port weight" of each destination, per service, for short assertions. */
const weights = (t: readonly TableEntry[]): string[][] =>
  t.map((e) => e.dests.map((d) => `${d.address}:${d.port} ${d.weight}`));

const POOL = (extra: string, rsExtra = '') => `
virtual_server 192.0.2.10 80 {
  lb_algo rr
  ${extra}
  real_server 198.51.100.1 80 {
    weight 2
    ${rsExtra}
    TCP_CHECK {
      connect_timeout 1
    }
  }
  real_server 198.51.100.2 80 {
    weight 3
    ${rsExtra}
    TCP_CHECK {
      connect_timeout 1
    }
  }
  real_server 198.51.100.3 80 {
    weight 1
  }
}`;
const VS = '[192.0.2.10]:tcp:80';
const RS1 = '[198.51.100.1]:tcp:80';
const RS2 = '[198.51.100.2]:tcp:80';

describe('desired table: real servers', () => {
  it('before any report: up; a real server without checkers is always in', () => {
    const d = desiredTable(lvs(POOL('')), new Map());
    assert.deepEqual(weights(d.table), [
      ['198.51.100.1:80 2', '198.51.100.2:80 3', '198.51.100.3:80 1'],
    ]);
    assert.deepEqual(d.problems, []);
  });

  it('alpha: checked servers start down until a report says up', () => {
    const c = lvs(POOL('alpha'));
    assert.deepEqual(weights(desiredTable(c, new Map()).table), [['198.51.100.3:80 1']]);
    assert.deepEqual(weights(desiredTable(c, health([VS, RS2, true])).table), [
      ['198.51.100.2:80 3', '198.51.100.3:80 1'],
    ]);
  });

  it('a down server is removed; with inhibit_on_failure it stays at weight 0', () => {
    const h = health([VS, RS1, false], [VS, RS2, true]);
    assert.deepEqual(weights(desiredTable(lvs(POOL('')), h).table), [
      ['198.51.100.2:80 3', '198.51.100.3:80 1'],
    ]);
    assert.deepEqual(weights(desiredTable(lvs(POOL('inhibit_on_failure')), h).table), [
      ['198.51.100.1:80 0', '198.51.100.2:80 3', '198.51.100.3:80 1'],
    ]);
  });

  it("misc_dynamic's weight replaces the configured one", () => {
    const h = health([VS, RS1, true, 7]);
    assert.deepEqual(weights(desiredTable(lvs(POOL('')), h).table)[0]?.[0], '198.51.100.1:80 7');
  });
});

describe('desired table: quorum and sorry server', () => {
  const conf = (q: string) => `
virtual_server 192.0.2.10 80 {
  ${q}
  sorry_server 203.0.113.9 8080
  real_server 198.51.100.1 80 {
    weight 1
    TCP_CHECK {
    }
  }
  real_server 198.51.100.2 80 {
    weight 1
    TCP_CHECK {
    }
  }
  real_server 198.51.100.3 80 {
    weight 1
    TCP_CHECK {
    }
  }
}`;
  const h = (up: number) =>
    health(
      ...[1, 2, 3].map((i): [string, string, boolean] => [VS, `[198.51.100.${i}]:tcp:80`, i <= up]),
    );

  it('all down: the sorry server alone, weight 1', () => {
    const d = desiredTable(lvs(conf('')), h(0));
    assert.deepEqual(weights(d.table), [['203.0.113.9:8080 1']]);
    assert.equal(d.states.get(VS)?.sorryServerActive, true);
  });

  it('quorum not met: the sorry server replaces the servers that are up (inhibited ones go to 0)', () => {
    assert.deepEqual(weights(desiredTable(lvs(conf('quorum 2')), h(1)).table), [
      ['203.0.113.9:8080 1'],
    ]);
    assert.deepEqual(weights(desiredTable(lvs(conf('quorum 2\ninhibit_on_failure')), h(1)).table), [
      ['198.51.100.1:80 0', '198.51.100.2:80 0', '198.51.100.3:80 0', '203.0.113.9:8080 1'],
    ]);
  });

  it('hysteresis: gained at quorum + h, kept down to quorum - h, lost below', () => {
    const c = lvs(conf('quorum 2\nhysteresis 1'));
    // Start: 2 up is below 2+1: quorum down.
    let d = desiredTable(c, h(2));
    assert.equal(d.states.get(VS)?.quorumUp, false);
    d = desiredTable(c, h(3), quorumStates(d));
    assert.equal(d.states.get(VS)?.quorumUp, true);
    assert.deepEqual(weights(d.table), [
      ['198.51.100.1:80 1', '198.51.100.2:80 1', '198.51.100.3:80 1'],
    ]);
    // Down to 1 = quorum - hysteresis: still up.
    d = desiredTable(c, h(1), quorumStates(d));
    assert.equal(d.states.get(VS)?.quorumUp, true);
    assert.deepEqual(weights(d.table), [['198.51.100.1:80 1']]);
    d = desiredTable(c, h(0), quorumStates(d));
    assert.equal(d.states.get(VS)?.quorumUp, false);
    // Back to 2: not yet 3, stays down.
    d = desiredTable(c, h(2), quorumStates(d));
    assert.equal(d.states.get(VS)?.quorumUp, false);
    assert.deepEqual(weights(d.table), [['203.0.113.9:8080 1']]);
  });

  it('sorry_server_inhibit: at weight 0 while the quorum is up', () => {
    assert.deepEqual(weights(desiredTable(lvs(conf('sorry_server_inhibit')), h(3)).table), [
      ['198.51.100.1:80 1', '198.51.100.2:80 1', '198.51.100.3:80 1', '203.0.113.9:8080 0'],
    ]);
  });
});

describe('desired table: services', () => {
  it("keepalived's virtual_server_group sample: one service per entry, same servers", () => {
    const c = lvsConfig(
      loadConfig(path.join(SAMPLES, 'keepalived.conf.virtual_server_group')).model,
    );
    const d = desiredTable(c, new Map());
    assert.deepEqual(d.problems, []);
    const keys = d.table.map((e) =>
      'fwmark' in e.service ? `fwm ${e.service.fwmark}` : `${e.service.address}:${e.service.port}`,
    );
    assert.ok(keys.length > 1, keys.join(' '));
    const dests = new Set(d.table.map((e) => JSON.stringify(e.dests.map((x) => x.address))));
    assert.equal(dests.size, 1, 'every member has the same real servers');
  });

  it('group ranges, prefixes and fwmarks expand', () => {
    const { members, problems } = expandGroup([
      ['192.0.2.1-3', '80'],
      ['192.0.2.8/30', '443'],
      ['2001:db8::a-c', '53'],
      ['fwmark', '7', 'inet6'],
      ['192.0.2.9-2', '80'],
    ]);
    assert.deepEqual(
      members.map((m) =>
        m.kind === 'fwmark' ? `fwm ${m.mark}/${m.family}` : `${m.address}:${m.port}`,
      ),
      [
        '192.0.2.1:80',
        '192.0.2.2:80',
        '192.0.2.3:80',
        '192.0.2.8:443',
        '192.0.2.9:443',
        '192.0.2.10:443',
        '192.0.2.11:443',
        '2001:db8::a:53',
        '2001:db8::b:53',
        '2001:db8::c:53',
        'fwm 7/6',
      ],
    );
    assert.deepEqual(problems, ["'192.0.2.9-2': range end 2 is not after 9"]);
  });

  it('scheduler flags, persistence, TUN options, lvs_method per server, IPv6 fwmark', () => {
    const d = desiredTable(
      lvs(`
virtual_server fwmark 9 {
  ip_family inet6
  lb_algo sh
  sh-port
  sh-fallback
  ops
  lb_kind TUN type gue port 6080 csum
  persistence_timeout 120
  persistence_granularity 64
  persistence_engine sip
  real_server 2001:db8::21 80 {
    weight 4
  }
  real_server 2001:db8::22 80 {
    lvs_method DR
    uthreshold 50
    lthreshold 5
  }
}
virtual_server 192.0.2.30 443 {
  protocol UDP
  persistence_timeout
  persistence_granularity 255.255.255.0
  real_server 198.51.100.30 443 {}
}`),
      new Map(),
    );
    assert.deepEqual(d.problems, []);
    assert.deepEqual(d.table[0], {
      service: {
        family: 6,
        fwmark: 9,
        scheduler: 'sh',
        flags: { onePacket: true, fallback: true, port: true },
        persistence: { timeoutS: 120, netmaskBits: 64, engine: 'sip' },
      },
      dests: [
        {
          family: 6,
          address: '2001:db8::21',
          port: 80,
          forwarding: 'TUN',
          weight: 4,
          upperThreshold: 0,
          lowerThreshold: 0,
          tunnel: { type: 'gue', port: 6080, checksum: 'csum' },
        },
        {
          family: 6,
          address: '2001:db8::22',
          port: 80,
          forwarding: 'DR',
          weight: 1,
          upperThreshold: 50,
          lowerThreshold: 5,
        },
      ],
    });
    assert.deepEqual(d.table[1]?.service, {
      family: 4,
      protocol: 'UDP',
      address: '192.0.2.30',
      port: 443,
      scheduler: 'wlc',
      flags: {},
      persistence: { timeoutS: 360, netmaskBits: 24 },
    });
  });

  it('a non-contiguous netmask and an undefined group are problems, the rest still builds', () => {
    const d = desiredTable(
      lvs(`
virtual_server 192.0.2.31 80 {
  persistence_timeout 60
  persistence_granularity 255.0.255.0
  real_server 198.51.100.1 80 {
  }
}
virtual_server group nosuch {
  real_server 198.51.100.1 80 {
  }
}
virtual_server 192.0.2.32 80 {
  real_server 198.51.100.1 80 {
  }
}`),
      new Map(),
    );
    assert.equal(d.table.length, 1);
    assert.equal(d.problems.length, 2);
    assert.match(d.problems[0] ?? '', /255\.0\.255\.0 is not a contiguous netmask/);
    assert.match(d.problems[1] ?? '', /virtual_server_group nosuch is not defined/);
  });
});

describe('global_defs: lvs_timeouts and lvs_sync_daemon', () => {
  it('timeouts: absent ones are 0 (the kernel keeps them)', () => {
    assert.deepEqual(timeoutsOf(['tcp', '900', 'udp', '300']), {
      tcpS: 900,
      tcpFinS: 0,
      udpS: 300,
    });
    assert.equal(timeoutsOf(undefined), undefined);
  });
  it('sync daemon: interface, instance with or without inst, options', () => {
    const c = syncDaemonOf([
      'eth1',
      'inst',
      'VI_1',
      'id',
      '7',
      'port',
      '8849',
      'ttl',
      '2',
      'group',
      '224.0.0.82',
    ]);
    assert.deepEqual(c, {
      interface: 'eth1',
      instance: 'VI_1',
      syncId: 7,
      port: 8849,
      ttl: 2,
      group: '224.0.0.82',
    });
    assert.equal(syncDaemonOf(['eth0', 'VI_2'])?.instance, 'VI_2');
    // The old positional form: IF VI SYNCID.
    assert.deepEqual(syncDaemonOf(['eth0', 'VI_2', '9']), {
      interface: 'eth0',
      instance: 'VI_2',
      syncId: 9,
    });
    assert.deepEqual(syncDaemonOf(['eth0']), { interface: 'eth0', instance: undefined });
  });
});
