import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseHalbArgs } from '../../src/cli/halb-args';
import { parseKeepalivedArgs } from '../../src/cli/keepalived-args';
import { UsageError } from '../../src/cli/argv';
import { personality } from '../../src/cli/personality';

describe('halb command line', () => {
  it('parses run with its options', () => {
    const c = parseHalbArgs([
      'run',
      '-f',
      '/x.conf',
      '-lD',
      '--runtime-dir',
      '/r',
      '--board',
      '/b.json',
    ]);
    assert.equal(c.kind, 'run');
    if (c.kind !== 'run') return;
    assert.equal(c.options.configFile, '/x.conf');
    assert.equal(c.options.logConsole, true);
    assert.equal(c.options.logDetail, true);
    assert.equal(c.options.runtimeDir, '/r');
    assert.equal(c.options.boardFile, '/b.json');
    assert.equal(c.options.foreground, true);
    assert.deepEqual([c.options.vrrp, c.options.check], [true, true]);
  });
  it('takes the runtime dir from HALB_RUNTIME_DIR', () => {
    const c = parseHalbArgs(['status', '--json'], { HALB_RUNTIME_DIR: '/tmp/x' });
    assert.deepEqual(c, { kind: 'status', json: true, runtimeDir: '/tmp/x' });
  });
  it('accepts the file as option or argument for check', () => {
    assert.equal(
      (parseHalbArgs(['check', 'a.conf']) as { configFile: string }).configFile,
      'a.conf',
    );
    assert.equal(
      (parseHalbArgs(['check', '-f', 'b.conf']) as { configFile: string }).configFile,
      'b.conf',
    );
  });
  it('rejects unknown commands and options with a usage error', () => {
    assert.throws(() => parseHalbArgs(['frobnicate']), UsageError);
    assert.throws(() => parseHalbArgs(['run', '-q']), /unknown option '-q' for 'halb run'/);
    assert.throws(() => parseHalbArgs(['run', '-f']), /needs a value/);
  });
});

describe('keepalived command line', () => {
  it('maps -t[=FILE] to a config test with keepalived exit codes', () => {
    const c = parseKeepalivedArgs(['-t', '-f', '/etc/k.conf']);
    assert.equal(c.kind, 'check');
    if (c.kind !== 'check') return;
    assert.equal(c.configFile, '/etc/k.conf');
    assert.equal(c.keepalivedExitCodes, true);
    assert.equal(c.logFile, undefined);
    const d = parseKeepalivedArgs(['--config-test=/tmp/log', '--use-file=/a']);
    assert.equal(d.kind === 'check' && d.logFile, '/tmp/log');
    const e = parseKeepalivedArgs(['-t/tmp/log2']);
    assert.equal(e.kind === 'check' && e.logFile, '/tmp/log2');
  });
  it('runs in the background unless -n, with keepalived defaults', () => {
    const c = parseKeepalivedArgs(['-P', '-l']);
    assert.equal(c.kind, 'run');
    if (c.kind !== 'run') return;
    assert.equal(c.options.foreground, false);
    assert.equal(c.options.vrrp, true);
    assert.equal(c.options.check, false);
    assert.equal(c.options.pidFile, undefined);
    assert.equal(c.options.keepalivedPidFile, true);
    assert.equal(c.options.configFile, '/etc/keepalived/keepalived.conf');
    const n = parseKeepalivedArgs(['-nlD', '-C', '-p', '/run/x.pid', '-S', '7', '-G']);
    assert.equal(n.kind === 'run' && n.options.foreground, true);
    assert.equal(n.kind === 'run' && n.options.check && !n.options.vrrp, true);
    assert.equal(n.kind === 'run' && n.options.pidFile, '/run/x.pid');
    assert.equal(n.kind === 'run' && n.options.dontReleaseIpvs, false);
    const i = parseKeepalivedArgs(['-n', '-I']);
    assert.equal(i.kind === 'run' && i.options.dontReleaseIpvs, true);
    const h = parseHalbArgs(['run', '--dont-release-ipvs']);
    assert.equal(h.kind === 'run' && h.options.dontReleaseIpvs, true);
  });
  it('answers -v and -h', () => {
    assert.deepEqual(parseKeepalivedArgs(['-v']), { kind: 'version', json: false });
    assert.equal(parseKeepalivedArgs(['--help']).kind, 'help');
  });
  it('rejects flags keepalived does not have', () => {
    assert.throws(() => parseKeepalivedArgs(['-Z']), /unknown option '-Z' for keepalived/);
  });
});

describe('personality', () => {
  it('is keepalived through a link of that name', () => {
    assert.equal(personality('/usr/sbin/keepalived', {}), 'keepalived');
    assert.equal(personality('keepalived', {}), 'keepalived');
    assert.equal(personality('/usr/bin/halb', {}), 'halb');
    assert.equal(personality('node', { HALB_PERSONALITY: 'keepalived' }), 'keepalived');
  });
});
