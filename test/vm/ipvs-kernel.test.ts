/**
 * The IPVS client against the real kernel, in the qemu-x86_64 firmware, with
 * Debian's ipvsadm 1.31 and keepalived 2.2.7 as oracles (on a test-only data
 * disk, see rigs/ipvs-tools): every feature programmed reads back the same
 * through ipvsadm and through halb; a second apply changes nothing and one
 * changed weight is one edit; kernel errors name the service and the rest still
 * loads; timeouts and the sync daemon; and for each of keepalived's sample
 * configs with virtual servers, keepalived and halb program the same table.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IPVSADM, KEEPALIVED, toolsDisk, type ToolsDisk } from '../rigs/ipvs-tools';
import { ROOT, Vm } from '../rigs/vm';
import { FULL_TABLE } from './ipvs-fixtures';
import { SCHEDULERS, type IpvsDest, type IpvsService, type TableEntry } from '../../src/ipvs/types';

const SAMPLES = path.join(ROOT, '..', 'shared', 'corpus', 'keepalived-samples');
/**
 * keepalived.conf.vrrp.lvs_syncd lists sync-group members in the old style:
 * keepalived 2.2.7 logs "Unknown keyword 'VI_2'" and carries on, halb refuses a
 * config with errors (keepalived-reference.md, vrrp_sync_group).
 */
const REFUSED_BY_HALB = new Set(['keepalived.conf.vrrp.lvs_syncd']);
const VS_SAMPLES = fs
  .readdirSync(SAMPLES)
  .filter((n) => n.startsWith('keepalived.conf.') && !REFUSED_BY_HALB.has(n))
  .filter((n) => /^\s*virtual_server\s/m.test(fs.readFileSync(path.join(SAMPLES, n), 'utf8')))
  .sort();

// ---- the table in ipvsadm's save syntax (ipvsadm(8)), to compare with `ipvsadm -Sn`

const hostPort = (a: string, p: number) => (a.includes(':') ? `[${a}]:${p}` : `${a}:${p}`);
const PROTO_OPT = { TCP: '-t', UDP: '-u', SCTP: '--sctp-service' } as const;

function spec(s: IpvsService): string {
  if ('fwmark' in s) return `-f ${s.fwmark}${s.family === 6 ? ' -6' : ''}`;
  return `${PROTO_OPT[s.protocol]} ${hostPort(s.address, s.port)}`;
}

function mask(bits: number, family: 4 | 6): string {
  if (family === 6) return String(bits);
  const m = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return [24, 16, 8, 0].map((sh) => (m >>> sh) & 0xff).join('.');
}

function saveLines(table: readonly TableEntry[]): string[] {
  const out: string[] = [];
  for (const { service: s, dests } of table) {
    const names =
      s.scheduler === 'sh' || s.scheduler === 'mh'
        ? [`${s.scheduler}-fallback`, `${s.scheduler}-port`, 'flag-3']
        : ['flag-1', 'flag-2', 'flag-3'];
    const flags = [s.flags.fallback, s.flags.port, s.flags.flag3]
      .map((f, i) => (f ? names[i] : ''))
      .filter(Boolean);
    const p = s.persistence;
    out.push(
      [
        `-A ${spec(s)} -s ${s.scheduler}`,
        p ? `-p ${p.timeoutS}` : '',
        p && p.netmaskBits !== (s.family === 6 ? 128 : 32)
          ? `-M ${mask(p.netmaskBits, s.family)}`
          : '',
        flags.length ? `-b ${flags.join(',')}` : '',
        s.flags.onePacket ? '-o' : '',
        p?.engine ? `--pe ${p.engine}` : '',
      ]
        .filter(Boolean)
        .join(' '),
    );
    for (const d of dests) out.push(destLine(s, d));
  }
  return out;
}

function destLine(s: IpvsService, d: IpvsDest): string {
  const fwd = { NAT: '-m', DR: '-g', TUN: '-i', LOCAL: '-m' }[d.forwarding];
  const t = d.tunnel;
  return [
    `-a ${spec(s)} -r ${hostPort(d.address, d.port)} ${fwd} -w ${d.weight}`,
    t ? `--tun-type ${t.type}` : '',
    t?.type === 'gue' ? `--tun-port ${t.port ?? 0}` : '',
    t?.checksum === 'csum' ? '--tun-csum' : t?.checksum === 'remcsum' ? '--tun-remcsum' : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/** Lines with their options in a fixed order, so option order does not matter. */
function canonical(lines: readonly string[]): string[] {
  const NO_VALUE = new Set([
    '-A',
    '-a',
    '-o',
    '-m',
    '-g',
    '-i',
    '-6',
    '--tun-csum',
    '--tun-remcsum',
    '--tun-nocsum',
  ]);
  return lines
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const t = l.split(/\s+/);
      const head = t.shift() as string;
      const opts: string[] = [];
      while (t.length) {
        const o = t.shift() as string;
        opts.push(NO_VALUE.has(o) ? o : `${o} ${t.shift() ?? ''}`);
      }
      return [head, ...opts.sort()].join(' ');
    })
    .sort();
}

const HEALTH_CONF = `
virtual_server 192.0.2.40 80 {
  lb_algo rr
  sorry_server 203.0.113.9 8080
  real_server 198.51.100.1 80 {
    weight 2
    inhibit_on_failure
    TCP_CHECK {
    }
  }
  real_server 198.51.100.2 80 {
    weight 3
    TCP_CHECK {
    }
  }
}
`;

describe('IPVS client on the kernel (qemu-x86_64 firmware, ipvsadm and keepalived as oracles)', () => {
  let vm: Vm;
  let disk: ToolsDisk;
  const sh = async (cmd: string, timeoutMs = 120000) => vm.run(cmd, timeoutMs);
  const ipvsadmSave = async (): Promise<string[]> => {
    const r = await sh(`${IPVSADM} -Sn`);
    assert.equal(r.code, 0, r.output);
    return canonical(r.output.split('\n'));
  };
  const write = (name: string, value: unknown) => [name, JSON.stringify(value)] as const;

  const withWeight = structuredClone(FULL_TABLE);
  (withWeight[0]!.dests as IpvsDest[])[0] = { ...withWeight[0]!.dests[0]!, weight: 7 };
  const badTable: TableEntry[] = [
    {
      service: {
        family: 4,
        protocol: 'TCP',
        address: '192.0.2.99',
        port: 80,
        scheduler: 'nosuch',
        flags: {},
      },
      dests: [FULL_TABLE[0]!.dests[0]!],
    },
    {
      service: {
        family: 4,
        protocol: 'TCP',
        address: '192.0.2.98',
        port: 80,
        scheduler: 'twos',
        flags: {},
      },
      dests: [],
    },
    FULL_TABLE[0]!,
    FULL_TABLE[0]!,
  ];

  before(async () => {
    const cases: Record<string, string> = Object.fromEntries([
      write('full.json', FULL_TABLE),
      write('weight.json', withWeight),
      write('bad.json', badTable),
      write('empty.json', []),
      write('timeouts.json', { timeouts: { tcpS: 900, tcpFinS: 120, udpS: 300 } }),
      write('sync-on.json', {
        syncDaemons: [{ state: 'master', interface: 'halbsync', syncId: 7 }],
      }),
      write('sync-off.json', { syncDaemons: [] }),
    ]);
    for (const n of VS_SAMPLES) cases[n] = fs.readFileSync(path.join(SAMPLES, n), 'utf8');
    cases['health.conf'] = HEALTH_CONF;
    cases['all-down.json'] = JSON.stringify(
      ['198.51.100.1', '198.51.100.2'].map((a) => ({
        service: '[192.0.2.40]:tcp:80',
        server: `[${a}]:tcp:80`,
        up: false,
        detail: 'connection refused',
        at: 0,
      })),
    );
    disk = toolsDisk(cases);
    vm = await Vm.boot({ board: 'qemu-x86_64', dataImage: disk.image });
    await vm.waitFor('halb: Startup complete', 300000);
  });
  after(async () => {
    await vm?.dispose();
    disk?.dispose();
  });

  it('programs every feature; ipvsadm -Sn reads back exactly that table', async () => {
    assert.deepEqual(
      [...new Set(FULL_TABLE.map((e) => e.service.scheduler))].sort(),
      SCHEDULERS.filter((s) => s !== 'twos').sort(),
      'the fixture uses every scheduler of this kernel',
    );
    const r = await sh('halb ipvs-apply /data/cases/full.json');
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(await ipvsadmSave(), canonical(saveLines(FULL_TABLE)));
    // ipvsadm -S leaves thresholds out; -L --thresholds has them.
    const th = await sh(`${IPVSADM} -Ln --thresholds -t 192.0.2.10:80`);
    assert.match(th.output, /198\.51\.100\.2:8080\s+100\s+10\s/);
  });

  it('halb ipvs-list --json decodes the same table, with counters', async () => {
    const r = await sh('halb ipvs-list --json');
    assert.equal(r.code, 0, r.output);
    const listed = JSON.parse(r.output) as { table: TableEntry[]; info: { version: string } };
    assert.match(listed.info.version, /^1\.2\.\d+$/);
    for (const e of listed.table) {
      assert.ok(e.service && 'stats' in e.service, 'service counters');
      for (const d of e.dests)
        assert.equal(typeof (d as { activeConns?: number }).activeConns, 'number');
    }
    assert.deepEqual(canonical(saveLines(listed.table)), canonical(saveLines(FULL_TABLE)));
  });

  it('the same table again changes nothing; one changed weight is one edit', async () => {
    let r = await sh('halb ipvs-apply /data/cases/full.json');
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /^0 changes/m);
    r = await sh('halb ipvs-apply /data/cases/weight.json --json');
    assert.equal(r.code, 0, r.output);
    const res = JSON.parse(r.output.slice(r.output.indexOf('{'))) as {
      ops: string[];
      applied: number;
    };
    assert.deepEqual(res.ops, [
      'edit-dest 192.0.2.10:80 (TCP) real server 198.51.100.1:8080 weight 7',
    ]);
    assert.equal(res.applied, 1);
    assert.deepEqual(await ipvsadmSave(), canonical(saveLines(withWeight)));
  });

  it('kernel errors name the service and the errno; the rest of the table still loads', async () => {
    assert.equal((await sh('halb ipvs-apply /data/cases/empty.json')).code, 0);
    // The same service twice in one table: the kernel refuses the second add.
    const r = await sh('halb ipvs-apply /data/cases/bad.json 2>&1');
    assert.equal(r.code, 1, r.output);
    const errors = r.output.split('\n').filter((l) => l.startsWith('virtual server'));
    assert.deepEqual(errors, [
      "virtual server 192.0.2.99:80 (TCP): cannot add: scheduler 'nosuch' not available (ENOENT)",
      // Debian 12's kernel (6.1) predates the twos scheduler (6.2).
      "virtual server 192.0.2.98:80 (TCP): cannot add: scheduler 'twos' not available (ENOENT)",
      'virtual server 192.0.2.10:80 (TCP): cannot add: already exists (EEXIST)',
      'virtual server 192.0.2.10:80 (TCP): real server 198.51.100.1:8080: cannot add: real server already exists (EEXIST)',
      'virtual server 192.0.2.10:80 (TCP): real server 198.51.100.2:8080: cannot add: real server already exists (EEXIST)',
    ]);
    // The good service is in, the refused ones are not.
    assert.deepEqual(await ipvsadmSave(), canonical(saveLines([FULL_TABLE[0]!])));
    const e = await sh('halb ipvs-apply /data/cases/empty.json');
    assert.equal(e.code, 0, e.output);
    assert.deepEqual(await ipvsadmSave(), []);
  });

  it('timeouts and the connection sync daemon', async () => {
    let r = await sh('halb ipvs-apply /data/cases/timeouts.json');
    assert.equal(r.code, 0, r.output);
    r = await sh(`${IPVSADM} -L --timeout`);
    assert.match(r.output, /Timeout \(tcp tcpfin udp\): 900 120 300/);
    r = await sh(
      'ip link add halbsync type dummy && ip link set halbsync multicast on && ip link set halbsync up',
    );
    assert.equal(r.code, 0, r.output);
    r = await sh('halb ipvs-apply /data/cases/sync-on.json');
    assert.equal(r.code, 0, r.output);
    r = await sh(`${IPVSADM} -L --daemon`);
    assert.match(r.output, /master sync daemon \(mcast=halbsync, syncid=7/);
    r = await sh('halb ipvs-list --json');
    const listed = JSON.parse(r.output) as { timeouts: unknown; syncDaemons: { state: string }[] };
    assert.deepEqual(listed.timeouts, { tcpS: 900, tcpFinS: 120, udpS: 300 });
    assert.deepEqual(
      listed.syncDaemons.map((d) => d.state),
      ['master'],
    );
    r = await sh('halb ipvs-apply /data/cases/sync-off.json');
    assert.equal(r.code, 0, r.output);
    r = await sh(`${IPVSADM} -L --daemon`);
    assert.doesNotMatch(r.output, /sync daemon/);
  });

  it('health from the checkers: sorry server in, inhibited server at weight 0, and back', async () => {
    let r = await sh('halb ipvs-apply /data/cases/health.conf --health /data/cases/all-down.json');
    assert.equal(r.code, 0, r.output);
    const svc = {
      family: 4,
      protocol: 'TCP',
      address: '192.0.2.40',
      port: 80,
      scheduler: 'rr',
      flags: {},
    } as const;
    const d = (address: string, port: number, weight: number): IpvsDest => ({
      family: 4,
      address,
      port,
      forwarding: 'NAT',
      weight,
      upperThreshold: 0,
      lowerThreshold: 0,
    });
    assert.deepEqual(
      await ipvsadmSave(),
      canonical(
        saveLines([{ service: svc, dests: [d('198.51.100.1', 80, 0), d('203.0.113.9', 8080, 1)] }]),
      ),
    );
    r = await sh('halb ipvs-apply /data/cases/health.conf --json');
    assert.equal(r.code, 0, r.output);
    const res = JSON.parse(r.output.slice(r.output.indexOf('{'))) as { ops: string[] };
    // The real servers come back before the sorry server leaves (keepalived's order).
    assert.deepEqual(res.ops, [
      'edit-dest 192.0.2.40:80 (TCP) real server 198.51.100.1:80 weight 2',
      'add-dest 192.0.2.40:80 (TCP) real server 198.51.100.2:80 weight 3',
      'delete-dest 192.0.2.40:80 (TCP) real server 203.0.113.9:8080',
    ]);
    assert.deepEqual(
      await ipvsadmSave(),
      canonical(
        saveLines([{ service: svc, dests: [d('198.51.100.1', 80, 2), d('198.51.100.2', 80, 3)] }]),
      ),
    );
  });

  it("keepalived 2.2.7 and halb program the same table from each of keepalived's samples", async () => {
    // Checks to the samples' (unreachable) real servers hang until their timeouts
    // instead of failing at once, so keepalived's first table holds still long
    // enough to read; the dummy keeps those packets inside the VM.
    await sh(
      'ip link add halbblack type dummy && ip link set halbblack up && ip route add default dev halbblack',
    );
    assert.ok(VS_SAMPLES.length >= 10, VS_SAMPLES.join(' '));
    for (const n of VS_SAMPLES) {
      // One console round trip: an empty table, keepalived started, then polled
      // (every 0.5 s, 60 s at most) until it is up and its table reads the same twice.
      const r = await sh(
        `${IPVSADM} -C; ` +
          `${KEEPALIVED} -n -l -C -f /data/cases/${n} -p /tmp/ka.pid -c /tmp/kc.pid > /tmp/ka.log 2>&1 & ` +
          `rm -f /tmp/a /tmp/b; for i in $(seq 1 120); do sleep 0.5; ` +
          `grep -q 'Startup complete' /tmp/ka.log && ${IPVSADM} -Sn > /tmp/a && [ -s /tmp/a ] && cmp -s /tmp/a /tmp/b && break; ` +
          `cp /tmp/a /tmp/b 2>/dev/null; done; cat /tmp/a`,
      );
      const theirs = canonical(r.output.split('\n').filter((l) => l.startsWith('-')));
      assert.ok(
        theirs.length > 0,
        `${n}: keepalived programmed nothing\n${(await sh('cat /tmp/ka.log')).output}`,
      );
      await sh(
        'kill $(cat /tmp/ka.pid); for i in $(seq 1 150); do [ -e /tmp/ka.pid ] || break; sleep 0.2; done; ' +
          `${IPVSADM} -C`,
      );
      const h = await sh(`halb ipvs-apply /data/cases/${n} 2>&1`);
      assert.equal(h.code, 0, `${n}: ${h.output}`);
      assert.deepEqual(await ipvsadmSave(), theirs, n);
    }
  });
});
