/**
 * vrrp_track_process (process-tracker.ts) on a fake /proc and a virtual
 * clock: keepalived 2.2.7's matching, counting, quorum range and delays.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Logger } from '../../src/core/log';
import { preprocessSource } from '../../src/config/preprocess';
import { ROOT } from '../../src/config/schema/root';
import { parseTree } from '../../src/config/tree';
import { resolve } from '../../src/config/validate';
import { vrrpConfig, type TrackProcessConfig } from '../../src/config/vrrp-config';
import {
  decodeProcBatch,
  procEventsBufferSize,
  PROC_RCVBUF,
  setProcEventsBufferSize,
  type ProcEvent,
} from '../../src/vrrp/io/proc-events';
import {
  ProcessTracker,
  processMatches,
  type ProcInfo,
  type ProcSource,
} from '../../src/vrrp/process-tracker';
import { FakeTimers } from '../rigs/fake-timers';

const blocks = (body: string): TrackProcessConfig[] =>
  vrrpConfig(
    resolve(parseTree(preprocessSource('/t.conf', body, { configId: 'x' }).lines).statements, ROOT)
      .model,
  ).trackProcesses as TrackProcessConfig[];

const one = (inner: string): TrackProcessConfig =>
  blocks(`vrrp_track_process P {\n${inner}}\n`)[0] as TrackProcessConfig;

class FakeProc implements ProcSource {
  readonly procs = new Map<number, ProcInfo>();
  run(pid: number, comm: string, argv: string[] = [comm]): void {
    this.procs.set(pid, { comm, argv });
  }
  pids(): number[] {
    return [...this.procs.keys()];
  }
  inspect(pid: number): ProcInfo | undefined {
    return this.procs.get(pid);
  }
}

function rig(cfgs: TrackProcessConfig[]) {
  const proc = new FakeProc();
  const timers = new FakeTimers();
  const lines: string[] = [];
  const log: Logger = {
    info: (m) => lines.push(m),
    warn: (m) => lines.push(m),
    error: (m) => lines.push(m),
    detail: () => {},
  };
  const tracker = new ProcessTracker(cfgs, proc, log, timers);
  const changes: string[] = [];
  tracker.onChange((n, up) => changes.push(`${n} ${up ? 'up' : 'down'}`));
  const ev = (...e: ProcEvent[]): void => tracker.handle(e);
  return { proc, timers, tracker, changes, lines, ev };
}

const exec = (pid: number): ProcEvent => ({ kind: 'exec', pid, tgid: pid });
const exit = (pid: number): ProcEvent => ({ kind: 'exit', pid, tgid: pid });
const fork = (parent: number, pid: number): ProcEvent => ({
  kind: 'fork',
  parentTgid: parent,
  pid,
  tgid: pid,
});

describe('vrrp_track_process config', () => {
  it('keepalived 2.2.7 defaults; parameters imply full_command and exact matching', () => {
    const p = one('  process haproxy\n');
    assert.deepEqual(
      [p.process, p.fullCommand, p.paramMatch, p.weight, p.quorum, p.quorumMax],
      ['haproxy', false, 'none', 0, 1, Infinity],
    );
    const q = one('  process /usr/sbin/haproxy -f /etc/h.cfg\n  weight -20 reverse\n  delay 2\n');
    assert.deepEqual(
      [q.fullCommand, q.paramMatch, q.params],
      [true, 'exact', ['-f', '/etc/h.cfg']],
    );
    assert.deepEqual([q.weight, q.reverse, q.forkDelayS, q.terminateDelayS], [-20, true, 2, 2]);
    assert.equal(one('  process /bin/x a\n  param_match partial\n').paramMatch, 'partial');
    assert.equal(one('  process /bin/x\n  param_match\n').paramMatch, 'exact');
    const z = one('  process x\n  quorum_max 0\n');
    assert.deepEqual([z.quorum, z.quorumMax], [0, 0]);
  });
});

describe('process matching', () => {
  const info = (comm: string, argv: string[]): ProcInfo => ({ comm, argv });
  it('by name (comm), or by argv[0] and parameters as param_match says', () => {
    assert.ok(processMatches(one('  process sleep\n'), info('sleep', ['/bin/sleep', '9'])));
    assert.ok(!processMatches(one('  process /bin/sleep\n'), info('sleep', ['/bin/sleep'])));
    const full = one('  process /bin/sleep\n  full_command\n');
    assert.ok(processMatches(full, info('sleep', ['/bin/sleep', '9'])));
    assert.ok(!processMatches(full, info('sleep', ['sleep', '9'])), 'no basename match');
    const exact = one('  process /bin/sleep 9\n');
    assert.ok(processMatches(exact, info('sleep', ['/bin/sleep', '9'])));
    assert.ok(!processMatches(exact, info('sleep', ['/bin/sleep', '9', 'x'])));
    const partial = one('  process /bin/sleep 9\n  param_match partial\n');
    assert.ok(processMatches(partial, info('sleep', ['/bin/sleep', '9', 'x'])));
    assert.ok(!processMatches(partial, info('sleep', ['/bin/sleep', '90'])));
    const initial = one('  process /bin/sleep 9\n  param_match initial\n');
    assert.ok(processMatches(initial, info('sleep', ['/bin/sleep', '90', 'x'])));
    assert.ok(!processMatches(initial, info('sleep', ['/bin/sleep', '8'])));
  });
});

describe('process tracker', () => {
  it('counts at the scan without reporting, then follows exec and exit', () => {
    const r = rig(blocks('vrrp_track_process H {\n  process haproxy\n}\n'));
    r.proc.run(10, 'haproxy');
    r.proc.run(11, 'bash');
    r.tracker.scan();
    assert.deepEqual([r.tracker.isUp('H'), r.tracker.count('H'), r.changes], [true, 1, []]);
    r.proc.procs.delete(10);
    r.ev(exit(10));
    assert.deepEqual(r.changes, ['H down']);
    assert.match(r.lines.join('\n'), /Quorum lost for tracked process H/);
    r.proc.run(12, 'haproxy');
    r.ev(fork(11, 12), exec(12));
    assert.deepEqual(r.changes, ['H down', 'H up']);
    assert.match(r.lines.join('\n'), /Quorum gained for tracked process H/);
  });

  it('a fork of a matching process matches too; threads are ignored', () => {
    const r = rig(blocks('vrrp_track_process H {\n  process haproxy\n  quorum 2\n}\n'));
    r.proc.run(10, 'haproxy');
    r.tracker.scan();
    assert.equal(r.tracker.isUp('H'), false);
    r.ev({ kind: 'fork', parentTgid: 10, pid: 13, tgid: 10 });
    assert.equal(r.tracker.count('H'), 1, 'a thread is not a process');
    r.ev(fork(10, 14));
    assert.deepEqual([r.tracker.count('H'), r.changes], [2, ['H up']]);
  });

  it('quorum_max: too many is down; quorum_max 0 is up while none runs', () => {
    const r = rig(
      blocks(
        'vrrp_track_process H {\n  process w\n  quorum 1\n  quorum_max 2\n}\nvrrp_track_process N {\n  process w\n  quorum_max 0\n}\n',
      ),
    );
    r.tracker.scan();
    assert.deepEqual([r.tracker.isUp('H'), r.tracker.isUp('N')], [false, true]);
    for (const pid of [1, 2, 3]) {
      r.proc.run(pid, 'w');
      r.ev(exec(pid));
    }
    assert.deepEqual(r.changes, ['H up', 'N down', 'H down']);
  });

  it('terminate_delay: a restart within it changes nothing; past it, quorum is lost', async () => {
    const r = rig(blocks('vrrp_track_process H {\n  process haproxy\n  terminate_delay 2\n}\n'));
    r.proc.run(10, 'haproxy');
    r.tracker.scan();
    r.proc.procs.delete(10);
    r.ev(exit(10));
    await r.timers.advance(1000);
    r.proc.run(11, 'haproxy');
    r.ev(exec(11));
    await r.timers.advance(5000);
    assert.deepEqual(r.changes, [], 'restarted in time');
    r.proc.procs.delete(11);
    r.ev(exit(11));
    await r.timers.advance(1999);
    assert.deepEqual(r.changes, []);
    await r.timers.advance(1);
    assert.deepEqual(r.changes, ['H down']);
  });

  it('fork_delay delays a gain by fork; an exec gains at once', async () => {
    const r = rig(blocks('vrrp_track_process H {\n  process w\n  quorum 2\n  fork_delay 1\n}\n'));
    r.proc.run(10, 'w');
    r.tracker.scan();
    r.ev(fork(10, 11));
    assert.deepEqual(r.changes, []);
    await r.timers.advance(1000);
    assert.deepEqual(r.changes, ['H up']);
    r.ev(exit(11));
    assert.deepEqual(r.changes, ['H up', 'H down'], 'no terminate_delay: at once');
    r.proc.run(12, 'w');
    r.ev(exec(12));
    assert.deepEqual(r.changes, ['H up', 'H down', 'H up']);
  });

  it('lost events: /proc is read again and a change is reported', () => {
    const r = rig(blocks('vrrp_track_process H {\n  process haproxy\n}\n'));
    r.proc.run(10, 'haproxy');
    r.tracker.scan();
    r.proc.procs.delete(10);
    r.ev({ kind: 'overrun' });
    assert.deepEqual(r.changes, ['H down']);
    assert.match(r.lines.join('\n'), /rescanning/);
  });
});

describe('process event decoding', () => {
  /** One connector datagram as the kernel sends it (little-endian host). */
  function datagram(what: number, data: number[]): Buffer {
    const b = Buffer.alloc(16 + 20 + 16 + data.length * 4);
    b.writeUInt32LE(b.length, 0);
    b.writeUInt16LE(3, 4); // NLMSG_DONE
    b.writeUInt32LE(1, 16); // CN_IDX_PROC
    b.writeUInt32LE(1, 20); // CN_VAL_PROC
    b.writeUInt16LE(16 + data.length * 4, 32);
    b.writeUInt32LE(what, 36);
    data.forEach((v, i) => b.writeUInt32LE(v, 52 + i * 4));
    return b;
  }
  const framed = (...ds: Buffer[]): Buffer =>
    Buffer.concat(
      ds.flatMap((d) => {
        const len = Buffer.alloc(2);
        len.writeUInt16BE(d.length);
        return [len, d];
      }),
    );

  it('fork, exec, comm and exit, an overrun marker; other events skipped', () => {
    const batch = framed(
      datagram(1, [100, 100, 200, 200]),
      datagram(2, [200, 200]),
      datagram(0x200, [200, 201, 0x6c656873, 0x6c]),
      datagram(4, [200, 200, 0, 0]), // uid change: not ours
      datagram(0x80000000, [200, 200, 0, 9, 100, 100]),
    );
    const withOverrun = Buffer.concat([batch, Buffer.alloc(2)]);
    assert.deepEqual(decodeProcBatch(withOverrun, true), [
      { kind: 'fork', parentTgid: 100, pid: 200, tgid: 200 },
      { kind: 'exec', pid: 200, tgid: 200 },
      { kind: 'comm', pid: 200, tgid: 201 },
      { kind: 'exit', pid: 200, tgid: 200 },
      { kind: 'overrun' },
    ]);
  });
});

describe('process_monitor_rcv_bufs', () => {
  it("takes the larger of the config's size and halb's own 4 MiB", () => {
    try {
      setProcEventsBufferSize(16777216);
      assert.equal(procEventsBufferSize(), 16777216);
      setProcEventsBufferSize(65536);
      assert.equal(procEventsBufferSize(), PROC_RCVBUF);
      setProcEventsBufferSize(0xffffffff);
      assert.equal(
        procEventsBufferSize(),
        0x3fffffff,
        "the largest whose double (the kernel's bookkeeping) still fits an int",
      );
    } finally {
      setProcEventsBufferSize(undefined);
    }
    assert.equal(procEventsBufferSize(), 4 * 1024 * 1024);
  });
});
