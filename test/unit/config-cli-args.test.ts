import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseHalbArgs } from '../../src/cli/halb-args';
import { UsageError } from '../../src/cli/argv';

describe('halb config command line', () => {
  it('parses save with a confirmation window and store folders', () => {
    const c = parseHalbArgs(
      [
        'config',
        'save',
        'new.conf',
        '--confirm-within',
        '120',
        '--data-dir',
        '/d',
        '-f',
        '/l.conf',
      ],
      { HALB_RUNTIME_DIR: '/r' },
    );
    assert.equal(c.kind, 'config');
    if (c.kind !== 'config') return;
    assert.deepEqual(
      [
        c.options.sub,
        c.options.arg,
        c.options.confirmWithinS,
        c.options.dataDir,
        c.options.liveFile,
      ],
      ['save', 'new.conf', 120, '/d', '/l.conf'],
    );
    assert.equal(c.options.runtimeDir, '/r');
    assert.equal(c.options.peerWindowS, 10);
  });
  it('defaults to the appliance paths', () => {
    const c = parseHalbArgs(['config', 'generations']);
    if (c.kind !== 'config') return assert.fail(c.kind);
    assert.deepEqual(
      [c.options.liveFile, c.options.dataDir, c.options.runtimeDir],
      ['/etc/keepalived/keepalived.conf', '/data/config', '/run/halb'],
    );
  });
  it('takes a generation number for rollback', () => {
    const c = parseHalbArgs(['config', 'rollback', '7']);
    if (c.kind !== 'config') return assert.fail(c.kind);
    assert.equal(c.options.arg, '7');
    assert.throws(() => parseHalbArgs(['config', 'rollback', 'x']), UsageError);
  });
  it('refuses what it does not understand', () => {
    assert.throws(() => parseHalbArgs(['config']), /takes one of save, confirm, rollback/);
    assert.throws(() => parseHalbArgs(['config', 'frobnicate']), UsageError);
    assert.throws(() => parseHalbArgs(['config', 'save']), /takes one FILE/);
    assert.throws(() => parseHalbArgs(['config', 'confirm', 'x']), /takes no argument 'x'/);
    assert.throws(
      () => parseHalbArgs(['config', 'save', 'f', '--confirm-within', '0']),
      /whole seconds from 1/,
    );
  });
  it('is not in the usage text', () => {
    const h = parseHalbArgs(['help']);
    if (h.kind !== 'help') return assert.fail(h.kind);
    assert.doesNotMatch(h.text, /config save/);
  });
});
