import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { insecureBecause, scriptUser, type StatLike } from '../../src/vrrp/script-security';

const fsOf = (entries: Record<string, StatLike>) => (p: string) => entries[p];
const root = (mode: number): StatLike => ({ uid: 0, mode });

describe('script security', () => {
  it('accepts a root-owned script in root-owned directories', () => {
    const stat = fsOf({
      '/': root(0o40755),
      '/usr': root(0o40755),
      '/usr/bin': root(0o40755),
      '/usr/bin/check': root(0o100755),
    });
    assert.equal(insecureBecause('/usr/bin/check', 0, stat), undefined);
  });
  it('refuses a script another user owns or could replace', () => {
    const base = { '/': root(0o40755), '/opt': root(0o40755) };
    assert.match(
      insecureBecause('/opt/c', 0, fsOf({ ...base, '/opt/c': { uid: 1000, mode: 0o100755 } }))!,
      /owned by uid 1000/,
    );
    assert.match(
      insecureBecause('/opt/c', 0, fsOf({ ...base, '/opt/c': root(0o100777) }))!,
      /writable by group or others/,
    );
    assert.match(
      insecureBecause(
        '/opt/d/c',
        0,
        fsOf({ ...base, '/opt/d': root(0o40777), '/opt/d/c': root(0o100755) }),
      )!,
      /'\/opt\/d' is writable/,
    );
    assert.match(insecureBecause('relative.sh', 0, fsOf({}))!, /not an absolute path/);
  });
  it('accepts a root-owned file in a sticky world-writable directory', () => {
    const stat = fsOf({ '/': root(0o40755), '/tmp': root(0o41777), '/tmp/c': root(0o100755) });
    assert.equal(insecureBecause('/tmp/c', 0, stat), undefined);
  });
  it('runs scripts as script_user, else keepalived_script, else root', () => {
    const passwd = [
      { name: 'root', uid: 0, gid: 0 },
      { name: 'keepalived_script', uid: 100, gid: 100 },
      { name: 'ops', uid: 1001, gid: 1001 },
    ];
    const group = [{ name: 'adm', uid: -1, gid: 4 }];
    assert.deepEqual(scriptUser(['ops', 'adm'], passwd, group), { uid: 1001, gid: 4, name: 'ops' });
    assert.deepEqual(scriptUser(undefined, passwd, group), {
      uid: 100,
      gid: 100,
      name: 'keepalived_script',
    });
    assert.deepEqual(scriptUser(undefined, [], group), { uid: 0, gid: 0, name: 'root' });
    assert.throws(() => scriptUser(['nobody-here'], passwd, group), /does not exist/);
  });
});
