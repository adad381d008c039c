/**
 * lvs_sync_daemon and ha_suspend in the firmware, through a VRRP failover and
 * back: the guest (halb, supervised) runs VI_1 at priority 100 against
 * Debian's keepalived 2.2.7 at priority 200 in a lab namespace. While the
 * guest is BACKUP the kernel runs the backup sync daemon (Debian's ipvsadm
 * -L --daemon) and the ha_suspend virtual server's checker does not connect
 * to its real server; when the peer stops the guest becomes MASTER, the
 * master daemon replaces the backup one and the checks run; the peer back
 * (preempting) returns both; halb's stop stops the daemon. Then keepalived
 * 2.2.7 itself in the guest, same config, same situations: the kernel shows
 * the same daemons, and its checker logs the same lines.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { until } from '../rigs/appliance';
import { daemonStates, SUPERVISOR_PID, syncDaemonLines } from '../rigs/guest-daemons';
import { KEEPALIVED, toolsDisk, type ToolsDisk } from '../rigs/ipvs-tools';
import { KeepalivedPeer } from '../rigs/keepalived-peer';
import { Lab } from '../rigs/netns-lab';
import type { Proc } from '../rigs/process';
import { Vm } from '../rigs/vm';

/** Counts the connections it accepts: a line per connection (TCP_CHECK resets them: no crash). */
const SERVER =
  "require('net').createServer((s) => { console.log('conn'); s.on('error', () => {}); s.end(); }).listen(80)";

const VIP = '192.0.2.100';

function peerConf(): string {
  return `vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority 200
    advert_int 1
    virtual_ipaddress {
        ${VIP}/24
    }
}
`;
}

function guestConf(rs: string): string {
  return `global_defs {
    lvs_sync_daemon eth0 VI_1 maxlen 1400 ttl 2
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority 100
    advert_int 1
    virtual_ipaddress {
        ${VIP}/24
    }
}
virtual_server ${VIP} 80 {
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol TCP
    ha_suspend
    real_server ${rs} 80 {
        TCP_CHECK {
            connect_timeout 1
            retry 0
        }
    }
}
`;
}

describe('lvs_sync_daemon and ha_suspend follow VRRP (qemu-x86_64)', () => {
  let lab: Lab;
  let vm: Vm;
  let disk: ToolsDisk;
  let peer: KeepalivedPeer;
  let server: Proc;
  /** What halb's guest showed, to hold keepalived to. */
  const seen: { backup?: string[]; master?: string[] } = {};

  before(async () => {
    lab = await Lab.create({ hosts: ['peer', 'rs1'] });
    server = lab.spawn('rs1', [process.execPath, '-e', SERVER]);
    peer = new KeepalivedPeer(lab, 'peer', peerConf());
    peer.start();
    disk = toolsDisk({ 'lvs-sync.conf': guestConf(lab.host('rs1').ipv4) });
    vm = await Vm.boot({ board: 'qemu-x86_64', lab, dataImage: disk.image });
    await vm.waitFor('halb: Startup complete', 180000);
  });
  after(async () => {
    await vm?.dispose();
    disk?.dispose();
    await lab?.dispose();
  });

  /** The console says `line` (anywhere since boot: vm.run moves waitFor's cursor past it). */
  const logged = (line: string, timeoutMs = 30000): Promise<string> =>
    until(
      line,
      timeoutMs,
      () => Promise.resolve(vm.console.output),
      (o) => o.includes(line),
    );
  const conns = (): number => server.output.split('\n').filter((l) => l === 'conn').length;
  const rs = (): string => `[${lab.host('rs1').ipv4}]:tcp:80`;
  const VS = `[${VIP}]:tcp:80`;
  const status = async (): Promise<string> => (await vm.run('halb status')).output;
  const received = async (): Promise<number> =>
    Number(/adverts sent \d+, received (\d+)/.exec(await status())?.[1] ?? NaN);
  /**
   * While the guest is BACKUP: after one more advert from the peer (a check
   * already under way has ended), no connection reaches the real server
   * during the next three (three delay_loops).
   */
  const noChecksWhileBackup = async (what: string): Promise<number> => {
    const r0 = await received();
    await until('an advert', 30000, received, (n) => n >= r0 + 1);
    const before = conns();
    await until('three more adverts', 60000, received, (n) => n >= r0 + 4);
    assert.equal(conns(), before, what);
    return before;
  };
  const daemons = (want: string[]) => (l: string[]) =>
    JSON.stringify(daemonStates(l)) === JSON.stringify(want);

  it('halb: backup daemon and suspended checks while BACKUP, master and checks while MASTER, back, none after stop', async () => {
    await until(
      'the peer MASTER',
      30000,
      () => Promise.resolve(peer.state()),
      (s) => s === 'master',
    );
    const r = await vm.run(
      'ip addr add 192.0.2.201/24 dev eth0 && ip link set eth0 up && ' +
        'cp /data/cases/lvs-sync.conf /etc/keepalived/keepalived.conf && ' +
        `kill -HUP ${SUPERVISOR_PID} && echo ok`,
    );
    assert.equal(r.code, 0, r.output);

    // BACKUP: the backup daemon with the config's settings and VI_1's VRID as sync id.
    seen.backup = await until(
      'the backup sync daemon',
      60000,
      () => syncDaemonLines(vm),
      daemons(['backup']),
    );
    assert.match(
      seen.backup[0] ?? '',
      /^backup sync daemon \(mcast=eth0, syncid=51, maxlen=1400, .*ttl=2\)/,
    );
    await until(
      'VI_1 BACKUP, checks suspended',
      30000,
      status,
      (s) =>
        /VI_1 +BACKUP/i.test(s) &&
        s.includes('checks suspended (ha_suspend') &&
        s.includes('IPVS sync daemons: backup on eth0 (syncid 51, maxlen 1400'),
    );
    await logged(`Deactivating healthchecker for service ${rs()} for VS ${VS}`);
    const connsWhileBackup = await noChecksWhileBackup('no check while BACKUP');
    assert.equal(connsWhileBackup, 0, 'no check ever reached the real server while BACKUP');

    // The peer stops (priority 0): the guest takes over.
    await peer.kill('SIGTERM');
    seen.master = await until(
      'the master sync daemon alone',
      60000,
      () => syncDaemonLines(vm),
      daemons(['master']),
    );
    assert.match(
      seen.master[0] ?? '',
      /^master sync daemon \(mcast=eth0, syncid=51, maxlen=1400, .*ttl=2\)/,
    );
    await logged(`Activating healthchecker for service ${rs()} for VS ${VS}`);
    await until(
      'checks reach the real server',
      30000,
      () => Promise.resolve(conns()),
      (n) => n > connsWhileBackup,
    );
    const st = await until(
      'VI_1 MASTER, checks running',
      30000,
      status,
      (s) =>
        /VI_1 +MASTER/i.test(s) &&
        !s.includes('checks suspended') &&
        s.includes('IPVS sync daemons: master on eth0'),
    );
    assert.match(st, new RegExp(`${rs().replace(/[[\].]/g, '\\$&')} +up`));
    assert.match(st, /IPVS sync daemons: master on eth0 \(syncid 51, maxlen 1400, .*ttl 2\)$/m);

    // The peer comes back and preempts: backup daemon, checks suspended again.
    peer.start();
    await until(
      'the backup sync daemon again',
      60000,
      () => syncDaemonLines(vm),
      daemons(['backup']),
    );
    await logged(`Suspending healthchecker for service ${rs()} for VS ${VS}`);
    await until('checks suspended again', 30000, status, (s) =>
      s.includes('checks suspended (ha_suspend'),
    );
    const connsBackAgain = await noChecksWhileBackup('no check while BACKUP again');

    // halb stops (held stopped by the maintenance flag): its daemon goes with it.
    await vm.run(`touch /run/halb-maintenance && kill -TERM ${SUPERVISOR_PID}`);
    await logged('halb-init: halb exited with status 0', 60000);
    assert.deepEqual(await syncDaemonLines(vm), [], 'no sync daemon after halb stops');
    assert.match(vm.outputSince('Deactivating healthchecker'), /IPVS: stopping backup sync daemon/);
    assert.equal(conns(), connsBackAgain, 'no check while BACKUP, until the stop');
  });

  it('keepalived 2.2.7 in the same guest and situations: the same daemons and checker lines', async () => {
    assert.ok(seen.backup && seen.master, 'the halb case ran first');
    if (!peer.proc?.running) peer.start();
    await until(
      'the peer MASTER',
      30000,
      () => Promise.resolve(peer.state()),
      (s) => s === 'master',
    );
    const k = await vm.run(
      `(${KEEPALIVED} -n -l -D -f /etc/keepalived/keepalived.conf -p /run/k.pid -r /run/kv.pid -c /run/kc.pid > /tmp/keepalived.log 2>&1 &) && echo started`,
    );
    assert.equal(k.code, 0, k.output);
    const log = async (): Promise<string> => (await vm.run('cat /tmp/keepalived.log')).output;
    const backup = await until(
      'keepalived: the backup daemon',
      60000,
      () => syncDaemonLines(vm),
      daemons(['backup']),
    );
    assert.deepEqual(backup, seen.backup, 'the same backup daemon as halb');
    await until('keepalived deactivates the checker', 30000, log, (l) =>
      l.includes(`Deactivating healthchecker for service ${rs()} for VS ${VS}`),
    );
    await peer.kill('SIGTERM');
    const master = await until(
      'keepalived: the master daemon alone',
      60000,
      () => syncDaemonLines(vm),
      daemons(['master']),
    );
    assert.deepEqual(master, seen.master, 'the same master daemon as halb');
    await until('keepalived activates the checker', 30000, log, (l) =>
      l.includes(`Activating healthchecker for service ${rs()} for VS ${VS}`),
    );
    await vm.run('kill -TERM $(cat /run/k.pid)');
    await until(
      'keepalived stopped its daemon',
      60000,
      () => syncDaemonLines(vm),
      (l) => l.length === 0,
    );
  });
});
