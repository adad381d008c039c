/** vrrp_strict as keepalived 2.2.7 applies it at load (its `keepalived -t` lines were the reference). */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { vrrpConfig } from '../../src/config/vrrp-config';
import { loadText } from '../rigs/config-text';

const load = (text: string): ReturnType<typeof loadText> => loadText(text);

const vi = (name: string, vrid: number, body: string): string =>
  `vrrp_instance ${name} {\n interface eth0\n virtual_router_id ${vrid}\n priority 100\n${body}\n}\n`;
const AUTH = ' authentication {\n  auth_type PASS\n  auth_pass secret\n }\n';
const VIP = ' virtual_ipaddress {\n  192.0.2.100/24\n }\n';

describe('vrrp_strict', () => {
  it('drops VRRPv2 authentication with a warning; without strict mode it stays', () => {
    const strict = load(`global_defs {\n vrrp_strict\n}\n${vi('VI_1', 51, AUTH + VIP)}`);
    const d = strict.diagnostics.find((x) => x.message.includes('Strict mode does not support'));
    assert.equal(d?.severity, 'warning');
    assert.equal(d?.pos.line, 9, 'at auth_type');
    assert.equal(vrrpConfig(strict.model).instances[0]?.auth, undefined);
    const plain = load(vi('VI_1', 51, AUTH + VIP));
    assert.deepEqual(vrrpConfig(plain.model).instances[0]?.auth, {
      type: 'PASS',
      password: 'secret',
    });
  });

  it('an instance without VIPs: an error in strict mode, a warning otherwise', () => {
    const find = (text: string) =>
      load(text).diagnostics.find((x) => x.message.includes('No VIP specified'));
    assert.equal(find(`global_defs {\n vrrp_strict\n}\n${vi('VI_4', 54, '')}`)?.severity, 'error');
    assert.equal(find(vi('VI_4', 54, ' strict_mode on'))?.severity, 'error');
    assert.equal(find(vi('VI_4', 54, ''))?.severity, 'warning');
    assert.equal(find(vi('VI_4', 54, VIP)), undefined);
  });

  it('resets a VRRPv2 accept with a warning and keeps a VRRPv3 one', () => {
    const r = load(
      `global_defs {\n vrrp_strict\n}\n${vi('VI_2', 52, ' accept\n' + VIP)}${vi('VI_3', 53, ' version 3\n accept\n' + VIP)}`,
    );
    const warned = r.diagnostics.filter((x) => x.message.includes('does not comply with RFC3768'));
    assert.equal(warned.length, 1);
    assert.match(warned[0]?.message ?? '', /VI_2/);
    assert.deepEqual(
      vrrpConfig(r.model).instances.map((i) => i.accept),
      [false, true],
    );
  });
});

describe('vrrp_iptables / vrrp_ipsets', () => {
  it("load with keepalived 2.2.7's warning: nftables is used instead", () => {
    const d = load('global_defs {\n vrrp_iptables\n vrrp_ipsets\n}\n').diagnostics;
    assert.deepEqual(
      d.map((x) => [
        x.severity,
        x.pos.line,
        x.message.startsWith('iptables not supported, using nftables instead'),
      ]),
      [
        ['warning', 2, true],
        ['warning', 3, true],
      ],
    );
  });
});
