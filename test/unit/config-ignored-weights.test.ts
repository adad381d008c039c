/**
 * The tracking weights keepalived 2.2.7 ignores (config/ignored-weights.ts):
 * members of a sync group without sync_group_tracking_weight, address owners,
 * and a sync group's own weights when a member owns the address. The messages
 * were compared with `keepalived -t` on the same text.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { vrrpConfig, type Tracked } from '../../src/config/vrrp-config';
import { loadText } from '../rigs/config-text';

const CONF = (groupExtra: string, vi2Priority = 50) => `
vrrp_script chk {
  script "/bin/true"
  weight -20
}
track_file tf {
  file /tmp/halb-tf
}
track_file tf5 {
  file /tmp/halb-tf5
  weight 5
}
vrrp_sync_group G1 {
  group {
    VI_1
    VI_2
  }
  track_script {
    chk weight 10
  }
${groupExtra}}
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  priority 100
  track_script {
    chk
  }
  track_interface {
    eth1 weight 10
    eth2
  }
  track_file {
    tf
    tf5
  }
  track_process {
    p1 weight 5
  }
  virtual_ipaddress {
    192.0.2.1
  }
}
vrrp_instance VI_2 {
  interface eth0
  virtual_router_id 52
  priority ${vi2Priority}
  virtual_ipaddress {
    192.0.2.2
  }
}
vrrp_instance VI_3 {
  interface eth0
  virtual_router_id 53
  priority 255
  track_interface {
    eth1 weight 10
    eth2
  }
  track_script {
    chk
  }
  virtual_ipaddress {
    192.0.2.3
  }
}
vrrp_track_process p1 {
  process p1
}
`;

/** The 1-based line of the n-th line of text that is exactly `line` once trimmed. */
const lineOf = (text: string, line: string, nth = 0): number =>
  text
    .split('\n')
    .map((l, i) => [l.trim(), i + 1] as const)
    .filter(([l]) => l === line)[nth]![1];

const brief = (ts: readonly Tracked[]) => ts.map((t) => `${t.name}:${t.weight ?? 'own'}`);

describe('ignored tracking weights', () => {
  it('a sync group member: weighted interfaces and the default-weight file become unweighted, weighted scripts and files are dropped, processes kept', () => {
    const text = CONF('');
    const loaded = loadText(text);
    const vi1 = vrrpConfig(loaded.model).instances.find((i) => i.name === 'VI_1')!;
    assert.deepEqual(brief(vi1.trackInterfaces), ['eth1:0', 'eth2:own']);
    // The member's own chk is dropped; the group's chk (weight 10) is added as the group gives it.
    assert.deepEqual(brief(vi1.trackScripts), ['chk:10']);
    assert.deepEqual(brief(vi1.trackFiles), ['tf:0']);
    assert.deepEqual(brief(vi1.trackProcesses), ['p1:5']);
    const lines = loaded.diagnostics.map((d) => `${d.pos.line} ${d.severity} ${d.message}`);
    const about = (s: string) => lines.filter((l) => l.includes(s));
    assert.match(
      about('track_script chk (weight -20)')[0]!,
      new RegExp(
        `^${lineOf(text, 'chk')} warning .*vrrp_sync_group G1.*sync_group_tracking_weight`,
      ),
    );
    assert.match(
      about('track_interface eth1')[0]!,
      new RegExp(`^${lineOf(text, 'eth1 weight 10')} warning .*VI_1.*down means FAULT`),
    );
    assert.match(
      about('track_file tf ')[0]!,
      new RegExp(`^${lineOf(text, 'tf')} warning .*weight 0`),
    );
    assert.match(
      about('track_file tf5 (weight 5) is ignored')[0]!,
      new RegExp(`^${lineOf(text, 'tf5')} warning`),
    );
    assert.equal(about('p1').length, 0);
  });

  it('sync_group_tracking_weight keeps every weight', () => {
    const loaded = loadText(CONF('  sync_group_tracking_weight\n'));
    const vi1 = vrrpConfig(loaded.model).instances.find((i) => i.name === 'VI_1')!;
    assert.deepEqual(brief(vi1.trackInterfaces), ['eth1:10', 'eth2:own']);
    assert.deepEqual(brief(vi1.trackScripts), ['chk:own']);
    assert.deepEqual(brief(vi1.trackFiles), ['tf:own', 'tf5:own']);
    assert.equal(
      loaded.diagnostics.filter((d) => d.message.includes('is ignored, as keepalived')).length,
      2,
      "only VI_3's weighted interface and script: the address owner, outside the group",
    );
  });

  it('global_tracking is its deprecated spelling', () => {
    const loaded = loadText(CONF('  global_tracking\n'));
    const vi1 = vrrpConfig(loaded.model).instances.find((i) => i.name === 'VI_1')!;
    assert.deepEqual(brief(vi1.trackScripts), ['chk:own']);
  });

  it('an address owner stops tracking weighted interfaces and drops weighted scripts', () => {
    const text = CONF('');
    const loaded = loadText(text);
    const vi3 = vrrpConfig(loaded.model).instances.find((i) => i.name === 'VI_3')!;
    assert.deepEqual(brief(vi3.trackInterfaces), ['eth2:own']);
    assert.deepEqual(brief(vi3.trackScripts), []);
    assert.ok(
      loaded.diagnostics.some(
        (d) =>
          d.pos.line === lineOf(text, 'eth1 weight 10', 1) &&
          /VI_3: track_interface eth1 \(weight 10\) is ignored/.test(d.message),
      ),
    );
  });

  it("an address owner in the group makes the group's own weights 0", () => {
    const text = CONF('', 255);
    const loaded = loadText(text);
    const vi2 = vrrpConfig(loaded.model).instances.find((i) => i.name === 'VI_2')!;
    assert.deepEqual(brief(vi2.trackScripts), ['chk:0']);
    assert.ok(
      loaded.diagnostics.some(
        (d) =>
          d.pos.line === lineOf(text, 'chk weight 10') &&
          /G1: the weight of track_script chk is ignored.*member VI_2/.test(d.message),
      ),
    );
  });
});
