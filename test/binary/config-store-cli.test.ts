/**
 * `halb config` against a running `halb run` (the real executable) in temp
 * folders: a config with errors is refused and nothing is saved; a good one
 * becomes a generation the daemon reloads and reports; rollback and factory
 * reset reach the daemon too; a corrupt live file is recovered loudly.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DaemonStatus } from '../../src/core/status';
import { binaryPath } from '../rigs/binary';
import { run } from '../rigs/exec';
import { Proc } from '../rigs/process';
import { conf, DEFAULTS, makeStoreDir, type StoreDir } from '../rigs/store-dir';

describe('halb config with a running daemon', () => {
  let d: StoreDir;
  let daemon: Proc;
  const config = (...args: string[]) =>
    run(
      [
        binaryPath('x64'),
        'config',
        ...args,
        '-f',
        d.liveFile,
        '--data-dir',
        d.dataDir,
        '--runtime-dir',
        d.runtimeDir,
        '--defaults',
        d.defaultsFile,
      ],
      { timeoutMs: 30000 },
    );
  const status = async (): Promise<DaemonStatus> => {
    const r = await run([binaryPath('x64'), 'status', '--json', '--runtime-dir', d.runtimeDir]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as DaemonStatus;
  };

  before(async () => {
    d = makeStoreDir();
    daemon = new Proc([binaryPath('x64'), 'run', '-f', d.liveFile, '--runtime-dir', d.runtimeDir], {
      env: { ...process.env, HALB_ADDON_DIR: path.join(d.root, 'addons') },
    });
    await daemon.waitFor('Startup complete', 30000);
  });
  after(async () => {
    await daemon?.kill('SIGTERM');
    d?.dispose();
  });

  it('refuses a config with errors and saves nothing', async () => {
    const bad = path.join(d.root, 'bad.conf');
    fs.writeFileSync(bad, 'vrrp_instance VI_1 {\n  priority 300\n}\n');
    const r = await config('save', bad);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /bad\.conf:\d+:\d+: error: .*nothing saved/s);
    assert.equal(fs.readFileSync(d.liveFile, 'utf8'), DEFAULTS);
    assert.equal(fs.existsSync(path.join(d.dataDir, 'generations')), false);
  });

  it('saves a good config as a generation the daemon reloads', async () => {
    const good = path.join(d.root, 'good.conf');
    fs.writeFileSync(good, conf('saved_by_cli'));
    const r = await config('save', good);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /generation 2 saved and running \(previous 1\)/);
    const st = await status();
    assert.deepEqual(st.configStore, { running: 2, attempted: 2, fallback: null });
    assert.match(daemon.output, /Reload complete/);
    const table = await run([binaryPath('x64'), 'status', '--runtime-dir', d.runtimeDir]);
    assert.match(table.stdout, /config store: generation 2/);
  });

  it('rolls back and lists generations', async () => {
    const r = await config('rollback');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /rolled back from generation 2 to 1: now generation 3/);
    assert.match(r.stdout, /halb runs generation 3/);
    assert.equal((await status()).configStore?.running, 3);
    const list = await config('generations');
    assert.match(list.stdout, /current: 3 \(live\)/);
    assert.match(list.stdout, /^ +3 +\S+ +rollback to 1$/m);
    assert.match(list.stdout, /^ +1 +\S+ +shipped defaults$/m);
  });

  it('recovers a corrupt live file from the newest good generation, loudly', async () => {
    fs.writeFileSync(d.liveFile, fs.readFileSync(d.liveFile, 'utf8').replace('shipped', 'shipper'));
    const r = await config('recover');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /ERROR - config store: .*SHA-256 mismatch.*fell back to generation 3/);
    assert.equal(fs.readFileSync(d.liveFile, 'utf8').includes('shipped_default'), true);
    const st = await status();
    assert.match(st.configStore?.fallback ?? '', /fell back to generation 3/);
    assert.equal(st.led.pattern, 'config-error');
  });

  async function pendingState(until: RegExp): Promise<string> {
    const deadline = Date.now() + 30000;
    for (;;) {
      const r = await config('pending');
      if (until.test(r.stdout)) return r.stdout;
      assert.ok(Date.now() < deadline, `pending stayed: ${r.stdout}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it('commit-confirm: an unconfirmed apply without peer contact rolls back', async () => {
    const before = fs.readFileSync(d.liveFile, 'utf8');
    const file = path.join(d.root, 'unconfirmed.conf');
    fs.writeFileSync(file, conf('unconfirmed'));
    const r = await config('save', file, '--confirm-within', '1');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /confirm with 'halb config confirm' within 1 s/);
    assert.match(
      await pendingState(/rolled back/),
      /rolled back to generation \d+: .*peer is silent/,
    );
    const body = fs.readFileSync(d.liveFile, 'utf8');
    assert.equal(body.slice(body.indexOf('\n')), before.slice(before.indexOf('\n')));
    const st = await status();
    assert.equal(st.configStore?.running, st.configStore?.attempted);
    assert.match(
      fs.readFileSync(path.join(d.runtimeDir, 'config-confirm.log'), 'utf8'),
      /rolled back/,
    );
  });

  it('commit-confirm: a confirmed apply stays', async () => {
    const file = path.join(d.root, 'confirmed.conf');
    fs.writeFileSync(file, conf('confirmed'));
    let r = await config('save', file, '--confirm-within', '600');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    r = await config('confirm');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /confirmed \(user\)/);
    assert.match(fs.readFileSync(d.liveFile, 'utf8'), /router_id confirmed/);
    r = await config('confirm');
    assert.equal(r.code, 1, 'nothing left to confirm');
  });

  it('commit-confirm: with the watcher gone, confirm decides by itself', async () => {
    const file = path.join(d.root, 'orphaned.conf');
    fs.writeFileSync(file, conf('orphaned'));
    let r = await config('save', file, '--confirm-within', '600');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const pending = JSON.parse(
      fs.readFileSync(path.join(d.runtimeDir, 'config-pending.json'), 'utf8'),
    ) as { watcherPid: number };
    process.kill(pending.watcherPid, 'SIGKILL'); // the watcher this save started
    await waitGone(pending.watcherPid);
    r = await config('confirm');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /confirmed \(user\); the watcher was gone/);
    r = await config('confirm');
    assert.equal(r.code, 1, 'nothing left to confirm');
  });

  it('factory reset brings the defaults back to the daemon', async () => {
    const r = await config('factory-reset');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /halb runs generation \(defaults\)/);
    assert.equal(fs.readFileSync(d.liveFile, 'utf8'), DEFAULTS);
    const st = await status();
    assert.deepEqual(st.configStore, { running: null, attempted: null, fallback: null });
  });
});

async function waitGone(pid: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`process ${pid} is still there`);
}
