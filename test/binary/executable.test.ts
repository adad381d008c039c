/**
 * The single executables: both architectures answer `halb version` with their
 * addons loaded from the embedded copies, and a `keepalived` link speaks
 * keepalived's command line with its -t exit codes.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../rigs/exec';
import { ARM64_SYSROOT, binaryPath, runBinary } from '../rigs/binary';
import { setupFromText, until } from '../rigs/checker-setup';
import { Proc } from '../rigs/process';

const SAMPLES = path.resolve(__dirname, '../../../../shared/corpus/keepalived-samples');

describe('single executable', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halb-bin-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const arch of ['x64', 'arm64'] as const) {
    it(`${arch}: answers halb version with every addon loaded`, async () => {
      const addonDir = path.join(dir, `addons-${arch}`);
      const r = await runBinary(arch, ['version', '--json'], { HALB_ADDON_DIR: addonDir });
      assert.equal(r.code, 0, r.stderr);
      const v = JSON.parse(r.stdout) as {
        arch: string;
        node: string;
        addons: Array<{ name: string; source?: string; path?: string }>;
      };
      assert.equal(v.arch, arch);
      assert.match(v.node, /^v22\./);
      assert.deepEqual(
        v.addons.map((a) => [a.name, a.source]),
        [
          ['netlink', 'embedded'],
          ['serialport', 'embedded'],
          ['halb_sys', 'embedded'],
        ],
      );
      for (const a of v.addons) assert.ok(a.path?.startsWith(addonDir), a.path);
    });
  }

  for (const arch of ['x64', 'arm64'] as const) {
    it(`${arch}: runs the checker process (halb checkers) on its pipes`, async () => {
      const health = path.join(dir, `health-${arch}`);
      fs.writeFileSync(health, '1\n');
      const setup = setupFromText(`track_file h {
  file ${health}
  weight 0
}
virtual_server 192.0.2.10 80 {
  warmup 0
  real_server 192.0.2.21 80 {
    FILE_CHECK {
      track_file h
    }
  }
}
`);
      const env = { ...process.env, HALB_ADDON_DIR: path.join(dir, `addons-${arch}`) };
      const argv =
        arch === 'arm64'
          ? [
              'env',
              `QEMU_LD_PREFIX=${ARM64_SYSROOT}`,
              'qemu-aarch64-static',
              binaryPath(arch),
              'checkers',
            ]
          : [binaryPath(arch), 'checkers'];
      const p = new Proc(argv, { env });
      try {
        p.write(JSON.stringify({ type: 'setup', setup }) + '\n');
        await p.waitFor('"type":"ready"', 60000, 'ready');
        await p.waitFor(/"up":false,"detail":"value 1"/, 60000, 'the FILE_CHECK result');
        await until('the log line', () =>
          p.output.includes('Removing service [192.0.2.21]:tcp:80 from VS [192.0.2.10]:tcp:80'),
        );
        p.child.stdin?.end();
        assert.deepEqual(await p.exited, { code: 0, signal: null }, 'ends when its pipe closes');
      } finally {
        await p.kill('SIGKILL');
      }
    });
  }

  it('is one self-contained file', () => {
    const st = fs.statSync(binaryPath('x64'));
    assert.ok(st.isFile() && (st.mode & 0o111) !== 0);
  });

  it('a reader that goes away early ends no command with a stack trace', async () => {
    // `true` has gone (the pipe closed) long before halb, a Node process, writes.
    const r = await run([
      'bash',
      '-c',
      `${binaryPath('x64')} version | true; exit \${PIPESTATUS[0]}`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /EPIPE|\n +at /);
  });

  it('speaks keepalived through a link named keepalived', async () => {
    const link = path.join(dir, 'keepalived');
    fs.symlinkSync(binaryPath('x64'), link);
    const v = await run([link, '-v']);
    assert.equal(v.code, 0);
    assert.match(v.stdout, /^halb \d+\.\d+\.\d+/);

    const ok = await run([link, '-t', '-f', path.join(SAMPLES, 'keepalived.conf.vrrp')]);
    assert.equal(ok.code, 0, ok.stderr);

    const bad = path.join(dir, 'bad.conf');
    fs.writeFileSync(bad, 'global_defs {\n  router_id x\n}\n}\n');
    const r = await run([link, '-t', '-f', bad]);
    assert.equal(r.code, 5, 'keepalived -t exits 5 on errors');
    assert.match(
      r.stderr,
      new RegExp(`${bad.replace(/[/.]/g, '\\$&')}:4:1: error: '}' closes no block`),
    );

    const missing = await run([link, '-t', '-e', '-f', path.join(dir, 'nope.conf')]);
    assert.equal(missing.code, 4, 'missing file with -e exits 4');
    const lenient = await run([link, '-t', '-f', path.join(dir, 'nope.conf')]);
    assert.equal(lenient.code, 0, 'missing file without -e exits 0, as keepalived');

    const usage = await run([link, '--bogus']);
    assert.equal(usage.code, 64);
    assert.match(usage.stderr, /unknown option '--bogus' for keepalived/);
  });

  it('halb run refuses to start on a config with errors, and says how to see them', async () => {
    const bad = path.join(dir, 'refused.conf');
    fs.writeFileSync(bad, 'vrrp_instance VI_1 {\n    priority 300\n}\n');
    const r = await run(
      [binaryPath('x64'), 'run', '-f', bad, '--runtime-dir', path.join(dir, 'run-refused')],
      { timeoutMs: 30000 },
    );
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /refused\.conf:2:14: error: 'priority' value 300 is outside \[1, 255\]/);
    assert.match(r.stderr, /has errors; not starting \(run 'halb check -f .*refused\.conf'\)/);
  });
});
