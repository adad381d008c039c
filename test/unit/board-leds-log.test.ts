import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseBoard } from '../../src/board/board';
import { ledPatternFor } from '../../src/leds/patterns';
import { createLogger, ctime } from '../../src/core/log';
import { parseRequest } from '../../src/control/protocol';

const BOARDS = path.resolve(__dirname, '../../../board');

describe('board files', () => {
  it('every board in board/ parses', () => {
    for (const name of fs.readdirSync(BOARDS)) {
      const b = parseBoard(fs.readFileSync(path.join(BOARDS, name, 'board.json'), 'utf8'));
      assert.equal(b.name, name);
      assert.ok(b.modules.includes('ip_vs'), `${name} loads ip_vs`);
    }
  });
  it('names the field that is wrong', () => {
    const good = JSON.parse(
      fs.readFileSync(path.join(BOARDS, 'qemu-x86_64', 'board.json'), 'utf8'),
    );
    assert.throws(
      () => parseBoard(JSON.stringify({ ...good, arch: 'mips' })),
      /'arch' must be 'x64' or 'arm64'/,
    );
    assert.throws(
      () => parseBoard(JSON.stringify({ ...good, console: { device: '/dev/ttyS0', baud: -1 } })),
      /'console.baud'/,
    );
    assert.throws(
      () => parseBoard(JSON.stringify({ ...good, storage: { root: '/dev/vda' } })),
      /'storage.data'/,
    );
  });
});

describe('front panel pattern', () => {
  const base = { starting: false, configError: false, roles: [], realServersDown: 0 } as const;
  it('shows the worst news first', () => {
    assert.equal(ledPatternFor({ ...base, starting: true, roles: ['master'] }), 'booting');
    assert.equal(ledPatternFor({ ...base, configError: true, roles: ['master'] }), 'config-error');
    assert.equal(ledPatternFor({ ...base, roles: ['master', 'fault'] }), 'fault');
    assert.equal(ledPatternFor({ ...base, roles: ['master'], realServersDown: 1 }), 'degraded');
    assert.equal(ledPatternFor({ ...base, roles: ['backup', 'master'] }), 'master');
    assert.equal(ledPatternFor({ ...base, roles: ['backup'] }), 'backup');
    assert.equal(ledPatternFor(base), 'idle');
  });
});

describe('log lines', () => {
  it('use ctime stamps as keepalived does', () => {
    const d = new Date(2026, 10, 2, 3, 4, 5);
    assert.equal(ctime(d), 'Mon Nov  2 03:04:05 2026');
    const lines: string[] = [];
    const log = createLogger({
      ident: 'halb',
      detail: false,
      sink: (l) => lines.push(l),
      now: () => d,
    });
    log.info('Startup complete');
    log.detail('hidden');
    log.warn('w');
    assert.deepEqual(lines, [
      'Mon Nov  2 03:04:05 2026: halb: Startup complete',
      'Mon Nov  2 03:04:05 2026: halb: WARNING - w',
    ]);
  });
});

describe('control protocol', () => {
  it('accepts known ops and explains the rest', () => {
    assert.deepEqual(parseRequest('{"op":"status"}'), { op: 'status' });
    assert.deepEqual(parseRequest('nope'), { error: 'request is not JSON' });
    assert.deepEqual(parseRequest('{"op":"reboot"}'), { error: 'unknown op "reboot"' });
  });
});
