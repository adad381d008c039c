import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseTree } from '../../src/config/tree';
import { lexLines } from '../../src/config/lexer';
import { loadConfig } from '../../src/config/load';
import { formatDiagnostic } from '../../src/config/diagnostics';

const SAMPLES = path.resolve(__dirname, '../../../../shared/corpus/keepalived-samples');

describe('keepalived.conf words', () => {
  it('splits braces, drops comments, keeps quotes and positions', () => {
    const { lines } = lexLines(
      'f',
      'vrrp_instance VI_1{ # comment\n  notify "/bin/x a b" ! more\n}\n',
    );
    assert.deepEqual(
      lines.map((l) => l.words.map((w) => [w.text, w.pos.line, w.pos.col])),
      [
        [
          ['vrrp_instance', 1, 1],
          ['VI_1', 1, 15],
          ['{', 1, 19],
        ],
        [
          ['notify', 2, 3],
          ['/bin/x a b', 2, 10],
        ],
        [['}', 3, 1]],
      ],
    );
  });
  it('joins continued lines', () => {
    const { lines } = lexLines('f', 'a b \\\n  c\nd\n');
    assert.deepEqual(
      lines.map((l) => l.words.map((w) => w.text)),
      [['a', 'b', 'c'], ['d']],
    );
  });
  it('reports an unterminated quote', () => {
    const { diagnostics } = lexLines('f', 'notify "abc\n');
    assert.equal(
      formatDiagnostic(diagnostics[0]!),
      'f:1:8: error: unterminated quoted string; add the closing "',
    );
  });
});

describe('block tree', () => {
  it('nests blocks with braces on the same or the next line', () => {
    const { statements, diagnostics } = parseTree(
      'f',
      'global_defs\n{\n router_id a\n}\nvrrp_instance X {\n virtual_ipaddress { 192.0.2.1/24 }\n}\n',
    );
    assert.deepEqual(diagnostics, []);
    assert.equal(statements.length, 2);
    assert.equal(statements[0]!.block![0]!.keyword, 'router_id');
    const vip = statements[1]!.block![0]!;
    assert.equal(vip.keyword, 'virtual_ipaddress');
    assert.equal(vip.block![0]!.keyword, '192.0.2.1/24');
  });
  it('names the unclosed block and the stray brace', () => {
    const { diagnostics } = parseTree(
      'k.conf',
      'global_defs {\n router_id a\n}\n}\nvrrp_instance V {\n',
    );
    assert.deepEqual(diagnostics.map(formatDiagnostic), [
      "k.conf:4:1: error: '}' closes no block; remove it",
      "k.conf:5:17: error: block of 'vrrp_instance' opened here is never closed; add a '}'",
    ]);
  });
  // HEAD-only... is keepalived 2.4 material with a systemd drop-in inside: not a 2.2 config.
  it('loads every keepalived 2.2 sample without a structural error', () => {
    for (const f of fs
      .readdirSync(SAMPLES)
      .filter((n) => n.includes('.conf') && !n.startsWith('HEAD-only'))) {
      const r = loadConfig(path.join(SAMPLES, f));
      assert.deepEqual(
        r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic),
        [],
        f,
      );
    }
  });
  it('says unknown top-level keyword', () => {
    fs.writeFileSync('/tmp/halb-unit-bad.conf', 'vrrp_instnce X {\n}\n');
    const r = loadConfig('/tmp/halb-unit-bad.conf');
    fs.rmSync('/tmp/halb-unit-bad.conf');
    assert.deepEqual(r.diagnostics.map(formatDiagnostic), [
      "/tmp/halb-unit-bad.conf:1:1: error: unknown top-level keyword 'vrrp_instnce'",
    ]);
  });
});
