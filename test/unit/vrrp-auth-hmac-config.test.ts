/**
 * auth_hmac and v3_checksum_as_v2 in keepalived.conf: keepalived 2.4's
 * keywords, defaults and messages, and halb's refusal of a block that would
 * leave adverts unauthenticated.
 */
import { describe, it, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatDiagnostic } from '../../src/config/diagnostics';
import { loadConfig, localHostFacts } from '../../src/config/load';
import { vrrpConfig } from '../../src/config/vrrp-config';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halb-hmac-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const HEX32 = 'hex:' + Buffer.from([...Array(32).keys()]).toString('hex');

function load(instance: string, globals = '') {
  const file = path.join(dir, `k${Math.random().toString(36).slice(2)}.conf`);
  fs.writeFileSync(
    file,
    `global_defs {\n${globals}}\nvrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n${instance}  virtual_ipaddress {\n    192.0.2.100/24\n  }\n}\n`,
  );
  const loaded = loadConfig(file, { host: { readSecret: localHostFacts().readSecret } });
  return {
    messages: loaded.diagnostics.map(formatDiagnostic),
    inst: vrrpConfig(loaded.model).instances[0]!,
  };
}

const block = (body: string): string => `  auth_hmac {\n${body}  }\n`;

describe('auth_hmac config', () => {
  it('reads keys in hex and ASCII, keepalived defaults for the rest', () => {
    const { messages, inst } = load(
      block(`    key 1 ${HEX32}\n    key 2 abcdefghijabcdefghijabcdefghij12\n    active_key 2\n`),
    );
    assert.deepEqual(messages, []);
    const a = inst.authHmac!;
    assert.deepEqual(
      a.keys.map((k) => [k.id, k.bytes.length]),
      [
        [1, 32],
        [2, 32],
      ],
    );
    assert.equal(a.keys[1]!.bytes.toString(), 'abcdefghijabcdefghijabcdefghij12');
    assert.deepEqual(
      [a.activeKey, a.mode, a.antiReplayTime, a.timeWindowS],
      [2, 'enforce', true, 5],
    );
  });

  it('derives the window from advert_int (3 x whole seconds, 5..300) unless given', () => {
    const win = (extra: string, body = '') =>
      load(`${extra}${block(`    key 1 ${HEX32}\n    active_key 1\n${body}`)}`).inst.authHmac!
        .timeWindowS;
    assert.equal(win('  advert_int 0.05\n  version 3\n'), 5);
    assert.equal(win('  advert_int 4\n'), 12);
    assert.equal(win('  advert_int 200\n'), 300);
    assert.equal(win('  advert_int 4\n', '    time_window 7\n'), 7);
  });

  it('replaces the legacy authentication, with keepalived warning', () => {
    const { messages, inst } = load(
      `  authentication {\n    auth_type PASS\n    auth_pass secret\n  }\n${block(`    key 1 ${HEX32}\n    active_key 1\n`)}`,
    );
    assert.equal(inst.auth, undefined);
    assert.ok(inst.authHmac);
    assert.match(
      messages.join('\n'),
      /warning: .*auth_hmac cannot be combined with authentication/,
    );
  });

  it('strict mode forces enforce', () => {
    const { messages, inst } = load(
      block(`    key 1 ${HEX32}\n    active_key 1\n    mode permissive\n`),
      '  vrrp_strict\n',
    );
    assert.equal(inst.authHmac!.mode, 'enforce');
    assert.match(messages.join('\n'), /strict mode requires auth_hmac mode enforce/);
  });

  it('refuses what would leave adverts unsigned, each at its line', () => {
    const errors = (body: string): string[] =>
      load(block(body)).messages.filter((m) => m.includes(': error: '));
    assert.match(errors(`    key 1 ${HEX32}\n`).join(), /:6:3: error: .*has no active_key/);
    assert.match(
      errors(`    key 1 ${HEX32}\n    active_key 3\n`).join(),
      /:8:5: error: .*active_key 3 is not defined; add 'key 3 \.\.\.' or name one of 1/,
    );
    assert.match(
      errors(`    key 1 short\n    active_key 1\n`).join(),
      /:7:5: error: .*key 1: key is 5 bytes; it must be 32 to 64/,
    );
    assert.match(
      errors(`    key 1 hex:abc\n    active_key 1\n`).join(),
      /not an even number of hex digits/,
    );
    assert.match(
      errors(`    key 0 ${HEX32}\n    key 1 ${HEX32}\n    active_key 1\n`).join(),
      /key id '0' must be between 1 and 255/,
    );
    assert.match(
      errors(`    key 1 ${HEX32}\n    key 1 ${HEX32}\n    active_key 1\n`).join(),
      /duplicate auth_hmac key id 1/,
    );
    assert.match(errors(`    key 1 ${HEX32}\n    active_key 1\n    mode loose\n`).join(), /mode/);
    assert.match(
      errors(`    key 1 ${HEX32}\n    active_key 1\n    time_window 301\n`).join(),
      /time_window/,
    );
  });

  it('reads a file: key (one line end dropped) and warns when others can read it', () => {
    const secret = path.join(dir, 'vrrp_hmac');
    fs.writeFileSync(secret, `${HEX32}\n`, { mode: 0o600 });
    fs.chmodSync(secret, 0o600);
    const ok = load(block(`    key 4 file:${secret}\n    active_key 4\n`));
    assert.deepEqual(ok.messages, []);
    assert.deepEqual([...ok.inst.authHmac!.keys[0]!.bytes.subarray(0, 3)], [0, 1, 2]);
    fs.chmodSync(secret, 0o644);
    const open = load(block(`    key 4 file:${secret}\n    active_key 4\n`));
    assert.match(open.messages.join(), /warning: .*readable by group or others; chmod 600 it/);
    assert.ok(open.inst.authHmac, 'still used, as keepalived does');
    const missing = load(block(`    key 4 file:${dir}/nope\n    active_key 4\n`));
    assert.match(missing.messages.join(), /error: .*key file '.*nope' cannot be opened \(ENOENT\)/);
    assert.equal(missing.inst.authHmac, undefined);
  });

  it('${_ENV NAME} names the credentials directory, as in keepalived 2.4 sample drop-in', () => {
    const creds = fs.mkdtempSync(path.join(dir, 'creds-'));
    fs.writeFileSync(path.join(creds, 'vrrp_hmac'), HEX32, { mode: 0o600 });
    process.env.CREDENTIALS_DIRECTORY = creds;
    try {
      const r = load(
        block('    key 1 file:${_ENV CREDENTIALS_DIRECTORY}/vrrp_hmac\n    active_key 1\n'),
      );
      assert.deepEqual(r.messages, []);
      assert.equal(r.inst.authHmac!.keys[0]!.bytes.length, 32);
    } finally {
      delete process.env.CREDENTIALS_DIRECTORY;
    }
  });
});

describe('v3_checksum_as_v2', () => {
  it('instance setting, else the global one (any value turns that on, as keepalived)', () => {
    assert.equal(load('').inst.checksumAsV2, false);
    assert.equal(load('  v3_checksum_as_v2\n').inst.checksumAsV2, true);
    assert.equal(load('').inst.checksumAsV2, false);
    assert.equal(load('', '  v3_checksum_as_v2\n').inst.checksumAsV2, true);
    assert.equal(
      load('  v3_checksum_as_v2 false\n', '  v3_checksum_as_v2\n').inst.checksumAsV2,
      false,
    );
  });
});
