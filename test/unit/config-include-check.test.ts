/** keepalived's include checks: the glob's counts, the verdicts, include_check's scope. */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatDiagnostic } from '../../src/config/diagnostics';
import { type GlobFs, globLikeGlibc } from '../../src/config/glob';
import {
  ALL,
  applyIncludeCheck,
  BRACE_MATCH,
  fileFinding,
  includeType,
  judgeGlob,
  MATCH,
  READ,
  WILDCARD_MATCH,
} from '../../src/config/include-check';
import { preprocess } from '../../src/config/preprocess';

/** A file system from a list of paths; a trailing '/' is a directory. */
function fakeFs(entries: string[]): GlobFs {
  const all = new Set(entries.map((e) => e.replace(/\/$/, '')));
  const dirs = new Set(entries.filter((e) => e.endsWith('/')).map((e) => e.slice(0, -1)));
  dirs.add('');
  return {
    readdir: (dir) => {
      const d = dir.replace(/\/$/, '');
      if (!dirs.has(d)) return undefined;
      return [...all].filter((p) => path.dirname(p) === (d || '/')).map((p) => path.basename(p));
    },
    kind: (p) => (dirs.has(p.replace(/\/$/, '')) ? 'dir' : all.has(p) ? 'file' : undefined),
  };
}

describe('glob as glibc does it for keepalived', () => {
  const gfs = fakeFs([
    '/etc/',
    '/etc/k/',
    '/etc/k/a.conf',
    '/etc/k/b.conf',
    '/etc/k/.hidden.conf',
    '/etc/k/sub/',
    '/etc/k/empty/',
    '/etc/k/d1/',
    '/etc/k/d1/x.inc',
    '/etc/k/d2/',
  ]);
  it('looks a pattern without wildcards up whole', () => {
    assert.deepEqual(globLikeGlibc('/etc/k/a.conf', gfs), {
      files: ['/etc/k/a.conf'],
      missingFiles: 0,
      missingDirs: 0,
      haveWildcards: false,
    });
    assert.equal(globLikeGlibc('/etc/k/none.conf', gfs).missingFiles, 1);
    assert.deepEqual(globLikeGlibc('/etc/k/sub', gfs).files, ['/etc/k/sub/'], 'GLOB_MARK');
  });
  it('lists directories for wildcards, and counts those it cannot open', () => {
    assert.deepEqual(globLikeGlibc('/etc/k/*.conf', gfs).files, ['/etc/k/a.conf', '/etc/k/b.conf']);
    const empty = globLikeGlibc('/etc/k/empty/*.conf', gfs);
    assert.deepEqual([empty.files, empty.haveWildcards, empty.missingDirs], [[], true, 0]);
    assert.equal(globLikeGlibc('/etc/k/nodir/*.conf', gfs).missingDirs, 1);
  });
  it('keeps brace alternatives in their order, each sorted on its own, duplicates and all', () => {
    const g = globLikeGlibc('/etc/k/{b,a,*}.conf', gfs);
    assert.deepEqual(g.files, ['/etc/k/b.conf', '/etc/k/a.conf', '/etc/k/a.conf', '/etc/k/b.conf']);
    assert.equal(globLikeGlibc('/etc/k/{a,z}.conf', gfs).missingFiles, 1);
  });
  it('looks a literal name after a wildcard up in each directory matched', () => {
    const g = globLikeGlibc('/etc/k/d*/x.inc', gfs);
    assert.deepEqual([g.files, g.missingFiles], [['/etc/k/d1/x.inc'], 1]);
  });
});

describe('include checks', () => {
  it('takes each include variant with its checks', () => {
    assert.equal(includeType('include'), 0);
    assert.equal(includeType('includer'), READ);
    assert.equal(includeType('includem'), READ | MATCH);
    assert.equal(includeType('includew'), READ | MATCH | WILDCARD_MATCH);
    assert.equal(includeType('includeb'), READ | BRACE_MATCH);
    assert.equal(includeType('includea'), ALL);
  });
  it('sets, adds and removes checks as include_check does', () => {
    assert.equal(applyIncludeCheck(0, []).value, ALL);
    assert.equal(applyIncludeCheck(ALL, ['match']).value, READ | MATCH);
    assert.equal(applyIncludeCheck(0, ['+brace_match', '+wildcard_match']).value, 12);
    assert.equal(applyIncludeCheck(ALL, ['-read']).value, ALL & ~READ);
    const bad = applyIncludeCheck(ALL, ['readable']);
    assert.equal(bad.value, 0, 'keepalived clears the checks before it finds the name unknown');
    assert.match(
      bad.problems[0]!.message,
      /unknown include_check type 'readable'.*spells it 'read'/,
    );
    const dup = applyIncludeCheck(0, ['match', 'wildcard_match']);
    assert.deepEqual([dup.value, dup.problems[0]!.arg], [READ | MATCH, 1]);
  });
  it('judges a glob: missing, unmatched, partly missing braces', () => {
    const none = { files: [], missingFiles: 0, missingDirs: 0, haveWildcards: false };
    const missing = judgeGlob('x.conf', { ...none, missingFiles: 1 }, 0);
    assert.deepEqual([missing.read, missing.findings[0]!.check], [false, MATCH]);
    assert.equal(
      judgeGlob('{x,y}.conf', { ...none, missingFiles: 2 }, 0).findings[0]!.check,
      BRACE_MATCH,
    );
    assert.deepEqual(judgeGlob('e/*.conf', { ...none, haveWildcards: true }, 0).findings, []);
    assert.equal(
      judgeGlob('e/*.conf', { ...none, haveWildcards: true }, WILDCARD_MATCH).findings[0]!.check,
      WILDCARD_MATCH,
    );
    const partly = { ...none, files: ['/a.conf'], missingFiles: 1 };
    assert.equal(judgeGlob('{a,b}.conf', partly, READ).read, true);
    assert.equal(judgeGlob('{a,b}.conf', partly, BRACE_MATCH).read, false);
  });
  it('skips directories and executables', () => {
    assert.equal(fileFinding('/d/', { isFile: false, executable: true })!.check, READ);
    assert.match(fileFinding('/x', { isFile: true, executable: true })!.message, /non-executable/);
    assert.equal(fileFinding('/x', { isFile: true, executable: false }), undefined);
  });
});

describe('include_check while reading', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halb-inc-check-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const run = (main: string, files: Record<string, string> = {}, allConfig = false): string[] => {
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    fs.writeFileSync(path.join(dir, 'main.conf'), main);
    return preprocess(path.join(dir, 'main.conf'), { configId: 'h', allConfig })
      .diagnostics.map(formatDiagnostic)
      .map((d) => d.slice(dir.length + 1));
  };
  it('makes later includes strict, from its line on', () => {
    assert.deepEqual(
      run('include none1.conf\nglobal_defs {\n include_check match\n}\ninclude none2.conf\n'),
      [
        "main.conf:1:1: warning: include: no config file 'none1.conf'",
        "main.conf:5:1: error: include: no config file 'none2.conf' (an error with include_check; fix the path, or relax include_check)",
      ],
    );
  });
  it('holds only to the end of the file that set it', () => {
    assert.deepEqual(
      run('include inner.conf\ninclude none.conf\n', {
        'inner.conf': 'global_defs {\n include_check\n}\n',
      }),
      ["main.conf:2:1: warning: include: no config file 'none.conf'"],
    );
  });
  it('is all on with -e', () => {
    assert.match(run('include none.conf\n', {}, true)[0]!, /error: .*an error with -e/);
  });
  it('says the variant that made it an error', () => {
    assert.match(run('includem none.conf\n')[0]!, /error: includem: .*an error with includem;/);
  });
});
