/**
 * `halb run` with a board file is a supervisor (the real executable, a board
 * without a watchdog): it starts the daemon as a child that beats on a pipe,
 * restarts it when it is killed, reports a hung child (SIGSTOP) as a problem
 * that would withhold the watchdog, and on SIGTERM stops the child and exits.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { until } from '../rigs/appliance';
import { binaryPath } from '../rigs/binary';
import { Proc } from '../rigs/process';

interface View {
  pid: number;
  children: {
    name: string;
    pid: number | null;
    restarts: number;
    loopDelayMs: number | null;
    lastBeatAt: number | null;
  }[];
  problems: string[];
}

describe('supervisor (real executable)', () => {
  let dir: string;
  let sup: Proc;
  const view = async (): Promise<View | null> => {
    try {
      return JSON.parse(fs.readFileSync(path.join(dir, 'run', 'supervisor.json'), 'utf8')) as View;
    } catch {
      return null;
    }
  };
  const daemon = (v: View | null) => v?.children.find((c) => c.name === 'daemon');

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halb-sup-'));
    const board = JSON.parse(
      fs.readFileSync(path.join(__dirname, '../../../board/qemu-x86_64/board.json'), 'utf8'),
    ) as Record<string, unknown>;
    fs.writeFileSync(path.join(dir, 'board.json'), JSON.stringify({ ...board, watchdog: null }));
    fs.writeFileSync(path.join(dir, 'keepalived.conf'), 'global_defs {\n router_id sup\n}\n');
    sup = new Proc(
      [
        binaryPath('x64'),
        'run',
        '-f',
        path.join(dir, 'keepalived.conf'),
        '--board',
        path.join(dir, 'board.json'),
        '--runtime-dir',
        path.join(dir, 'run'),
      ],
      { env: { ...process.env, HALB_ADDON_DIR: path.join(dir, 'addons') } },
    );
  });
  after(async () => {
    await sup?.kill('SIGKILL', 1000);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts the daemon as a child that beats', async () => {
    const v = await until(
      'a beating daemon',
      30000,
      view,
      (x) => typeof daemon(x)?.lastBeatAt === 'number',
    );
    assert.equal(v!.pid, sup.pid);
    assert.notEqual(daemon(v)!.pid, sup.pid);
    assert.deepEqual(v!.problems, []);
  });

  it('restarts a killed child with a new pid', async () => {
    const old = daemon(await view())!;
    process.kill(old.pid!, 'SIGKILL');
    const v = await until('restarted', 15000, view, (x) => {
      const d = daemon(x);
      return d?.pid !== null && d?.pid !== undefined && d.pid !== old.pid;
    });
    assert.equal(daemon(v)!.restarts, old.restarts + 1);
    assert.match(sup.output, /daemon killed by SIGKILL; restarting in 500 ms/);
  });

  it('a stopped event loop is a problem until it runs again', async () => {
    // A child still starting has a minute's grace: stop one that has beaten.
    const d = daemon(
      await until('beating', 30000, view, (x) => !!daemon(x)?.pid && !!daemon(x)?.lastBeatAt),
    )!;
    process.kill(d.pid!, 'SIGSTOP');
    try {
      const v = await until('stale', 20000, view, (x) => (x?.problems.length ?? 0) > 0);
      assert.match(v!.problems[0] ?? '', /daemon silent for/);
    } finally {
      process.kill(d.pid!, 'SIGCONT');
    }
    await until('fresh again', 20000, view, (x) => x?.problems.length === 0);
  });

  it('SIGTERM stops the child and the supervisor', async () => {
    const d = daemon(await view())!;
    const exited = await sup.kill('SIGTERM', 15000);
    assert.equal(exited.code, 0);
    assert.throws(() => process.kill(d.pid!, 0), 'the child is gone too');
  });
});
