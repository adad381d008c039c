/**
 * Two appliances (the real executable) in namespaces on one LAN: each runs,
 * answers status on its control socket, keeps its running config when a
 * reload brings errors (reload_check_config writes the check to its file),
 * and stops cleanly on SIGTERM.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { binaryPath } from '../rigs/binary';
import { Lab } from '../rigs/netns-lab';
import type { Proc } from '../rigs/process';

const CONF = `global_defs {\n  router_id NODE\n  reload_check_config CHECKLOG\n}\nvrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n  priority PRIO\n  advert_int 1\n  virtual_ipaddress {\n    192.0.2.100/24\n  }\n}\n`;

describe('two appliances on one LAN', () => {
  let lab: Lab;
  const nodes: Array<{ name: string; proc: Proc; conf: string; runtime: string }> = [];
  before(async () => {
    lab = await Lab.create({ hosts: ['lb1', 'lb2'] });
    for (const [name, prio] of [
      ['lb1', 150],
      ['lb2', 100],
    ] as const) {
      const conf = path.join(lab.dir, `${name}.conf`);
      const runtime = path.join(lab.dir, `${name}-run`);
      fs.writeFileSync(
        conf,
        CONF.replace('NODE', name)
          .replace('PRIO', String(prio))
          .replace('CHECKLOG', path.join(lab.dir, `${name}-reload-check.log`)),
      );
      const proc = lab.spawn(
        name,
        [binaryPath('x64'), 'run', '-f', conf, '--runtime-dir', runtime, '-l'],
        {
          env: { ...process.env, HALB_ADDON_DIR: path.join(lab.dir, 'addons') },
        },
      );
      nodes.push({ name, proc, conf, runtime });
    }
    for (const n of nodes) await n.proc.waitFor('Startup complete', 60000);
  });
  after(async () => {
    await lab?.dispose();
  });

  const status = async (name: string, runtime: string): Promise<Record<string, unknown>> => {
    const r = await lab.exec(name, [
      binaryPath('x64'),
      'status',
      '--json',
      '--runtime-dir',
      runtime,
    ]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };

  it('each answers status for its own config', async () => {
    for (const n of nodes) {
      const s = await status(n.name, n.runtime);
      // `ip netns exec` execs the program, so the spawned PID is the daemon's.
      assert.equal(s.pid, n.proc.pid);
      assert.equal(s.configFile, n.conf);
      assert.equal(s.configGeneration, 1);
      assert.deepEqual(s.configBlocks, { global_defs: 1, vrrp_instance: 1 });
    }
  });

  it('keeps the running config when a reload has errors, takes a good one', async () => {
    const n = nodes[0]!;
    const good = fs.readFileSync(n.conf, 'utf8');
    fs.writeFileSync(n.conf, good + '}\n');
    await lab.exec(n.name, ['kill', '-HUP', String(n.proc.pid)]);
    await n.proc.waitFor('Reload refused, keeping configuration generation 1', 20000);
    let s = await status(n.name, n.runtime);
    assert.equal(s.configGeneration, 1);
    assert.match(String(s.lastReloadError), /1 error\(s\)/);
    assert.equal((s.led as { pattern: string }).pattern, 'config-error');
    // reload_check_config LOG_FILE: the refused config's check, at its line.
    const checkLog = path.join(lab.dir, `${n.name}-reload-check.log`);
    assert.match(
      fs.readFileSync(checkLog, 'utf8'),
      /lb1\.conf:\d+:\d+: error: [\s\S]*refused, 1 error\(s\)/,
    );
    fs.writeFileSync(n.conf, good);
    await lab.exec(n.name, ['kill', '-HUP', String(n.proc.pid)]);
    await n.proc.waitFor('Reload complete (configuration generation 2)', 20000);
    s = await status(n.name, n.runtime);
    assert.equal(s.lastReloadError, null);
    assert.match(fs.readFileSync(checkLog, 'utf8'), /lb1\.conf: valid\n$/);
  });

  it('stops cleanly on SIGTERM and removes its control socket', async () => {
    const n = nodes[1]!;
    await lab.exec(n.name, ['kill', '-TERM', String(n.proc.pid)]);
    const exit = await n.proc.exited;
    assert.equal(exit.code, 0);
    assert.match(n.proc.output, /Stopping[\s\S]*Stopped halb v/);
    assert.equal(fs.existsSync(path.join(n.runtime, 'halb.sock')), false);
  });
});
