/** global_defs umask and process names, read as keepalived 2.2.7's global_parser.c reads them. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseUmask, processSettings } from '../../src/config/process-settings';
import { preprocessSource } from '../../src/config/preprocess';
import { ROOT } from '../../src/config/schema/root';
import { parseTree } from '../../src/config/tree';
import { resolve } from '../../src/config/validate';
import { checkSemantics } from '../../src/config/semantics';

const model = (g: string) =>
  resolve(
    parseTree(preprocessSource('/t.conf', `global_defs {\n${g}}\n`, { configId: 'x' }).lines)
      .statements,
    ROOT,
  ).model;

describe('process settings', () => {
  it('umask: strtol numbers (octal with a leading 0, hex, decimal) or IRUSR|... bits', () => {
    assert.deepEqual(parseUmask(['027']), { mask: 0o27 });
    assert.deepEqual(parseUmask(['0x12']), { mask: 0x12 });
    assert.deepEqual(parseUmask(['18']), { mask: 18 });
    assert.deepEqual(parseUmask(['IWGRP|IWOTH']), { mask: 0o22 });
    assert.deepEqual(parseUmask(['IWGRP', '|', 'IROTH|IWOTH']), { mask: 0o26 });
    assert.deepEqual(parseUmask(['0777']), { mask: 0o777 });
    assert.deepEqual(parseUmask(['01000']), { error: 'invalid umask value 01000' });
    assert.deepEqual(parseUmask(['08']), { error: 'invalid umask value 08' });
    assert.deepEqual(parseUmask(['022', '7']), { error: 'Extra parameter(s) to umask option' });
    assert.deepEqual(parseUmask(['IWGRP|IWXXX']), { error: 'Unknown umask bit IWXXX' });
    assert.deepEqual(parseUmask(['IWGRP|']), { error: 'umask missing bit value' });
  });

  it("process_names gives keepalived's names; the named ones win, cut to 15 characters", () => {
    assert.deepEqual(processSettings(model('  process_names\n  umask 077\n')), {
      umask: 0o77,
      vrrpName: 'keepalived_vrrp',
      checkerName: 'keepalived_lvs',
    });
    assert.deepEqual(
      processSettings(
        model('  process_names\n  vrrp_process_name ha_vrrp_process_x\n  lvs_process_name lb\n'),
      ),
      { umask: undefined, vrrpName: 'ha_vrrp_process', checkerName: 'lb' },
    );
    assert.deepEqual(processSettings(model('')), {
      umask: undefined,
      vrrpName: undefined,
      checkerName: undefined,
    });
  });

  it('a bad umask is refused at its line; a long name is a warning', () => {
    const d = checkSemantics(model('  umask 0999\n  vrrp_process_name a_very_long_process_name\n'));
    assert.deepEqual(
      d.map((x) => `${x.severity} ${x.pos.line}: ${x.message}`),
      [
        'error 2: invalid umask value 0999; write an octal number such as 022, or bits such as IWGRP|IWOTH',
        'warning 3: Process name a_very_long_process_name more than 15 characters, truncating to a_very_long_pro',
      ],
    );
  });
});
