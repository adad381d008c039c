/**
 * lvs_sync_daemon: which sync daemons run for each VRRP state (keepalived
 * 2.2.7's rules, sync-plan.ts) and the driver that keeps the kernel there
 * (daemon/lvs-sync.ts), on a fake kernel that enforces EEXIST / ESRCH.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { createLogger } from '../../src/core/log';
import { LvsSync } from '../../src/daemon/lvs-sync';
import { syncDaemonConfigOf, syncDaemonOf } from '../../src/ipvs/globals';
import {
  resolveSyncPlan,
  syncDaemonOps,
  wantedSyncDaemons,
  type SyncPlan,
} from '../../src/ipvs/sync-plan';
import type { SyncDaemon } from '../../src/ipvs/types';
import type { ModelBlock } from '../../src/config/validate';
import { FakeSyncKernel } from '../rigs/fake-sync-kernel';

const INSTANCES = [
  { name: 'VI_1', vrid: 51 },
  { name: 'VI_2', vrid: 52 },
];
const plan = (words: string[]): SyncPlan => {
  const r = resolveSyncPlan(syncDaemonOf(words), INSTANCES);
  assert.ok(r.plan, r.problem);
  return r.plan;
};
const states = (ds: readonly SyncDaemon[]): string[] => ds.map((d) => d.state);

describe('lvs_sync_daemon: the plan', () => {
  it('the sync id is the followed instance VRID unless id is given; none without an instance is 0', () => {
    assert.equal(plan(['eth1', 'VI_2']).settings.syncId, 52);
    assert.equal(plan(['eth1', 'inst', 'VI_1', 'id', '7']).settings.syncId, 7);
    assert.equal(plan(['eth1', 'VI_1', '0']).settings.syncId, 0);
    const free = plan(['eth1']);
    assert.equal(free.follow, undefined);
    assert.equal(free.settings.syncId, 0);
  });

  it("an unknown instance clears the setting with keepalived's error", () => {
    const r = resolveSyncPlan(syncDaemonOf(['eth1', 'VI_9']), INSTANCES);
    assert.equal(r.plan, undefined);
    assert.equal(
      r.problem,
      'Unable to find vrrp instance VI_9 for lvs_syncd - clearing lvs_syncd config',
    );
    assert.deepEqual(resolveSyncPlan(undefined, INSTANCES), {});
  });

  it('the old lvs_sync_daemon_interface inside an instance follows that instance', () => {
    const root = {
      vrrp_instance: { VI_2: { lvs_sync_daemon_interface: 'eth2' } },
    } as unknown as ModelBlock;
    assert.deepEqual(syncDaemonConfigOf(root), { interface: 'eth2', instance: 'VI_2' });
    const global = {
      global_defs: { lvs_sync_daemon: ['eth1', 'VI_1'] },
      vrrp_instance: { VI_2: { lvs_sync_daemon_interface: 'eth2' } },
    } as unknown as ModelBlock;
    assert.equal(syncDaemonConfigOf(global)?.interface, 'eth1');
  });

  it('master while MASTER; backup in BACKUP, FAULT, at start and when the instance is gone', () => {
    const p = plan([
      'eth1',
      'VI_1',
      'maxlen',
      '1400',
      'port',
      '8850',
      'ttl',
      '2',
      'group',
      '239.1.2.3',
    ]);
    assert.deepEqual(wantedSyncDaemons(p, 'master'), [
      {
        state: 'master',
        interface: 'eth1',
        syncId: 51,
        maxLen: 1400,
        port: 8850,
        ttl: 2,
        group: '239.1.2.3',
      },
    ]);
    for (const role of ['backup', 'fault', 'init', undefined])
      assert.deepEqual(states(wantedSyncDaemons(p, role)), ['backup'], String(role));
    assert.deepEqual(wantedSyncDaemons(p, 'master', true), [], 'none at stop');
  });

  it('with no instance both daemons run whatever the VRRP state', () => {
    const p = plan(['eth1']);
    assert.deepEqual(states(wantedSyncDaemons(p, undefined)), ['master', 'backup']);
    assert.deepEqual(states(wantedSyncDaemons(p, 'backup')), ['master', 'backup']);
    assert.deepEqual(wantedSyncDaemons(p, undefined, true), []);
    assert.deepEqual(wantedSyncDaemons(undefined, 'master'), []);
  });

  it('ops: stop what differs first, then start; the kernel defaults of a listed daemon match', () => {
    const p = plan(['eth1', 'VI_1']);
    const listedBackup: SyncDaemon = {
      state: 'backup',
      interface: 'eth1',
      syncId: 51,
      maxLen: 1472,
      port: 8848,
      ttl: 1,
      group: '224.0.0.81',
    };
    assert.deepEqual(syncDaemonOps(wantedSyncDaemons(p, 'backup'), [listedBackup]), []);
    assert.deepEqual(syncDaemonOps(wantedSyncDaemons(p, 'master'), [listedBackup]), [
      { op: 'stop', state: 'backup' },
      { op: 'start', daemon: { state: 'master', interface: 'eth1', syncId: 51 } },
    ]);
    // Another sync id or an option the config gives that differs: restarted.
    const p2 = plan(['eth1', 'VI_1', 'id', '9', 'ttl', '3']);
    assert.deepEqual(
      syncDaemonOps(wantedSyncDaemons(p2, 'backup'), [listedBackup]).map((o) => o.op),
      ['stop', 'start'],
    );
    assert.deepEqual(syncDaemonOps([], [listedBackup]), [{ op: 'stop', state: 'backup' }]);
  });
});

describe('lvs_sync_daemon: the driver keeps the kernel in step', () => {
  const setup = (
    kernel: FakeSyncKernel,
  ): { sync: LvsSync; state: Map<string, string>; lines: string[] } => {
    const lines: string[] = [];
    const state = new Map<string, string>();
    const log = createLogger({ ident: 'halb', detail: false, sink: (l) => lines.push(l) });
    const sync = new LvsSync({
      log,
      stateOf: (n) => state.get(n),
      openKernel: () => Promise.resolve(kernel),
    });
    return { sync, state, lines };
  };

  it('follows BACKUP -> MASTER -> FAULT -> BACKUP and stops its daemon at stop', async () => {
    const kernel = new FakeSyncKernel();
    const { sync, state, lines } = setup(kernel);
    state.set('VI_1', 'init');
    await sync.configure(plan(['eth1', 'VI_1']));
    assert.deepEqual([...kernel.running.keys()], ['backup']);
    state.set('VI_1', 'backup');
    await sync.transition('VI_1');
    state.set('VI_1', 'master');
    await sync.transition('VI_1');
    assert.deepEqual([...kernel.running.keys()], ['master']);
    assert.equal(kernel.running.get('master')?.syncId, 51);
    assert.deepEqual(
      sync.daemons?.map((d) => d.state),
      ['master'],
      'what status shows: the listing after the pass',
    );
    // Another instance's transition changes nothing.
    state.set('VI_2', 'backup');
    await sync.transition('VI_2');
    state.set('VI_1', 'fault');
    await sync.transition('VI_1');
    assert.deepEqual([...kernel.running.keys()], ['backup']);
    state.set('VI_1', 'backup');
    await sync.transition('VI_1');
    await sync.dispose();
    assert.deepEqual(kernel.running.size, 0);
    assert.ok(kernel.disposed);
    assert.deepEqual(kernel.calls, [
      'start backup eth1 51',
      'stop backup',
      'start master eth1 51',
      'stop master',
      'start backup eth1 51',
      'stop backup',
    ]);
    assert.ok(
      lines.some((l) => l.endsWith('IPVS: starting master sync daemon on eth1 (syncid 51)')),
    );
    assert.ok(!lines.some((l) => /error|EEXIST|ESRCH/.test(l)), lines.join('\n'));
  });

  it('adopts a matching daemon left by a crash, replaces one that differs', async () => {
    const kernel = new FakeSyncKernel();
    await kernel.startSyncDaemon({ state: 'backup', interface: 'eth1', syncId: 51 });
    await kernel.startSyncDaemon({ state: 'master', interface: 'eth0', syncId: 3 });
    kernel.calls.length = 0;
    const { sync, state } = setup(kernel);
    state.set('VI_1', 'backup');
    await sync.configure(plan(['eth1', 'VI_1']));
    assert.deepEqual(kernel.calls, ['stop master']);
    await sync.dispose();
  });

  it('no instance: master and backup both; a reload without lvs_sync_daemon stops them', async () => {
    const kernel = new FakeSyncKernel();
    const { sync } = setup(kernel);
    await sync.configure(plan(['eth1']));
    assert.deepEqual([...kernel.running.keys()].sort(), ['backup', 'master']);
    await sync.configure(undefined);
    assert.equal(kernel.running.size, 0);
    await sync.dispose();
    assert.equal(kernel.running.size, 0);
  });

  it('never opens the kernel when the config has no lvs_sync_daemon', async () => {
    let opened = 0;
    const sync = new LvsSync({
      log: createLogger({ ident: 'halb', detail: false, sink: () => undefined }),
      stateOf: () => 'master',
      openKernel: () => {
        opened++;
        return Promise.resolve(new FakeSyncKernel());
      },
    });
    await sync.configure(undefined);
    await sync.transition('VI_1');
    await sync.dispose();
    assert.equal(opened, 0);
  });

  it('a kernel without IPVS is said once and nothing throws', async () => {
    const lines: string[] = [];
    const sync = new LvsSync({
      log: createLogger({ ident: 'halb', detail: false, sink: (l) => lines.push(l) }),
      stateOf: () => 'master',
      openKernel: () => Promise.reject(new Error('IPVS is not available in this kernel')),
    });
    await sync.configure(plan(['eth1', 'VI_1']));
    await sync.transition('VI_1');
    await sync.dispose();
    assert.equal(lines.filter((l) => l.includes('lvs_sync_daemon not started')).length, 1);
  });
});
