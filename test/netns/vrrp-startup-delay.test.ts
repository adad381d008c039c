/**
 * vrrp_startup_delay on the lab, with the real executable: a backup whose
 * master is gone from the start takes over no sooner than the delay plus its
 * master-down interval after the daemon started (keepalived's "Delaying
 * startup for N seconds"), where without the delay it takes one master-down
 * interval (about 3.6 s at advert_int 1). Read from the daemon's own log
 * stamps (whole seconds): a loaded machine can only make it later.
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { Appliance, reach } from '../rigs/appliance';
import { Lab } from '../rigs/netns-lab';

const DELAY_S = 6;

const conf = `global_defs {
    vrrp_startup_delay ${DELAY_S}
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority 100
    advert_int 1
    virtual_ipaddress {
        192.0.2.100/24
    }
}
`;

/** Seconds of the day of the first log line that contains `text`. */
function stampOf(output: string, text: string): number {
  const line = output.split('\n').find((l) => l.includes(text));
  const m = line && / (\d\d):(\d\d):(\d\d) \d{4}: /.exec(line);
  assert.ok(m, `a log line with '${text}' in:\n${output}`);
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

describe('vrrp_startup_delay', () => {
  let lab: Lab;
  after(async () => {
    await lab?.dispose();
  });

  it('no takeover before the delay and one master-down interval have passed', async () => {
    lab = await Lab.create({ hosts: ['a'] });
    const a = new Appliance(lab, 'a', conf);
    a.start();
    await reach([a], ['master'], 'a master once the delay is over', 30000);
    const out = a.proc!.output;
    const from = stampOf(out, `Delaying startup for ${DELAY_S} seconds`);
    const master = stampOf(out, '(VI_1) Entering MASTER STATE');
    // delay + 3 x advert_int + skew = 9.6 s; the stamps are whole seconds.
    assert.ok(
      (master - from + 86400) % 86400 >= DELAY_S + 3,
      `MASTER ${master - from} s after the delay began`,
    );
    assert.ok((await a.addresses()).includes('192.0.2.100'));
  });
});
