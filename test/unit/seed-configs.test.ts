/**
 * The seed configs (real-world files, typos included): each loads with the
 * diagnostics its README asks for — typos named with a suggestion, ranges
 * given, legacy names accepted with a deprecation warning, misplaced keywords
 * sent where they belong. Checked off the box: no interface or script exists.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { formatDiagnostic } from '../../src/config/diagnostics';
import { loadConfig } from '../../src/config/load';
import { vrrpConfig } from '../../src/config/vrrp-config';

const SEEDS = path.resolve(__dirname, '../../../../shared/corpus/seed-configs');

function check(name: string): { errors: string[]; warnings: string[] } {
  const r = loadConfig(path.join(SEEDS, name), {
    configId: 'seed',
    host: { interfaces: new Set(['lo']), fileExists: () => false },
  });
  const short = (sev: string) =>
    r.diagnostics
      .filter((d) => d.severity === sev)
      .map((d) => formatDiagnostic(d).replace(SEEDS + '/', ''));
  return { errors: short('error'), warnings: short('warning') };
}

describe('seed configs', () => {
  for (const name of ['000-master.conf', '000-backup.conf']) {
    it(`${name}: the smtp typo, with the keyword meant`, () => {
      const { errors } = check(name);
      assert.deepEqual(errors, [
        `${name}:7:5: error: unknown keyword 'stmp_connect_timeout' in global_defs; did you mean 'smtp_connect_timeout'?`,
      ]);
    });
  }

  it('000-master-track-script.conf: the missing script is named, the config still loads', () => {
    const { errors, warnings } = check('000-master-track-script.conf');
    assert.deepEqual(errors, []);
    assert.ok(
      warnings.some((w) =>
        /11:5: warning: vrrp_script chk_http_port: '\/usr\/local\/keepalived\/nginx.sh' not found here/.test(
          w,
        ),
      ),
      warnings.join('\n'),
    );
  });

  it('001-lvs-dr.conf: persistence_timeout 0 with its range; nb_get_retry as retry', () => {
    const { errors, warnings } = check('001-lvs-dr.conf');
    assert.deepEqual(errors, [
      "001-lvs-dr.conf:24:29: error: 'persistence_timeout' value 0 is outside [1, 2678400] seconds (in virtual_server 192.168.188.120 80)",
    ]);
    assert.deepEqual(
      warnings.filter((w) => /nb_get_retry/.test(w)),
      [
        "001-lvs-dr.conf:31:21: warning: 'nb_get_retry' is deprecated; use 'retry' (accepted as its synonym)",
        "001-lvs-dr.conf:42:21: warning: 'nb_get_retry' is deprecated; use 'retry' (accepted as its synonym)",
      ],
    );
  });

  it('003-annotated.conf: both GARP intervals with their range, nb_get_retry, the missing eth1', () => {
    const { errors, warnings } = check('003-annotated.conf');
    assert.deepEqual(errors, [
      "003-annotated.conf:12:23: error: 'vrrp_garp_interval' value 0 is outside [0.000001, 4294.967295] seconds (in global_defs)",
      "003-annotated.conf:13:22: error: 'vrrp_gna_interval' value 0 is outside [0.000001, 4294.967295] seconds (in global_defs)",
    ]);
    assert.ok(
      warnings.some((w) => /55:13: warning: 'nb_get_retry' is deprecated; use 'retry'/.test(w)),
    );
    assert.ok(
      warnings.some((w) => /interface 'eth1' of vrrp_instance VI_1 does not exist here/.test(w)),
    );
  });

  it('004-annotated.conf: nopreempt sent to vrrp_instance, nat_mask, the weight typo, nb_get_retry, the interface', () => {
    const { errors, warnings } = check('004-annotated.conf');
    assert.deepEqual(errors, [
      "004-annotated.conf:17:3: error: 'nopreempt' does not belong in authentication; it belongs in vrrp_instance",
      "004-annotated.conf:30:2: error: unknown keyword 'nat_mask' in virtual_server 172.16.0.10 80; it was removed from keepalived (LVS takes the real server's netmask); delete the line",
      "004-annotated.conf:35:3: error: unknown keyword 'eight' in real_server 172.16.0.203 80; did you mean 'weight'?",
    ]);
    assert.equal(warnings.filter((w) => /'nb_get_retry' is deprecated/.test(w)).length, 2);
    assert.ok(
      warnings.some((w) =>
        /interface 'eno33554968' of vrrp_instance VIP1 does not exist here/.test(w),
      ),
    );
  });

  for (const name of ['004-nopreempt-a.conf', '004-nopreempt-b.conf']) {
    it(`${name}: the missing /etc/check.sh is named`, () => {
      const { errors, warnings } = check(name);
      assert.deepEqual(errors, []);
      assert.ok(
        warnings.some((w) => /vrrp_script checkhaproxy: '\/etc\/check.sh' not found here/.test(w)),
        warnings.join('\n'),
      );
    });
  }

  it('the mail settings are taken (not warned about); without smtp_alert nothing is mailed', () => {
    const { warnings } = check('000-master.conf');
    assert.ok(!warnings.some((w) => /not implemented/.test(w)), warnings.join('\n'));
    const model = loadConfig(path.join(SEEDS, '000-master.conf'), { configId: 'seed' }).model;
    const v = vrrpConfig(model);
    assert.deepEqual(
      [v.globals.mail?.host, v.globals.mail?.port, v.globals.mail?.to, v.globals.mail?.from],
      ['127.0.0.1', 25, ['admin@example.com'], 'admin@example.com'],
    );
    assert.equal(v.globals.mail?.routerId, 'node1');
    assert.equal(v.instances[0]?.smtpAlert, false);
  });
});
