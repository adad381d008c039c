/**
 * BFD between the halb executable and keepalived 2.2.7's BFD process, IPv4
 * and IPv6, on the lab: the sessions come Up and agree the fast rate; VRRP's
 * track_bfd puts an instance in FAULT (weight 0) or lowers its priority
 * (a weight) while the session is down; keepalived killed, the sessions
 * expire after their Detection Time and come Up again when it is back;
 * halb stopped, keepalived's expire; a reload keeps them Up, new timers included. A real server's BFD_CHECK follows its
 * session in the checker process. Malformed datagrams, and one with a
 * TTL below 255, are dropped and counted.
 */
import * as fs from 'node:fs';
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { Appliance, until } from '../rigs/appliance';
import { binaryPath } from '../rigs/binary';
import { KeepalivedPeer } from '../rigs/keepalived-peer';
import { Lab } from '../rigs/netns-lab';

const HALB_CONF = `bfd_instance to_peer {
    neighbor_ip 192.0.2.12
    source_ip 192.0.2.11
    min_rx 50
    min_tx 50
    multiplier 3
}
bfd_instance to_peer6 {
    neighbour_ip 2001:db8::c
    min_rx 100
    min_tx 100
    weight -30
}
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
    priority 150
    advert_int 1
    track_bfd {
        to_peer
    }
    virtual_ipaddress {
        192.0.2.150/24
    }
}
virtual_server 192.0.2.100 80 {
    protocol TCP
    real_server 192.0.2.12 80 {
        BFD_CHECK {
            name to_peer
        }
    }
}
vrrp_instance VI_2 {
    interface eth0
    virtual_router_id 52
    priority 150
    advert_int 1
    track_bfd {
        to_peer6
    }
    virtual_ipaddress {
        192.0.2.151/24
    }
}
`;

const KEEPALIVED_CONF = `bfd_instance to_lb {
    neighbor_ip 192.0.2.11
    min_rx 50
    min_tx 50
    multiplier 3
}
bfd_instance to_lb6 {
    neighbor_ip 2001:db8::b
    min_rx 100
    min_tx 100
}
`;

/** One datagram to the appliance's port 3784, from the peer host, with this TTL. */
const SEND = `const s = require('dgram').createSocket('udp4');
s.bind(0, '192.0.2.12', () => { s.setTTL(Number(process.argv[2])); s.send(Buffer.from(process.argv[1], 'hex'), 3784, '192.0.2.11', () => s.close()); });`;

describe('BFD with keepalived 2.2.7', () => {
  let lab: Lab | undefined;
  after(async () => {
    await lab?.dispose();
  });

  it('sessions, track_bfd, expiry both ways, drops', async () => {
    lab = await Lab.create({ hosts: ['lb', 'peer'] });
    const ka = new KeepalivedPeer(lab, 'peer', KEEPALIVED_CONF);
    const app = new Appliance(lab, 'lb', HALB_CONF);
    const proc = app.start();
    const view = async (): Promise<string> => {
      const s = await app.status();
      const bfd = (s?.bfd ?? []).map((b) => `${b.name}:${b.state}:${b.txIntervalUs}`).join(' ');
      const vrrp = (s?.instances ?? [])
        .map((i) => `${i.name}:${i.state}:${i.effectivePriority}`)
        .join(' ');
      const rs = (s?.realServers ?? []).map((r) => `rs:${r.up ? 'up' : 'down'}`).join(' ');
      return `${bfd} | ${vrrp} | ${rs}`;
    };
    // No peer yet: the session is Down, so VI_1 (weight 0) is in FAULT and VI_2 is 30 lower.
    await until('FAULT without BFD', 15000, view, (v) =>
      /to_peer:Down.*to_peer6:Down.*VI_1:fault:150 VI_2:master:120 \| rs:down/.test(v),
    );
    ka.start();
    // Up, and the Poll Sequence agreed each session's fast rate.
    await until('both sessions Up', 20000, view, (v) =>
      /to_peer:Up:50000 to_peer6:Up:100000 \| VI_1:master:150 VI_2:master:150 \| rs:up/.test(v),
    );
    assert.match(proc.output, /BFD check of \[to_peer\] RS\(.*192\.0\.2\.12.*\) is UP/);
    assert.match(proc.output, /\(to_peer\) Entering Up state/);
    assert.match(proc.output, /VRRP_Instance\(VI_1\) Tracked BFD instance to_peer is UP/);
    await until(
      'keepalived Up',
      5000,
      async () => ka.proc?.output ?? '',
      (o) => /\(to_lb\) Entering Up state/.test(o) && /\(to_lb6\) Entering Up state/.test(o),
    );
    const st = await app.status();
    const s4 = st?.bfd?.find((b) => b.name === 'to_peer');
    // 3 x 50 ms: keepalived's multiplier times the agreed interval.
    assert.equal(s4?.detectTimeUs, 150000);
    assert.ok((s4?.received ?? 0) > 0 && (s4?.sent ?? 0) > 0);

    // Drops: a bad version, and a valid Down packet with TTL 254 (RFC 5881 GTSM).
    const good = '20400318' + '00000abc' + '00000000' + '000f4240' + '000186a0' + '00000000';
    const bad = '40' + good.slice(2);
    for (const [hex, ttl] of [
      [bad, '255'],
      [good, '254'],
    ] as const) {
      const r = await lab.exec('peer', ['node', '-e', SEND, hex, ttl]);
      assert.equal(r.code, 0, r.stderr);
    }
    const drops = await until(
      'drops counted',
      5000,
      async () => (await app.status())?.bfdDrops ?? {},
      (d) => d['bad-version'] === 1 && d.ttl === 1,
    );
    assert.deepEqual(drops, { 'bad-version': 1, ttl: 1 });

    // keepalived dies: each session expires after its Detection Time.
    await ka.kill('SIGKILL');
    await until('sessions expired', 10000, view, (v) =>
      /to_peer:Down.*to_peer6:Down.*VI_1:fault:150 VI_2:master:120 \| rs:down/.test(v),
    );
    assert.match(proc.output, /BFD check of \[to_peer\] RS\(.*192\.0\.2\.12.*\) is DOWN/);
    assert.match(proc.output, /\(to_peer\) Expired after \d+ ms \(\d+ usec overdue\)/);
    assert.match(
      proc.output,
      /\(to_peer\) Entering Down state \(Local diagnostic - Control Detection Time Expired, Remote diagnostic - No Diagnostic\)/,
    );
    assert.match(proc.output, /VRRP_Instance\(VI_1\) Tracked BFD instance to_peer is DOWN/);

    // Back: Up again.
    ka.start();
    await until('Up again', 20000, view, (v) =>
      /to_peer:Up:50000 to_peer6:Up:100000 \| VI_1:master:150 VI_2:master:150/.test(v),
    );
    await until(
      'keepalived Up again',
      5000,
      async () => ka.proc?.output ?? '',
      (o) => /\(to_lb\) Entering Up state/.test(o),
    );

    // A reload (SIGHUP) with the sessions' settings unchanged keeps them Up: same discriminators, no Down.
    const discrs = async (): Promise<string> =>
      ((await app.status())?.bfd ?? [])
        .map((b) => `${b.name}:${b.state}:${b.localDiscr}`)
        .join(' ');
    const before = await discrs();
    const downs = (proc.output.match(/Entering Down state/g) ?? []).length;
    fs.appendFileSync(app.conf, '# reloaded\n');
    process.kill(proc.pid as number, 'SIGHUP');
    await until(
      'reloaded',
      10000,
      async () => proc.output,
      (o) => /Reload complete/.test(o),
    );
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await discrs(), before);
    assert.equal((proc.output.match(/Entering Down state/g) ?? []).length, downs);
    // A reload that slows to_peer down (min_tx / min_rx 80 ms): the session stays Up and a
    // Poll Sequence agrees the new rate with keepalived; VI_1 never leaves MASTER.
    const masters = (proc.output.match(/\(VI_1\) Entering MASTER STATE/g) ?? []).length;
    fs.writeFileSync(
      app.conf,
      HALB_CONF.replace('min_rx 50\n    min_tx 50', 'min_rx 80\n    min_tx 80'),
    );
    process.kill(proc.pid as number, 'SIGHUP');
    await until('the new rate agreed', 10000, view, (v) =>
      /to_peer:Up:80000 to_peer6:Up:100000 \| VI_1:master:150/.test(v),
    );
    assert.equal(await discrs(), before);
    assert.equal((proc.output.match(/Entering Down state/g) ?? []).length, downs);
    assert.equal((proc.output.match(/\(VI_1\) Entering MASTER STATE/g) ?? []).length, masters);
    assert.match(proc.output, /\(to_peer\) BFD timers changed by the reload/);
    // `halb status` lists the sessions.
    const text = await lab.exec('lb', [binaryPath('x64'), 'status', '--runtime-dir', app.runtime]);
    assert.match(text.stdout, /BFD SESSION/);
    assert.match(text.stdout, /to_peer6 +2001:db8::c +Up +Up +100 +500 /);

    // halb stops: keepalived's sessions expire.
    await proc.kill('SIGTERM');
    await until(
      "keepalived's sessions expired",
      10000,
      async () => ka.proc?.output ?? '',
      (o) => /\(to_lb\) Expired after/.test(o) && /\(to_lb6\) Expired after/.test(o),
    );
    assert.doesNotMatch(ka.proc?.output ?? '', /Discarding|bogus/i);
    await ka.kill('SIGTERM');
  });
});
