/**
 * A vrrp_script before its first result, on the lab with the real executable,
 * as keepalived 2.2.7 has it (vrrp_track.c, vrrp_scheduler.c): an instance
 * tracking it with weight 0 stays in INIT until the script reports, and the
 * first result decides whatever `fall` says; a weighted script moves nothing
 * until then. The script here fails after a second with `fall 3` and
 * `interval 5`: a daemon that took it for up until three failures would run
 * VI_1 as BACKUP and then MASTER for about ten seconds, and VI_2 at priority
 * 150. VI_3 has no script but shares a sync group with VI_1: it waits with
 * it (keepalived's num_member_init), then follows it into FAULT.
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { Appliance, until } from '../rigs/appliance';
import { Lab } from '../rigs/netns-lab';

const conf = `vrrp_script chk {
    script "/bin/sh -c 'sleep 1; exit 1'"
    interval 5
    fall 3
    rise 3
}
vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 150
    advert_int 1
    virtual_ipaddress {
        192.0.2.100/24
    }
    track_script {
        chk
    }
}
vrrp_instance VI_2 {
    state BACKUP
    interface eth0
    virtual_router_id 52
    priority 100
    advert_int 1
    virtual_ipaddress {
        192.0.2.102/24
    }
    track_script {
        chk weight 50
    }
}
vrrp_instance VI_3 {
    state BACKUP
    interface eth0
    virtual_router_id 53
    priority 100
    advert_int 1
    virtual_ipaddress {
        192.0.2.103/24
    }
}
vrrp_sync_group G {
    group {
        VI_1
        VI_3
    }
}
`;

describe('vrrp_script before its first result', () => {
  let lab: Lab;
  after(async () => {
    await lab?.dispose();
  });

  it('holds a weight-0 tracker in INIT, then FAULT on the first failure; a weight moves nothing', async () => {
    lab = await Lab.create({ hosts: ['a'] });
    const a = new Appliance(lab, 'a', conf);
    a.start();
    const states = async (): Promise<string> =>
      (await a.instances()).map((i) => `${i.name}:${i.state}:${i.effectivePriority}`).join();
    // VI_2 becomes MASTER alone after one master-down interval (~3.6 s), before the second run.
    await until('VI_1 FAULT, VI_2 MASTER at 100', 20000, states, (x) =>
      /VI_1:fault:.*VI_2:master:100.*VI_3:fault/.test(x),
    );
    const out = a.proc!.output;
    const waiting = out.indexOf('(VI_1) waiting for the first result of script chk');
    const fault = out.indexOf('(VI_1) Entering FAULT STATE');
    assert.ok(waiting >= 0 && fault > waiting, out);
    assert.doesNotMatch(out, /\(VI_1\) Entering (BACKUP|MASTER) STATE/);
    assert.match(out, /\(VI_3\) waiting for the first result of script chk \(VI_1, sync group G\)/);
    assert.doesNotMatch(out, /\(VI_3\) Entering (BACKUP|MASTER) STATE/);
    assert.doesNotMatch(out, /\(VI_2\) Changing effective priority/);
    assert.ok(!(await a.addresses()).includes('192.0.2.100'));
  });
});
