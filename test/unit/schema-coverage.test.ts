import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, allBlocks } from '../../src/config/schema/root';
import type { BlockSpec, KeywordSpec } from '../../src/config/schema/types';

const CORPUS = path.resolve(__dirname, '../../../../shared/corpus');

function names(file: string): Set<string> {
  const text = fs.readFileSync(path.join(CORPUS, file), 'utf8');
  return new Set(
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#')),
  );
}

/** Every TypeScript file under src/. */
const SRC = path.resolve(__dirname, '../../../src');
function sourceFiles(dir = SRC): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const f = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(f);
    return f.endsWith('.ts') ? [f] : [];
  });
}

const BLOCKS = allBlocks(ROOT);
const SCHEMA_NAMES = new Set(BLOCKS.flatMap((b) => b.keywords.map((k) => k.name)));

function block(name: string): BlockSpec {
  const b = BLOCKS.find((x) => x.name === name);
  assert.ok(b, `block ${name} exists`);
  return b;
}

function keyword(blockName: string, name: string): KeywordSpec {
  const k = block(blockName).keywords.find((x) => x.name === name);
  assert.ok(k, `${blockName} has ${name}`);
  return k;
}

describe('keyword schema', () => {
  it('knows every keyword keepalived 2.2.7 accepts', () => {
    const v227 = names('keepalived-keywords-2.2.7.txt');
    assert.ok(v227.size > 300, 'the 2.2.7 list was read');
    const missing = [...v227].filter((n) => !SCHEMA_NAMES.has(n));
    assert.deepEqual(missing, []);
  });

  it('takes a keyword newer than 2.2.7 only on purpose, saying which release added it', () => {
    const v227 = names('keepalived-keywords-2.2.7.txt');
    const v24 = names('keepalived-keywords-2.4.txt');
    const all = BLOCKS.flatMap((b) => b.keywords.map((k) => ({ block: b.name, k })));
    const newer = all.filter(({ k }) => v24.has(k.name) && !v227.has(k.name));
    for (const { block: b, k } of newer)
      assert.ok(k.since, `${b}: ${k.name} is not in 2.2.7; say since which release`);
    for (const { block: b, k } of all.filter(({ k }) => k.since))
      assert.ok(v24.has(k.name) && !v227.has(k.name), `${b}: ${k.name} since ${k.since}`);
    // Those taken so far: auth_hmac (2.4) and v3_checksum_as_v2 (2.2.8).
    assert.deepEqual([...new Set(newer.map(({ k }) => k.name))].sort(), [
      'active_key',
      'anti_replay',
      'auth_hmac',
      'mode',
      'time_window',
      'v3_checksum_as_v2',
    ]);
  });

  it('names each keyword once per block', () => {
    for (const b of BLOCKS) {
      const seen = new Set<string>();
      for (const k of b.keywords) {
        assert.ok(!seen.has(k.name), `${b.name}: ${k.name} twice`);
        seen.add(k.name);
      }
    }
  });

  it('points every legacy spelling at a keyword that exists', () => {
    let count = 0;
    for (const b of BLOCKS) {
      for (const k of b.keywords) {
        if (k.deprecatedFor === undefined) continue;
        count++;
        const target = k.deprecatedForBlock ? block(k.deprecatedForBlock) : b;
        assert.ok(
          target.keywords.some((x) => x.name === k.deprecatedFor && x.deprecatedFor === undefined),
          `${b.name}: ${k.name} -> ${k.deprecatedFor} (in ${target.name})`,
        );
      }
    }
    assert.ok(count >= 20, `${count} legacy spellings`);
  });

  it('accepts nb_get_retry wherever a checker takes retry', () => {
    for (const b of BLOCKS) {
      const retry = b.keywords.find((k) => k.name === 'retry');
      if (!retry || ['virtual_server', 'real_server'].includes(b.name)) continue;
      const legacy = b.keywords.find((k) => k.name === 'nb_get_retry');
      assert.equal(legacy?.deprecatedFor, 'retry', `${b.name} takes nb_get_retry`);
    }
    assert.equal(keyword('TCP_CHECK', 'nb_get_retry').deprecatedFor, 'retry');
  });

  it('keeps keepalived ranges and defaults', () => {
    assert.deepEqual(keyword('vrrp_instance', 'virtual_router_id').value, {
      kind: 'int',
      min: 1,
      max: 255,
    });
    const prio = keyword('vrrp_instance', 'priority');
    assert.deepEqual([prio.value, prio.default], [{ kind: 'int', min: 1, max: 255 }, 100]);
    const pto = keyword('virtual_server', 'persistence_timeout');
    assert.deepEqual(pto.value, { kind: 'int', min: 1, max: 2678400, optional: true });
    assert.equal(pto.default, 360);
    assert.deepEqual(keyword('global_defs', 'vrrp_garp_interval').value, {
      kind: 'number',
      min: 0.000001,
      max: 4294.967295,
    });
    assert.equal(keyword('global_defs', 'smtp_connect_timeout').value.kind, 'int');
    assert.equal(keyword('virtual_server', 'delay_loop').default, 60);
    assert.equal(keyword('real_server', 'weight').default, 1);
    assert.equal(keyword('virtual_server', 'lb_kind').default, 'NAT');
  });

  it('gives root blocks their headers', () => {
    assert.equal(ROOT.name, 'root');
    assert.deepEqual(keyword('root', 'vrrp_instance').value, { kind: 'word' });
    assert.deepEqual(keyword('root', 'virtual_server').value, { kind: 'words', min: 1, max: 2 });
    assert.deepEqual(keyword('virtual_server', 'real_server').value, {
      kind: 'words',
      min: 1,
      max: 2,
    });
    assert.deepEqual(keyword('vrrp_instance', 'virtual_ipaddress').body, {
      kind: 'lines',
      line: 'vip',
    });
    assert.equal(keyword('vrrp_instance', 'authentication').body?.kind, 'block');
  });

  it('marks implemented every keyword the runtime reads (no false "not implemented" warning)', () => {
    // The model's readers: files that read keywords through config/access
    // (semantics.ts only checks them). A keyword is read as str(b, 'name')
    // and the like, or as a snake_case property (halb's own names are camelCase).
    const files = sourceFiles().filter((f) => !f.endsWith('semantics.ts'));
    const readers = files.filter((f) =>
      /config\/access'|from '\.\/access'/.test(fs.readFileSync(f, 'utf8')),
    );
    assert.ok(readers.length >= 5, 'the readers were found');
    const read = new Map<string, string>();
    for (const f of readers) {
      const text = fs.readFileSync(f, 'utf8');
      for (const m of text.matchAll(
        /\b(?:num|str|flag|bool|lines|words|argv)\(\s*[^,()]+,\s*'([^']+)'/g,
      ))
        read.set(m[1] as string, path.relative(SRC, f));
      for (const m of text.matchAll(/\.([a-z]+(?:_[a-z0-9]+)+)\b/g))
        read.set(m[1] as string, path.relative(SRC, f));
    }
    assert.ok(
      read.has('lvs_sync_daemon') && read.has('unicast_src_ip'),
      'keyword reads were found',
    );
    const unmarked = [...read]
      .filter(([name]) => SCHEMA_NAMES.has(name))
      .filter(
        ([name]) =>
          !BLOCKS.some((b) =>
            b.keywords.some((k) => k.name === name && (k.implemented || k.noop || k.deprecatedFor)),
          ),
      )
      .map(([name, file]) => `${name} (read in ${file})`);
    assert.deepEqual(unmarked, []);
  });

  it('marks implemented the keywords implemented under another reader', () => {
    // Read by name in files the scan above does not see, or as a block.
    for (const [b, k] of [
      ['root', 'SSL'],
      ['real_server', 'lvs_method'],
      ['vrrp_instance', 'mcast_src_ip'],
    ] as const)
      assert.ok(keyword(b, k).implemented, `${b} ${k}`);
  });

  it('reads somewhere every keyword it marks implemented (no false "implemented")', () => {
    const text = sourceFiles()
      .filter((f) => !f.includes(`${path.sep}schema${path.sep}`))
      .map((f) => fs.readFileSync(f, 'utf8'))
      .join('\n');
    // Implemented as what halb always does, or read through a built name.
    const byDesign = new Set([
      'preempt', // the default: only nopreempt is read
      'fast_recovery', // halb always checks every url
      'startup_script_timeout', // `${kind}_script_timeout`
      'shutdown_script_timeout',
    ]);
    const unread = [
      ...new Set(
        BLOCKS.flatMap((b) =>
          b.keywords.filter((k) => k.implemented && !k.deprecatedFor).map((k) => k.name),
        ),
      ),
    ].filter((n) => {
      if (byDesign.has(n)) return false;
      const e = n.replace(/[-]/g, '\\-');
      return !new RegExp(`['"\`]${e}['"\`]|\\.${n}\\b|\\b${n}:`).test(text);
    });
    assert.deepEqual(unread, []);
  });
});
