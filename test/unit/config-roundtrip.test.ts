/**
 * Properties of the config pipeline: printing a model back as keepalived.conf
 * and loading it again gives the same model; no input — random bytes, random
 * keyword soup, deep nesting, huge expansions — throws or hangs.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { preprocessSource } from '../../src/config/preprocess';
import { printModel } from '../../src/config/printer';
import { ROOT, allBlocks } from '../../src/config/schema/root';
import { parseTree } from '../../src/config/tree';
import { resolve } from '../../src/config/validate';
import { mutate, rng, type MutationKind } from '../rigs/mutate';

const CORPUS = path.resolve(__dirname, '../../../../shared/corpus');

function load(name: string, text: string) {
  const pre = preprocessSource(name, text, { configId: 'x' });
  const tree = parseTree(pre.lines);
  return { pre, tree, resolved: resolve(tree.statements, ROOT) };
}

function corpus(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const dir of ['keepalived-samples', 'seed-configs']) {
    for (const f of fs.readdirSync(path.join(CORPUS, dir))) {
      if (!f.includes('.conf') || f.startsWith('HEAD-only')) continue;
      out.push([`/c/${f}`, fs.readFileSync(path.join(CORPUS, dir, f), 'utf8')]);
    }
  }
  return out;
}

describe('print, then load again', () => {
  it('gives the same model for every corpus config and its mutations', () => {
    let n = 0;
    for (const [name, text] of corpus()) {
      const texts = [text];
      (['drop-brace', 'misspell', 'out-of-range', 'move-keyword'] as MutationKind[]).forEach(
        (k, i) => {
          const m = mutate(name, text, k, 31 * i + name.length);
          if (m) texts.push(m.text);
        },
      );
      for (const t of texts) {
        const first = load(name, t).resolved.model;
        const printed = printModel(first, ROOT);
        const again = load(name, printed);
        assert.deepEqual(
          again.tree.diagnostics,
          [],
          `${name}: printed text has structural errors:\n${printed}`,
        );
        assert.deepEqual(
          again.resolved.model,
          first,
          `${name}: the model changed through print/parse:\n${printed}`,
        );
        n++;
      }
    }
    assert.ok(n > 100, `only ${n} configs`);
  });

  it('keeps values that need quoting', () => {
    const src =
      'vrrp_script chk {\n  script "/bin/sh -c \'test -f /tmp/x # not a comment\'"\n  interval 2\n}\n';
    const m = load('/q.conf', src).resolved.model;
    assert.deepEqual((m.vrrp_script as Record<string, { script: string[] }>).chk.script, [
      "/bin/sh -c 'test -f /tmp/x # not a comment'",
    ]);
    assert.deepEqual(load('/q.conf', printModel(m, ROOT)).resolved.model, m);
  });
});

describe('no input breaks the loader', () => {
  const keywords = allBlocks().flatMap((b) => b.keywords.map((k) => k.name));
  const pieces = [
    ...keywords,
    '{',
    '}',
    '"',
    "'",
    '\\',
    '!',
    '#',
    '$X=',
    '$X',
    '${X}',
    '@x',
    '@^x',
    '~SEQ(i,1,3)',
    '~LST(a,b)',
    'include',
    '\n',
    '\n',
    ' ',
    '-1',
    '999999999999',
    '0',
    '192.0.2.1',
    '2001:db8::1/64',
    'ééé',
    '\u0000',
  ];
  it('survives random bytes', () => {
    const r = rng(1);
    for (let i = 0; i < 300; i++) {
      const bytes = Buffer.from(
        Array.from({ length: Math.floor(r() * 400) }, () => Math.floor(r() * 256)),
      );
      load('/r.conf', bytes.toString('latin1'));
    }
  });
  it('survives random keyword soup', () => {
    const r = rng(2);
    for (let i = 0; i < 500; i++) {
      const text = Array.from(
        { length: Math.floor(r() * 120) },
        () => pieces[Math.floor(r() * pieces.length)] as string,
      ).join(' ');
      const { resolved } = load('/s.conf', text);
      printModel(resolved.model, ROOT);
    }
  });
  it('survives deep nesting and self-referring or exploding parameters', () => {
    load('/d.conf', '{'.repeat(20000) + '}'.repeat(19999));
    const self = load('/p.conf', '$A=$A x\n$A\n');
    assert.match(self.pre.diagnostics.map((d) => d.message).join(), /nested too deep/);
    const boom = load('/b.conf', '~SEQ(a,1,1000) ~SEQ(b,1,1000) ~SEQ(c,1,1000) x\n');
    assert.match(boom.pre.diagnostics.map((d) => d.message).join(), /more than \d+ lines/);
  });
});
