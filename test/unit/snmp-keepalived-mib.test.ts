/** KEEPALIVED-MIB bindings: the columns, types and indexes keepalived 2.2.7 serves (the walk itself: netns snmp-mibs). */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  commandText,
  globalBindings,
  type KaGlobals,
  type KaInstanceRow,
  scopeCode,
  vrrpBindings,
} from '../../src/snmp/keepalived-mib';
import type { VarBind } from '../../src/snmp/agentx-pdu';

const show = (vbs: VarBind[]): string[] =>
  vbs.map((v) => {
    const val = v.value;
    const shown =
      val.type === 'octets'
        ? `"${val.value.toString('latin1')}"`
        : 'value' in val
          ? String(val.value)
          : val.type;
    return `${v.oid.slice(9).join('.')} ${val.type} ${shown}`;
  });

const GLOBALS: KaGlobals = {
  version: 'halb test',
  routerId: 'lb1',
  smtpServer: undefined,
  smtpTimeoutS: 0,
  emailFrom: undefined,
  emails: [],
  noEmailFaults: false,
  smtpAlert: undefined,
  smtpAlertVrrp: true,
  smtpAlertChecker: false,
  traps: false,
  linkbeatPolling: false,
  lvsFlush: false,
  lvsFlushOnStop: 'vs',
  netNamespace: '',
  dynamicInterfaces: false,
};

const ROW: KaInstanceRow = {
  name: 'VI_1',
  vrid: 51,
  state: 'master',
  initialState: 'backup',
  wantedState: 'master',
  basePriority: 100,
  effectivePriority: 90,
  vipsSet: true,
  interface: 'eth0',
  tracksInterfaces: false,
  version: 2,
  advertIntervalCs: 300,
  preempt: true,
  preemptDelayS: 0,
  authType: 1,
  lvsSyncInterface: undefined,
  syncGroup: undefined,
  garpDelayS: 5,
  smtpAlert: false,
  notifyExec: false,
  scripts: {},
  accept: true,
  promoteSecondaries: false,
  linkbeat: false,
  notifyDeleted: false,
  multicast: '224.0.0.18',
  addresses: [
    {
      family: 4,
      address: '192.0.2.1',
      broadcast: undefined,
      prefix: 24,
      scope: 14,
      ifIndex: 2,
      ifName: 'eth0',
      label: undefined,
      set: true,
      advertised: true,
      peer: undefined,
    },
  ],
  trackedInterfaces: [{ name: 'eth1', weight: -20, reverse: false }],
  trackedScripts: [],
};

describe('KEEPALIVED-MIB', () => {
  it('quotes commands as cmd_str_r does', () => {
    assert.equal(commandText(['/usr/bin/echo', 'a b']), "'/usr/bin/echo' 'a b'");
    assert.equal(commandText(['>/tmp/x']), '>/tmp/x');
  });
  it('maps scopes to InetScopeType', () => {
    assert.deepEqual(
      [undefined, 'global', 'host', 'link', 'site', '254', 'nowhere'].map(scopeCode),
      [14, 14, 1, 2, 5, 1, 0],
    );
  });
  it('serves the globals: unset smtp_alert is 3, no server reads as 4 zero bytes', () => {
    const g = show(globalBindings(GLOBALS));
    assert.ok(g.includes('1.2.0 octets "lb1"'));
    assert.ok(g.includes('1.3.1.0 integer 2'));
    assert.ok(g.includes('1.3.8.0 integer 3') && g.includes('1.3.9.0 integer 1'));
    assert.ok(g.includes('1.11.0 integer 3'), 'lvs_flush_on_stop VS');
    assert.ok(!g.some((l) => l.startsWith('1.3.4.0')), 'no emailFrom without one');
  });
  it('serves an instance: v2 interval in seconds, no accept for v2, the address under (instance, address)', () => {
    const v = show(vrrpBindings([], [ROW]));
    assert.ok(v.includes('2.3.1.12.1 gauge32 3'));
    assert.ok(v.includes('2.3.1.27.1 integer 0'), 'accept is 0 for VRRPv2');
    assert.ok(v.includes('2.3.1.15.1 integer 1'), 'PASS');
    assert.ok(v.includes('2.3.1.8.1 integer 90'));
    assert.ok(v.includes('2.6.1.4.1.1 octets "\0\0\0\0"'), 'broadcast 0.0.0.0 when none');
    assert.ok(v.includes('2.6.1.5.1.1 gauge32 24'));
    assert.ok(!v.some((l) => l.startsWith('2.3.1.17.')), 'no LVS sync interface');
    assert.ok(v.includes('2.4.1.1.1.1 octets "eth1"'), 'tracked interfaces: the name is column 1');
    assert.ok(v.includes('2.4.1.2.1.1 integer -20'));
    const v3 = show(vrrpBindings([], [{ ...ROW, version: 3, advertIntervalCs: 50 }]));
    assert.ok(v3.includes('2.3.1.12.1 gauge32 50') && v3.includes('2.3.1.27.1 integer 1'));
  });
});
