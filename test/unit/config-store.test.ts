import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { formatGeneration, generationFileName, parseGeneration } from '../../src/store/generation';
import { findOverlay } from '../../src/store/overlay';
import { SecretStore } from '../../src/store/secrets';
import { nodeStoreFs } from '../../src/store/store-fs';
import { createLogger } from '../../src/core/log';
import { fallbackFlag, headerGenerationOf } from '../../src/store/running-view';
import { conf, DEFAULTS, makeStoreDir, type StoreDir } from '../rigs/store-dir';

describe('config generation format', () => {
  it('round-trips and proves itself complete', () => {
    const text = formatGeneration({
      generation: 7,
      body: conf('a'),
      savedAt: 'T',
      reason: 'save x',
    });
    assert.match(text, /^# halb-config generation 7 sha256 [0-9a-f]{64} saved T reason save x\n/);
    const p = parseGeneration(text);
    assert.ok(p.ok);
    assert.equal(p.value.body, conf('a'));
    assert.equal(p.value.generation, 7);
  });
  it('rejects a torn, tampered, empty or header-less file', () => {
    const text = formatGeneration({ generation: 1, body: conf('abc'), savedAt: 'T', reason: 'r' });
    const torn = parseGeneration(text.slice(0, text.length - 5));
    assert.deepEqual(torn, { ok: false, problem: 'checksum' });
    const tampered = parseGeneration(text.replace('abc', 'abd'));
    assert.deepEqual(tampered, { ok: false, problem: 'checksum' });
    assert.deepEqual(parseGeneration(''), { ok: false, problem: 'empty' });
    assert.deepEqual(parseGeneration(conf('x')), { ok: false, problem: 'no-header' });
    assert.deepEqual(parseGeneration(text.slice(0, 40)), { ok: false, problem: 'bad-header' });
  });
  it('keeps the reason on one line', () => {
    const text = formatGeneration({ generation: 2, body: 'x\n', savedAt: 'T', reason: 'a\nb' });
    assert.equal(text.split('\n').length, 3);
  });
});

describe('overlay detection', () => {
  const mounts = [
    '/dev/vda / squashfs ro,relatime 0 0',
    'overlay /etc/keepalived overlay rw,relatime,lowerdir=/etc/keepalived,upperdir=/data/config/keepalived,workdir=/data/config/.work,uuid=on 0 0',
  ].join('\n');
  it('finds the layers of the overlay on a folder', () => {
    assert.deepEqual(findOverlay(mounts, '/etc/keepalived'), {
      target: '/etc/keepalived',
      lowerdir: '/etc/keepalived',
      upperdir: '/data/config/keepalived',
      workdir: '/data/config/.work',
    });
    assert.equal(findOverlay(mounts, '/etc'), null);
    assert.equal(findOverlay('tmpfs /etc/keepalived tmpfs rw 0 0', '/etc/keepalived'), null);
  });
  it('decodes octal escapes of /proc/mounts', () => {
    const m = 'overlay /a\\040b overlay lowerdir=/l\\040x,upperdir=/u,workdir=/w 0 0';
    assert.equal(findOverlay(m, '/a b')?.lowerdir, '/l x');
  });
});

describe('config store on the real file system', () => {
  let d: StoreDir;
  beforeEach(() => {
    d = makeStoreDir();
  });
  afterEach(() => d.dispose());

  it('reads the shipped defaults as generation 0 before anything is saved', () => {
    const cur = d.open().read();
    assert.equal(cur.generation, 0);
    assert.equal(cur.source, 'defaults');
    assert.equal(cur.body, DEFAULTS);
  });

  it('saves a generation, keeps the defaults it replaced, and the live file is a byte copy', () => {
    const store = d.open();
    const n = store.save(conf('first'), 'save test');
    assert.equal(n, 2);
    const gens = store.generations();
    assert.deepEqual(
      gens.map((g) => [g.generation, g.ok, g.reason]),
      [
        [2, true, 'save test'],
        [1, true, 'shipped defaults'],
      ],
    );
    const live = fs.readFileSync(d.liveFile, 'utf8');
    assert.equal(
      live,
      fs.readFileSync(path.join(d.dataDir, 'generations', generationFileName(2)), 'utf8'),
    );
    assert.equal(headerGenerationOf(d.liveFile), 2);
    assert.deepEqual(
      { g: store.read().generation, s: store.read().source, b: store.read().body },
      { g: 2, s: 'live', b: conf('first') },
    );
    assert.deepEqual(
      fs.readdirSync(path.dirname(d.liveFile)),
      ['keepalived.conf'],
      'no temp file left',
    );
  });

  it('falls back loudly to the newest good generation when the live file is corrupt', () => {
    const store = d.open();
    store.save(conf('one'), 's1');
    store.save(conf('two'), 's2');
    const text = fs.readFileSync(d.liveFile, 'utf8');
    fs.writeFileSync(d.liveFile, text.replace('two', 'tw0'));
    const cur = store.read();
    assert.equal(cur.source, 'fallback');
    assert.equal(cur.generation, 3);
    assert.match(cur.problem ?? '', /SHA-256 mismatch/);
    assert.equal(fallbackFlag(d.runtimeDir), null, 'read() alone changes nothing');

    store.recover();
    assert.equal(
      fs.readFileSync(d.liveFile, 'utf8'),
      text,
      'live file rewritten from the generation',
    );
    assert.match(fallbackFlag(d.runtimeDir) ?? '', /corrupt.*fell back to generation 3/);
    assert.ok(
      d.logs.some((l) => /ERROR - config store: .*fell back to generation 3/.test(l)),
      d.logs.join('\n'),
    );
    assert.equal(store.read().source, 'live');

    store.save(conf('three'), 's3');
    assert.equal(fallbackFlag(d.runtimeDir), null, 'a good save clears the flag');
  });

  it('falls back to the generation the corrupt live file names, not a save cut short after it', () => {
    const store = d.open();
    store.save(conf('one'), 's1');
    store.save(conf('two'), 's2');
    // A power cut during the next save: its generation is on disk, the live file still 3.
    fs.writeFileSync(
      path.join(d.dataDir, 'generations', generationFileName(4)),
      formatGeneration({ generation: 4, body: conf('cut'), savedAt: 'x', reason: 's3' }),
    );
    assert.deepEqual([store.read().source, store.read().generation], ['live', 3]);
    const text = fs.readFileSync(d.liveFile, 'utf8');
    fs.writeFileSync(d.liveFile, text.replace('two', 'tw0'));
    let cur = store.read();
    assert.deepEqual([cur.source, cur.generation, cur.body], ['fallback', 3, conf('two')]);
    // A header that no longer names a good copy: the newest good generation.
    fs.writeFileSync(
      d.liveFile,
      text.replace('two', 'tw0').replace('generation 3', 'generation 9'),
    );
    cur = store.read();
    assert.deepEqual([cur.source, cur.generation], ['fallback', 4]);
  });

  it('falls back past a corrupt newest generation, and when the live file is missing', () => {
    const store = d.open();
    store.save(conf('one'), 's1');
    store.save(conf('two'), 's2');
    fs.rmSync(d.liveFile);
    fs.appendFileSync(path.join(d.dataDir, 'generations', generationFileName(3)), 'junk');
    const cur = store.read();
    assert.deepEqual([cur.source, cur.generation, cur.body], ['fallback', 2, conf('one')]);
    assert.match(cur.problem ?? '', /missing/);
  });

  it('treats a live file without a header as corrupt once the store has generations', () => {
    const store = d.open();
    store.save(conf('one'), 's1');
    fs.writeFileSync(d.liveFile, conf('edited by hand'));
    const cur = store.read();
    assert.deepEqual([cur.source, cur.generation], ['fallback', 2]);
  });

  it('rolls back by saving an earlier generation again', () => {
    const store = d.open();
    store.save(conf('one'), 's1');
    store.save(conf('two'), 's2');
    const back = store.rollback();
    assert.deepEqual(back, { from: 3, to: 2, generation: 4 });
    assert.equal(store.read().body, conf('one'));
    assert.equal(store.generations()[0]?.reason, 'rollback to 2');
    store.rollback(1);
    assert.equal(store.read().body, DEFAULTS);
    assert.throws(() => store.rollback(99), /generation 99 is missing/);
  });

  it('keeps the last N generations', () => {
    const store = d.open(undefined, 3);
    for (let i = 0; i < 6; i++) store.save(conf(`c${i}`), `s${i}`);
    assert.deepEqual(
      store.generations().map((g) => g.generation),
      [7, 6, 5],
    );
  });

  it('factory reset brings the defaults back and forgets generations and secrets', () => {
    const store = d.open();
    store.save(conf('one'), 's1');
    const secrets = new SecretStore(
      d.dataDir,
      nodeStoreFs(),
      createLogger({ ident: 't', detail: false, sink: () => {} }),
    );
    secrets.set('console-password', '$6$hash');
    store.factoryReset();
    assert.equal(fs.readFileSync(d.liveFile, 'utf8'), DEFAULTS);
    assert.deepEqual(store.generations(), []);
    assert.deepEqual(secrets.all(), {});
    assert.equal(fs.existsSync(path.join(d.dataDir, 'factory-reset')), false);
    const cur = store.read();
    assert.deepEqual([cur.generation, cur.source], [0, 'defaults']);
  });
});

describe('secrets', () => {
  let d: StoreDir;
  beforeEach(() => {
    d = makeStoreDir();
  });
  afterEach(() => d.dispose());

  it('are kept out of keepalived.conf, checksummed, and a corrupt file reads as none, loudly', () => {
    const logs: string[] = [];
    const s = new SecretStore(
      d.dataDir,
      nodeStoreFs(),
      createLogger({ ident: 't', detail: false, sink: (l) => logs.push(l) }),
    );
    s.set('console-password', '$6$abc');
    s.set('other', 'x');
    assert.equal(s.get('console-password'), '$6$abc');
    assert.equal(fs.readFileSync(d.liveFile, 'utf8').includes('$6$abc'), false);
    const file = path.join(d.dataDir, 'secrets.conf');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('abc', 'abd'));
    assert.deepEqual(s.all(), {});
    assert.ok(logs.some((l) => /secrets.conf is corrupt/.test(l)));
  });
});
