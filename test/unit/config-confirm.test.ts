import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { DaemonStatus } from '../../src/core/status';
import { applyBody } from '../../src/store/apply';
import { startConfirm, stepConfirm, type ConfirmState } from '../../src/store/confirm-machine';
import {
  PENDING_FILE,
  readPending,
  supersedePending,
  watchConfirm,
  writePending,
} from '../../src/store/confirm-watcher';
import type { Clock, DaemonLink } from '../../src/store/daemon-link';
import { inContact, NO_CONTACT_YET, observe } from '../../src/store/peer-contact';
import { nodeStoreFs, type StoreFs } from '../../src/store/store-fs';
import { fallbackFlag, headerGenerationOf } from '../../src/store/running-view';
import { UNCONFIRMED_MARKER } from '../../src/store/config-store';
import { createLogger } from '../../src/core/log';
import { conf, makeStoreDir, type StoreDir } from '../rigs/store-dir';

describe('commit-confirm state machine', () => {
  const s0 = startConfirm(5, 4, 1000, 60000);
  it('stays pending before the deadline, whatever the peer does', () => {
    const r = stepConfirm(s0, { type: 'tick', nowMs: 60999, peerContact: false });
    assert.equal(r.state, s0);
    assert.deepEqual(r.actions, []);
  });
  it('is confirmed by the user', () => {
    const r = stepConfirm(s0, { type: 'confirm' });
    assert.deepEqual(r.state, { kind: 'confirmed', generation: 5, by: 'user' });
    assert.deepEqual(r.actions, []);
  });
  it('at the deadline keeps the apply while the peer is in contact', () => {
    const r = stepConfirm(s0, { type: 'tick', nowMs: 61000, peerContact: true });
    assert.deepEqual(r.state, { kind: 'confirmed', generation: 5, by: 'peer-contact' });
  });
  it('at the deadline rolls back when unconfirmed and the peer is silent', () => {
    const r = stepConfirm(s0, { type: 'tick', nowMs: 61000, peerContact: false });
    assert.equal(r.state.kind, 'rolled-back');
    assert.deepEqual(r.actions, [{ type: 'rollback', to: 4 }]);
  });
  it('rolls back at once when the daemon refused the reload', () => {
    const r = stepConfirm(s0, { type: 'reload-failed', error: 'boom' });
    assert.equal(r.state.kind, 'rolled-back');
    assert.deepEqual(r.actions, [{ type: 'rollback', to: 4 }]);
  });
  it('ignores everything once decided', () => {
    const done: ConfirmState = { kind: 'confirmed', generation: 5, by: 'user' };
    for (const e of [
      { type: 'tick', nowMs: 1e9, peerContact: false } as const,
      { type: 'reload-failed', error: 'x' } as const,
    ]) {
      assert.deepEqual(stepConfirm(done, e), { state: done, actions: [] });
    }
  });
});

describe('peer contact from status counters', () => {
  it('needs an increase of adverts received within the window', () => {
    let t = observe(NO_CONTACT_YET, 0, 10);
    assert.equal(inContact(t, 0, 5000), false, 'the first sample is only a baseline');
    t = observe(t, 1000, 10);
    assert.equal(inContact(t, 1000, 5000), false);
    t = observe(t, 2000, 11);
    assert.equal(inContact(t, 2000, 5000), true);
    t = observe(t, 7000, null);
    assert.equal(inContact(t, 7000, 5000), true);
    assert.equal(inContact(t, 7001, 5000), false);
  });
});

/** A daemon that follows the contract of the real one: SIGHUP reads the live file's header. */
class FakeDaemon implements DaemonLink {
  running: number | null;
  attempted: number | null;
  reloads = 0;
  advertsReceived = 0;
  refuse = new Set<number>();
  up = true;
  constructor(private readonly liveFile: string) {
    this.running = this.attempted = headerGenerationOf(liveFile);
  }
  async status(): Promise<DaemonStatus | null> {
    if (!this.up) return null;
    return {
      pid: 4242,
      configGeneration: this.reloads + 1,
      lastReloadError: this.attempted !== this.running ? 'errors in config' : null,
      configStore: { running: this.running, attempted: this.attempted, fallback: null },
      instances: [
        {
          name: 'VI_1',
          state: 'backup',
          priority: 100,
          effectivePriority: 100,
          masterAddress: null,
          vips: [],
          stats: { advertsReceived: this.advertsReceived },
        },
      ],
    } as unknown as DaemonStatus;
  }
  reload(pid: number): void {
    assert.equal(pid, 4242);
    this.attempted = headerGenerationOf(this.liveFile);
    if (this.attempted === null || !this.refuse.has(this.attempted)) {
      this.running = this.attempted;
      this.reloads++;
    }
  }
}

class FakeClock implements Clock {
  t = 0;
  onSleep: (t: number) => void = () => {};
  nowMs(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.t += ms;
    this.onSleep(this.t);
  }
}

describe('apply with automatic rollback', () => {
  let d: StoreDir;
  beforeEach(() => {
    d = makeStoreDir();
  });
  afterEach(() => d.dispose());

  it('applies when the daemon loads the new generation', async () => {
    const store = d.open();
    const daemon = new FakeDaemon(d.liveFile);
    const r = await applyBody(store, daemon, new FakeClock(), conf('new'), 'save');
    assert.deepEqual(r, { kind: 'applied', generation: 2, previous: 1 });
    assert.equal(daemon.running, 2);
  });

  it('rolls back to the previous generation when the daemon refuses the reload', async () => {
    const store = d.open();
    store.save(conf('good'), 's');
    const daemon = new FakeDaemon(d.liveFile);
    daemon.refuse.add(3);
    const r = await applyBody(store, daemon, new FakeClock(), conf('refused'), 'save');
    assert.equal(r.kind, 'rolled-back');
    assert.equal(store.read().body, conf('good'));
    assert.equal(store.read().generation, 4);
    assert.equal(daemon.running, 4);
  });

  it('saves without a daemon and says so', async () => {
    const daemon = new FakeDaemon(d.liveFile);
    daemon.up = false;
    const r = await applyBody(d.open(), daemon, new FakeClock(), conf('x'), 'save');
    assert.equal(r.kind, 'saved-daemon-down');
  });
});

describe('commit-confirm watcher', () => {
  let d: StoreDir;
  beforeEach(() => {
    d = makeStoreDir();
  });
  afterEach(() => d.dispose());
  const quiet = createLogger({ ident: 't', detail: false, sink: () => {} });

  const watch = (
    store: ReturnType<StoreDir['open']>,
    link: DaemonLink,
    clock: Clock,
    sfs = nodeStoreFs(),
  ): ReturnType<typeof watchConfirm> =>
    watchConfirm({ store, sfs, link, clock, log: quiet, runtimeDir: d.runtimeDir });

  async function pendingApply(): Promise<{
    daemon: FakeDaemon;
    clock: FakeClock;
    store: ReturnType<StoreDir['open']>;
  }> {
    const store = d.open();
    store.save(conf('before'), 's');
    const daemon = new FakeDaemon(d.liveFile);
    const clock = new FakeClock();
    const r = await applyBody(store, daemon, clock, conf('after'), 'save');
    assert.equal(r.kind, 'applied');
    writePending(nodeStoreFs(), d.runtimeDir, {
      generation: 3,
      previous: 2,
      confirmWithinS: 30,
      peerWindowS: 5,
      watcherPid: null,
      confirmRequested: false,
      state: 'pending',
    });
    return { daemon, clock, store };
  }

  it('rolls back an unconfirmed apply once the peer falls silent', async () => {
    const { daemon, clock, store } = await pendingApply();
    clock.onSleep = (t) => {
      if (t < 10000) daemon.advertsReceived++; // the peer advertises, then stops
    };
    const state = await watch(store, daemon, clock);
    assert.equal(state.kind, 'rolled-back');
    assert.equal(store.read().body, conf('before'));
    assert.equal(daemon.running, store.read().generation);
    assert.match(
      readPending(nodeStoreFs(), d.runtimeDir)?.state ?? '',
      /^rolled back to generation 2/,
    );
  });

  it('keeps an unconfirmed apply while the peer keeps advertising', async () => {
    const { daemon, clock, store } = await pendingApply();
    clock.onSleep = () => void daemon.advertsReceived++;
    const state = await watch(store, daemon, clock);
    assert.deepEqual(state, { kind: 'confirmed', generation: 3, by: 'peer-contact' });
    assert.equal(store.read().body, conf('after'));
  });

  it('keeps a confirmed apply even with a silent peer', async () => {
    const { daemon, clock, store } = await pendingApply();
    clock.onSleep = (t) => {
      if (t === 3000) {
        const rec = readPending(nodeStoreFs(), d.runtimeDir);
        if (rec) writePending(nodeStoreFs(), d.runtimeDir, { ...rec, confirmRequested: true });
      }
    };
    const state = await watch(store, daemon, clock);
    assert.deepEqual(state, { kind: 'confirmed', generation: 3, by: 'user' });
    assert.equal(clock.t, 3000, 'decided at the first poll after the confirmation');
    assert.equal(store.read().body, conf('after'));
  });

  it('loses no confirmation that lands while the watcher writes the pending file', async () => {
    const { daemon, clock, store } = await pendingApply();
    let confirmed = false;
    const confirm = (): void => {
      if (confirmed) return;
      confirmed = true;
      const rec = readPending(nodeStoreFs(), d.runtimeDir);
      if (rec) writePending(nodeStoreFs(), d.runtimeDir, { ...rec, confirmRequested: true });
    };
    // `halb config confirm` runs between the watcher's last read and its write.
    const racing: StoreFs = {
      ...nodeStoreFs(),
      writeDurable(file, data, mode) {
        if (file.includes(PENDING_FILE)) confirm();
        nodeStoreFs().writeDurable(file, data, mode);
      },
    };
    clock.onSleep = (t) => {
      if (t === 3000) confirm();
    };
    const state = await watch(store, daemon, clock, racing);
    assert.deepEqual(state, { kind: 'confirmed', generation: 3, by: 'user' });
    assert.equal(readPending(nodeStoreFs(), d.runtimeDir)?.state, 'confirmed (user)');
  });

  it('a restart before the apply is decided rolls it back at boot (recover)', async () => {
    const { store } = await pendingApply();
    store.markUnconfirmed(3, 2); // as `halb config save --confirm-within` does
    // The box restarts: the watcher in /run is gone; rcS runs `halb config recover`.
    const booted = d.open();
    booted.recover();
    const cur = booted.read();
    assert.equal(cur.body, conf('before'));
    assert.equal(cur.generation, 4);
    assert.match(
      fallbackFlag(d.runtimeDir) ?? '',
      /generation 3 .*not confirmed before the restart; rolled back to 2/,
    );
    assert.ok(!fs.existsSync(path.join(d.dataDir, UNCONFIRMED_MARKER)));
    d.open().recover();
    assert.equal(d.open().read().generation, 4, 'a second boot changes nothing');
  });

  it('a decided apply leaves nothing to roll back at boot', async () => {
    const { daemon, clock, store } = await pendingApply();
    store.markUnconfirmed(3, 2);
    clock.onSleep = () => {
      const rec = readPending(nodeStoreFs(), d.runtimeDir);
      if (rec) writePending(nodeStoreFs(), d.runtimeDir, { ...rec, confirmRequested: true });
    };
    const state = await watch(store, daemon, clock);
    assert.equal(state.kind, 'confirmed');
    d.open().recover();
    assert.equal(d.open().read().body, conf('after'));
    // A marker left by a save that a newer one superseded is stale: nothing happens.
    store.markUnconfirmed(3, 2);
    store.save(conf('newer'), 'newer save');
    d.open().recover();
    assert.equal(d.open().read().body, conf('newer'));
  });

  it('stops without rolling back when a newer save supersedes the pending apply', async () => {
    const { daemon, clock, store } = await pendingApply();
    clock.onSleep = (t) => {
      if (t === 2000) {
        store.save(conf('newer'), 'newer save');
        supersedePending(nodeStoreFs(), d.runtimeDir, 'a newer save');
      }
    };
    const state = await watch(store, daemon, clock);
    assert.deepEqual(state, { kind: 'superseded' });
    assert.equal(store.read().body, conf('newer'));
    assert.equal(readPending(nodeStoreFs(), d.runtimeDir)?.state, 'superseded by a newer save');
  });
});
