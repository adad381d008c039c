import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { splitWords, stripComment } from '../../src/config/words';
import { preprocessSource, preprocess, type Preprocessed } from '../../src/config/preprocess';
import { expandBraces, type GlobFs, globLikeGlibc } from '../../src/config/glob';
import { parseTree } from '../../src/config/tree';
import { formatDiagnostic } from '../../src/config/diagnostics';

const SAMPLES = path.resolve(__dirname, '../../../../shared/corpus/keepalived-samples');
const texts = (p: Preprocessed): string[][] => p.lines.map((l) => l.words.map((w) => w.text));
const pre = (src: string, configId = 'lb1'): Preprocessed =>
  preprocessSource('/virtual/k.conf', src, { configId });

describe('words', () => {
  it('cuts comments outside quotes only', () => {
    assert.equal(stripComment('a b # c').text, 'a b ');
    assert.equal(stripComment('notify "/x # y" ! z').text, 'notify "/x # y" ');
    assert.equal(stripComment('say "open').unmatchedQuote, 4);
  });
  it('splits shell style: quotes inside words, both quote kinds, escapes, braces', () => {
    assert.deepEqual(
      splitWords(`abcd"efg h"ij 'a b' x\\ty "q\\x41" vrrp{`).map((w) => w.text),
      ['abcdefg hij', 'a b', 'x\ty', 'qA', 'vrrp', '{'],
    );
    assert.deepEqual(
      splitWords('"{"').map((w) => [w.text, w.quoted]),
      [['{', true]],
    );
  });
});

describe('preprocessing', () => {
  it('joins continued lines and keeps each word where it was', () => {
    const p = pre('a b \\\n   c\nd');
    assert.deepEqual(texts(p), [['a', 'b', 'c'], ['d']]);
    assert.deepEqual(
      p.lines[0]!.words.map((w) => [w.pos.line, w.pos.col]),
      [
        [1, 1],
        [1, 3],
        [2, 4],
      ],
    );
  });
  it('keeps @id lines for this config id and @^id lines for the others', () => {
    const p = pre('@lb1 priority 200\n@lb2 priority 100\n@^lb1 state BACKUP\n@^lb2 state MASTER\n');
    assert.deepEqual(texts(p), [
      ['priority', '200'],
      ['state', 'MASTER'],
    ]);
    assert.equal(p.lines[0]!.words[0]!.pos.col, 6);
  });
  it('defines and expands parameters, bare and braced, recursively, at use time', () => {
    const p = pre(
      '$IF=eth0\n$PRIO=1${TEN}\n$TEN=10\ninterface $IF\npriority ${PRIO}\n$IF=eth1\ninterface ${IF}\nx $UNDEFINED\n',
    );
    assert.deepEqual(texts(p), [
      ['interface', 'eth0'],
      ['priority', '110'],
      ['interface', 'eth1'],
      ['x', '$UNDEFINED'],
    ]);
  });
  it('expands multi-line definitions into lines', () => {
    const p = pre('$BLOCK=vrrp_script chk_${N} { \\\n  script "/bin/true" \\\n}\n$N=1\n$BLOCK\n');
    assert.deepEqual(texts(p), [['vrrp_script', 'chk_1', '{'], ['script', '/bin/true'], ['}']]);
  });
  it('has the predefined parameters', () => {
    const p = preprocessSource(
      '/etc/k/k.conf',
      'a ${_PWD} ${_INSTANCE} ${_HASH}${_BANG} ${_RANDOM 5 5}\n',
      { configId: 'box' },
    );
    assert.deepEqual(texts(p), [['a', '/etc/k', 'box', '#!', '5']]);
  });
  it('repeats lines with ~SEQ, ~SEQx and ~LST', () => {
    assert.deepEqual(texts(pre('~SEQ(i, 1, 3) real_server 192.0.2.$i 80\n')), [
      ['real_server', '192.0.2.1', '80'],
      ['real_server', '192.0.2.2', '80'],
      ['real_server', '192.0.2.3', '80'],
    ]);
    assert.deepEqual(texts(pre('~SEQ(i, 3) n $i\n')), [
      ['n', '1'],
      ['n', '2'],
      ['n', '3'],
    ]);
    assert.deepEqual(texts(pre('~SEQ(i, 10, -5, 0) n $i\n')), [
      ['n', '10'],
      ['n', '5'],
      ['n', '0'],
    ]);
    assert.deepEqual(texts(pre('~SEQx(i, 9, 11) n ${i}\n')), [
      ['n', '9'],
      ['n', 'a'],
      ['n', 'b'],
    ]);
    assert.deepEqual(texts(pre('~LST({A,B}, {1,x},{2,y}) v $A $B\n')), [
      ['v', '1', 'x'],
      ['v', '2', 'y'],
    ]);
    assert.deepEqual(texts(pre('~SEQ(i, 1, 2) ~LST(c, a, b) ${i}${c}\n')).flat(), [
      '1a',
      '1b',
      '2a',
      '2b',
    ]);
  });
});

describe('include', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halb-inc-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  it('follows globs and braces relative to the including file, with positions in each file', () => {
    fs.mkdirSync(path.join(dir, 'conf.d'));
    fs.writeFileSync(
      path.join(dir, 'main.conf'),
      'global_defs {\n}\ninclude conf.d/*.conf\ninclude {x,y}.inc\ninclude missing.conf\n',
    );
    fs.writeFileSync(path.join(dir, 'conf.d', 'b.conf'), 'b_line\n');
    fs.writeFileSync(path.join(dir, 'conf.d', 'a.conf'), '\n  a_line\ninclude ../x.inc\n');
    fs.writeFileSync(path.join(dir, 'x.inc'), 'x_line\n');
    const p = preprocess(path.join(dir, 'main.conf'), { configId: 'h' });
    assert.deepEqual(texts(p), [
      ['global_defs', '{'],
      ['}'],
      ['a_line'],
      ['x_line'],
      ['b_line'],
      ['x_line'],
    ]);
    const a = p.lines[2]!.words[0]!.pos;
    assert.deepEqual([path.relative(dir, a.file), a.line, a.col], ['conf.d/a.conf', 2, 3]);
    assert.deepEqual(
      p.diagnostics.map(formatDiagnostic).map((d) => d.slice(dir.length + 1)),
      [
        "main.conf:4:1: warning: include: some config files of '{x,y}.inc' are missing",
        "main.conf:5:1: warning: include: no config file 'missing.conf'",
      ],
      'what keepalived logs without include checks: warnings, not silence',
    );
  });
  it('reports include loops instead of hanging', () => {
    fs.writeFileSync(path.join(dir, 'loop.conf'), 'include loop.conf\n');
    const p = preprocess(path.join(dir, 'loop.conf'), { configId: 'h' });
    assert.match(p.diagnostics.map(formatDiagnostic).join('\n'), /include loop/);
  });
  it('expands braces like csh', () => {
    assert.deepEqual(expandBraces('/a/{b,c{1,2}}.conf'), ['/a/b.conf', '/a/c1.conf', '/a/c2.conf']);
    const gfs: GlobFs = {
      readdir: () => ['b.conf', 'a.conf', '.h.conf', 'c.txt'],
      kind: () => 'file',
    };
    assert.deepEqual(globLikeGlibc('/x/*.conf', gfs).files, ['/x/a.conf', '/x/b.conf']);
  });
});

describe('block tree', () => {
  const tree = (src: string) => parseTree(pre(src).lines);
  it('nests blocks with braces on the same or the next line', () => {
    const { statements, diagnostics } = tree(
      'global_defs\n{\n router_id a\n}\nvrrp_instance X {\n virtual_ipaddress { 192.0.2.1/24 }\n}\n',
    );
    assert.deepEqual(diagnostics, []);
    assert.equal(statements[0]!.block![0]!.keyword, 'router_id');
    const vip = statements[1]!.block![0]!;
    assert.equal(vip.block![0]!.keyword, '192.0.2.1/24');
  });
  it('names the unclosed block and the stray brace', () => {
    const { diagnostics } = tree('global_defs {\n router_id a\n}\n}\nvrrp_instance V {\n');
    assert.deepEqual(diagnostics.map(formatDiagnostic), [
      "/virtual/k.conf:4:1: error: '}' closes no block; remove it",
      "/virtual/k.conf:5:17: error: block of 'vrrp_instance' opened here is never closed; add a '}'",
    ]);
  });
  it('reads every keepalived 2.2 sample without a structural error', () => {
    // HEAD-only... is keepalived 2.4 material with a systemd drop-in inside: not a 2.2 config.
    for (const f of fs
      .readdirSync(SAMPLES)
      .filter((n) => n.includes('.conf') && !n.startsWith('HEAD-only'))) {
      const p = preprocess(path.join(SAMPLES, f), { configId: 'h' });
      const problems = [...p.diagnostics, ...parseTree(p.lines).diagnostics].filter(
        (d) => d.severity === 'error',
      );
      assert.deepEqual(problems.map(formatDiagnostic), [], f);
    }
  });
});
