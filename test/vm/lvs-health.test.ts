/**
 * Health checks drive the kernel's IPVS table in the firmware: halb (the
 * appliance, supervised) checks two real servers on the lab LAN (small HTTP
 * servers in namespaces) and programs them through generic netlink; stopping
 * one takes it out of the table after its check fails, restarting it puts it
 * back; inhibit_on_failure keeps a failed server at weight 0. Debian's
 * ipvsadm (on a test-only data disk) reads the table. lvs_timeouts through a
 * start, reloads and the stop give the kernel the same timeouts as keepalived
 * 2.2.7 in the same guest.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { until } from '../rigs/appliance';
import { SUPERVISOR_PID } from '../rigs/guest-daemons';
import { IPVSADM, KEEPALIVED, toolsDisk, type ToolsDisk } from '../rigs/ipvs-tools';
import { Lab } from '../rigs/netns-lab';
import type { Proc } from '../rigs/process';
import { Vm } from '../rigs/vm';

const SERVER = "require('http').createServer((q, r) => r.end('ok')).listen(80)";

describe('health checks drive IPVS (qemu-x86_64)', () => {
  let lab: Lab;
  let vm: Vm;
  let disk: ToolsDisk;
  const servers = new Map<string, Proc>();
  const serve = (host: string): void => {
    servers.set(host, lab.spawn(host, [process.execPath, '-e', SERVER]));
  };

  before(async () => {
    lab = await Lab.create({ hosts: ['rs1', 'rs2'] });
    serve('rs1');
    serve('rs2');
    disk = toolsDisk({});
    vm = await Vm.boot({ board: 'qemu-x86_64', lab, dataImage: disk.image });
    await vm.waitFor('halb: Startup complete');
  });
  after(async () => {
    await vm?.dispose();
    disk?.dispose();
    await lab?.dispose();
  });

  const table = async (): Promise<string> => (await vm.run(`${IPVSADM} -Ln`)).output;
  const rs = (host: string): string => lab.host(host).ipv4;

  it('programs the checked real servers, follows a failure and a recovery', async () => {
    const conf = `virtual_server 192.0.2.100 80 {
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server ${rs('rs1')} 80 {
        weight 2
        inhibit_on_failure
        TCP_CHECK {
            connect_timeout 1
            retry 0
        }
    }
    real_server ${rs('rs2')} 80 {
        weight 3
        TCP_CHECK {
            connect_timeout 1
            retry 0
        }
    }
}
`;
    const r = await vm.run(
      `ip addr add 192.0.2.201/24 dev eth0 && ip link set eth0 up && ` +
        `printf '${conf.replace(/\n/g, '\\n')}' > /etc/keepalived/keepalived.conf && ` +
        `kill -HUP $(pidof halb | tr ' ' '\\n' | sort -n | head -1) && echo ok`,
    );
    assert.equal(r.code, 0, r.output);
    const has = (t: string, host: string, weight: number): boolean =>
      new RegExp(`-> ${rs(host).replace(/\./g, '\\.')}:80\\s+Masq\\s+${weight}\\s`).test(t);
    let t = await until(
      'both servers in the table',
      90000,
      table,
      (x) => has(x, 'rs1', 2) && has(x, 'rs2', 3),
    );
    assert.match(t, /TCP {2}192\.0\.2\.100:80 rr/);
    // halb status shows the kernel's table with its counters.
    const st = await until(
      'IPVS in halb status',
      20000,
      async () => (await vm.run('halb status')).output,
      (x) => x.includes('IPVS (kernel):'),
    );
    assert.match(
      st,
      new RegExp(`${rs('rs1').replace(/\./g, '\\.')}:80: conns \\d+, packets in \\d+`),
    );

    await servers.get('rs2')!.kill('SIGKILL');
    t = await until('rs2 out of the table', 60000, table, (x) => !x.includes(`${rs('rs2')}:80`));
    assert.ok(has(t, 'rs1', 2), 'rs1 stays');

    serve('rs2');
    await until('rs2 back', 60000, table, (x) => has(x, 'rs2', 3));

    await servers.get('rs1')!.kill('SIGKILL');
    t = await until('rs1 inhibited (weight 0)', 60000, table, (x) => has(x, 'rs1', 0));
    assert.ok(has(t, 'rs2', 3));
  });

  it('lvs_flush: a restarted daemon flushes the table, then programs it again', async () => {
    // The config gains global_defs { lvs_flush }; someone adds a service of
    // their own; the daemon is killed and the supervisor starts it again.
    const r = await vm.run(
      `{ printf 'global_defs {\\n    lvs_flush\\n}\\n'; cat /etc/keepalived/keepalived.conf; } > /tmp/k.conf && ` +
        `cp /tmp/k.conf /etc/keepalived/keepalived.conf && ` +
        `${IPVSADM} -A -t 192.0.2.150:80 -s rr && ` +
        `sup=$(pidof halb | tr ' ' '\\n' | sort -n | head -1) && ` +
        `for p in $(pidof halb); do [ "$(cut -d' ' -f4 /proc/$p/stat)" = "$sup" ] && kill -9 $p; done; echo ok`,
    );
    assert.equal(r.code, 0, r.output);
    await vm.waitFor('lvs_flush: flushing the IPVS table before programming it', 90000);
    const t = await until(
      'the configured servers back, the foreign service gone',
      90000,
      table,
      (x) => x.includes(`${rs('rs2')}:80`) && !x.includes('192.0.2.150:80'),
    );
    assert.match(t, /TCP {2}192\.0\.2\.100:80 rr/);
  });

  it('lvs_timeouts: set at start and reload, the earlier values back without them and at stop; lvs_flush_on_stop: nothing left; as keepalived 2.2.7', async () => {
    const timeouts = async (): Promise<string> => {
      const r = await vm.run(`${IPVSADM} -L --timeout`);
      return /Timeout \(tcp tcpfin udp\): (\d+ \d+ \d+)/.exec(r.output)?.[1] ?? r.output;
    };
    const GIVEN = '7200 30 60';
    const EARLIER = '800 100 250'; // someone's settings before: put back, not the kernel's defaults
    const prep = await vm.run(
      `${IPVSADM} --set 800 100 250 && cp /etc/keepalived/keepalived.conf /tmp/b.conf && ` +
        `{ printf 'global_defs {\\n    lvs_timeouts tcp 7200 tcpfin 30 udp 60\\n    lvs_flush_on_stop\\n}\\n'; cat /tmp/b.conf; } > /tmp/a.conf && echo ok`,
    );
    assert.equal(prep.code, 0, prep.output);
    assert.equal(await timeouts(), EARLIER);
    const reach = (what: string, want: string): Promise<string> =>
      until(what, 60000, timeouts, (t) => t === want);

    // halb: a start with them (the supervisor restarts a killed daemon), a
    // reload without, a reload with, the stop.
    await vm.run(
      `cp /tmp/a.conf /etc/keepalived/keepalived.conf && sup=${SUPERVISOR_PID} && ` +
        `for p in $(pidof halb); do [ "$(cut -d' ' -f4 /proc/$p/stat)" = "$sup" ] && kill -9 $p; done; echo ok`,
    );
    await reach('halb: set at start', GIVEN);
    await vm.run(`cp /tmp/b.conf /etc/keepalived/keepalived.conf && kill -HUP ${SUPERVISOR_PID}`);
    await reach('halb: the earlier values after a reload without lvs_timeouts', EARLIER);
    await vm.run(`cp /tmp/a.conf /etc/keepalived/keepalived.conf && kill -HUP ${SUPERVISOR_PID}`);
    await reach('halb: set again by a reload', GIVEN);
    // lvs_flush_on_stop (no VS): a service halb does not own goes at the stop too.
    const foreign = `${IPVSADM} -A -t 192.0.2.151:80 -s rr`;
    await vm.run(foreign);
    assert.match(await table(), /192\.0\.2\.151:80/);
    await vm.run(`touch /run/halb-maintenance && kill -TERM ${SUPERVISOR_PID}`);
    await vm.waitFor('halb-init: halb exited with status 0', 60000);
    assert.equal(await timeouts(), EARLIER, 'halb: the earlier values after the stop');
    assert.doesNotMatch(await table(), /TCP|UDP|FWM/, 'halb: the whole table flushed at the stop');

    // keepalived 2.2.7's checker, the same steps.
    const k = await vm.run(
      `cp /tmp/a.conf /tmp/ka.conf && (${KEEPALIVED} -n -l -C -f /tmp/ka.conf -p /run/k.pid -c /run/kc.pid > /tmp/keepalived.log 2>&1 &) && echo started`,
    );
    assert.equal(k.code, 0, k.output);
    await reach('keepalived: set at start', GIVEN);
    await vm.run('cp /tmp/b.conf /tmp/ka.conf && kill -HUP $(cat /run/k.pid)');
    await reach('keepalived: after a reload without lvs_timeouts', EARLIER);
    await vm.run('cp /tmp/a.conf /tmp/ka.conf && kill -HUP $(cat /run/k.pid)');
    await reach('keepalived: set again by a reload', GIVEN);
    await vm.run(foreign);
    assert.match(await table(), /192\.0\.2\.151:80/);
    await vm.run(
      'kill -TERM $(cat /run/k.pid); while [ -e /run/k.pid ]; do sleep 0.2; done',
      60000,
    );
    assert.equal(await timeouts(), EARLIER, 'keepalived: the earlier values after the stop');
    assert.doesNotMatch(await table(), /TCP|UDP|FWM/, 'keepalived: the whole table flushed');
  });
});
