/**
 * The config store in the qemu-x86_64 firmware, on its real ext4 data
 * partition under the /etc/keepalived overlay: the VM is powered off in the
 * middle of a loop of `halb config save` several times, and after each boot
 * the live config is one of the saved ones, whole, and is what halb runs. A
 * live file corrupted before a power cut comes back from the newest good
 * generation, loudly; a factory reset interrupted by a power cut is finished
 * at boot; rollback and factory reset work on the running box.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, Vm } from '../rigs/vm';

const SHIPPED = fs.readFileSync(
  path.join(ROOT, 'rootfs-overlay/etc/keepalived/keepalived.conf'),
  'utf8',
);
const conf = (id: string): string => `global_defs {\n    router_id ${id}\n}\n`;
const CONFIGS = ['cfg_a', 'cfg_b', 'cfg_c'];
/** Power cuts in the middle of saves; more with HALB_POWER_CUTS (each is a TCG boot, ~50 s). */
const CUTS = Number(process.env.HALB_POWER_CUTS ?? 2);

interface Shown {
  generation: number | null;
  source: string;
  body: string;
  problem: string | null;
}

describe('config store in the firmware', () => {
  let vm: Vm;
  before(async () => {
    vm = await Vm.boot({ board: 'qemu-x86_64' });
    await vm.waitFor('halb: Startup complete', 180000);
  });
  after(async () => {
    await vm?.dispose();
  });

  async function json<T>(cmd: string): Promise<T> {
    const r = await vm.run(cmd);
    assert.equal(r.code, 0, r.output);
    return JSON.parse(r.output.slice(r.output.indexOf('{'), r.output.lastIndexOf('}') + 1)) as T;
  }

  /** The configs the tests save, in the guest's /tmp (RAM: again after each boot). */
  async function writeConfigs(): Promise<void> {
    const r = await vm.run(
      CONFIGS.map((c) => `printf '${conf(c).replace(/\n/g, '\\n')}' > /tmp/${c}.conf`).join(' && '),
    );
    assert.equal(r.code, 0, r.output);
  }

  async function boot(): Promise<string> {
    vm.powerOn();
    await vm.waitFor('halb-init: data partition /dev/vdb mounted on /data', 180000);
    await vm.waitFor('halb: Startup complete', 180000);
    const out = vm.console.output;
    await writeConfigs();
    return out;
  }

  async function isShipped(): Promise<void> {
    const r = await vm.run('sha256sum < /etc/keepalived/keepalived.conf');
    assert.equal(
      r.output.trim().split(/\s/)[0],
      createHash('sha256').update(SHIPPED).digest('hex'),
    );
  }

  /** The store reads a whole, saved config and halb runs exactly that generation. */
  async function checkConsistent(allowed: readonly string[]): Promise<Shown> {
    const shown = await json<Shown>('halb config show --json');
    assert.equal(shown.source, 'live', JSON.stringify(shown));
    assert.ok(allowed.includes(shown.body), `unexpected config:\n${shown.body}`);
    const gens = await json<{ generations: { generation: number; ok: boolean }[] }>(
      'halb config generations --json',
    );
    for (const g of gens.generations) assert.ok(g.ok, `generation ${g.generation} is bad`);
    const st = await json<{ configStore: { running: number | null } }>('halb status --json');
    assert.equal(st.configStore.running, shown.generation);
    return shown;
  }

  it('saves through the overlay onto the data partition', async () => {
    await writeConfigs();
    let r = await vm.run('halb config save /tmp/cfg_a.conf 2>&1');
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /generation 2 saved and running \(previous 1\)/);
    r = await vm.run(
      'head -1 /data/config/keepalived/keepalived.conf; ls -1 /data/config/generations',
    );
    assert.match(r.output, /^# halb-config generation 2 sha256 /m);
    assert.match(r.output, /00000001\.conf\n00000002\.conf/);
    await checkConsistent([conf('cfg_a')]);
  });

  it(`power cut in the middle of saves (${CUTS} times): old or new config, never neither`, async () => {
    const allowed = CONFIGS.map(conf);
    const seen: number[] = [];
    for (let i = 0; i < CUTS; i++) {
      const loop =
        `i=0; while :; do for c in ${CONFIGS.join(' ')}; do ` +
        `halb config save /tmp/$c.conf >/dev/null 2>&1; i=$((i+1)); echo $i > /tmp/saves; done; done`;
      let r = await vm.run(`rm -f /tmp/saves; (${loop}) </dev/null >/dev/null 2>&1 &`);
      assert.equal(r.code, 0, r.output);
      // Let a few saves land, then cut at a different point of the next one each time.
      const deadline = Date.now() + 120000;
      for (;;) {
        r = await vm.run('cat /tmp/saves 2>/dev/null || echo 0');
        if (Number(r.output.trim().split('\n').pop()) >= 2) break;
        assert.ok(Date.now() < deadline, 'the save loop makes no progress');
      }
      await new Promise((resolve) => setTimeout(resolve, 300 + 450 * i));
      await vm.powerCut();
      const out = await boot();
      assert.doesNotMatch(out, /config store: .*fell back/, 'no fallback after a cut mid-save');
      const shown = await checkConsistent(allowed);
      seen.push(shown.generation ?? -1);
    }
    assert.ok(
      seen.every((g, k) => k === 0 || g >= (seen[k - 1] as number)),
      `generations ${seen}`,
    );
  });

  it('a corrupt live file comes back from the newest good generation, loudly', async () => {
    const before = await json<Shown>('halb config show --json');
    // Flip the config's text through the overlay, past its checksum.
    let r = await vm.run(`sed -i 's/router_id/router_iX/' /etc/keepalived/keepalived.conf && sync`);
    assert.equal(r.code, 0, r.output);
    await vm.powerCut();
    const out = await boot();
    assert.match(out, /ERROR - config store: .*SHA-256 mismatch.*fell back to generation \d+/);
    const shown = await checkConsistent([before.body]);
    assert.equal(shown.generation, before.generation);
    const st = await json<{ configStore: { fallback: string | null }; led: { pattern: string } }>(
      'halb status --json',
    );
    assert.match(st.configStore.fallback ?? '', /fell back/);
    assert.equal(st.led.pattern, 'config-error');
    r = await vm.run('halb status');
    assert.match(r.output, /config store: generation \d+  FALLBACK: /);
  });

  it('rollback runs the previous generation', async () => {
    let r = await vm.run(
      'halb config save /tmp/cfg_c.conf 2>&1 && halb config save /tmp/cfg_b.conf 2>&1',
    );
    assert.equal(r.code, 0, r.output);
    r = await vm.run('halb config rollback 2>&1');
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /halb runs generation \d+/);
    const shown = await checkConsistent([conf('cfg_c')]);
    assert.equal(shown.body, conf('cfg_c'));
  });

  it('an apply still waiting for confirmation at a power cut is rolled back at boot', async () => {
    const before = await json<Shown>('halb config show --json');
    let r = await vm.run('halb config save --confirm-within 600 /tmp/cfg_b.conf 2>&1');
    assert.equal(r.code, 0, r.output);
    await checkConsistent([conf('cfg_b')]);
    r = await vm.run('sync');
    await vm.powerCut();
    const out = await boot();
    assert.match(
      out,
      /ERROR - config store: generation \d+ was applied with commit-confirm and not confirmed before the restart; rolled back to \d+/,
    );
    const shown = await checkConsistent([before.body]);
    assert.ok(
      (shown.generation ?? 0) > (before.generation ?? 0),
      'the rollback is a new generation',
    );
  });

  it('factory reset empties the upper layer so the shipped defaults show through', async () => {
    let r = await vm.run('halb config factory-reset 2>&1');
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /halb runs generation \(defaults\)/);
    await isShipped();
    r = await vm.run(
      'ls -A /data/config/keepalived /data/config | tr "\\n" " "; grep " /etc/keepalived " /proc/mounts',
    );
    assert.match(r.output, /overlay \/etc\/keepalived overlay /, 'the overlay is mounted again');
    assert.doesNotMatch(r.output, /generations|keepalived\.conf|secrets/);
    const shown = await json<Shown>('halb config show --json');
    assert.deepEqual([shown.generation, shown.source], [0, 'defaults']);
  });

  it('a factory reset interrupted by a power cut is finished at boot', async () => {
    let r = await vm.run('halb config save /tmp/cfg_a.conf 2>&1');
    assert.equal(r.code, 0, r.output);
    // What factoryReset() writes first; a cut right after it leaves only the marker.
    r = await vm.run('echo requested > /data/config/factory-reset && sync');
    assert.equal(r.code, 0, r.output);
    await vm.powerCut();
    const out = await boot();
    assert.match(out, /halb-init: factory reset finished: shipped defaults restored/);
    await isShipped();
    const shown = await json<Shown>('halb config show --json');
    assert.deepEqual([shown.generation, shown.source], [0, 'defaults']);
  });
});
