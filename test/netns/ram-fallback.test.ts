/**
 * Without its data partition the box runs on defaults in RAM (rcS sets
 * RUNTIME/data-volatile) and must never announce VIPs it was not configured
 * for: VRRP instances of a config nobody saved (no store header) do not start,
 * status and the front panel say why; once a config is saved (a store header),
 * a reload runs it.
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatGeneration } from '../../src/store/generation';
import { VOLATILE_FLAG } from '../../src/store/running-view';
import { Appliance, until } from '../rigs/appliance';
import { Lab } from '../rigs/netns-lab';

const CONF = `vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 61
    priority 150
    advert_int 1
    virtual_ipaddress {
        192.0.2.100/24
    }
}
`;

describe('RAM fallback (no data partition)', () => {
  let lab: Lab | undefined;
  after(async () => {
    await lab?.dispose();
  });

  it('runs no VRRP instance of an unsaved config, then the saved one after a reload', async () => {
    lab = await Lab.create({ hosts: ['box', 'watch'] });
    const box = new Appliance(lab, 'box', CONF);
    fs.mkdirSync(box.runtime, { recursive: true });
    fs.writeFileSync(path.join(box.runtime, VOLATILE_FLAG), '');
    const cap = await lab.capture('watch', 'ip proto 112');
    const proc = box.start();
    const st = await until(
      'the daemon to answer',
      20000,
      () => box.status(),
      (s) => !!s,
    );
    await proc.waitFor('data partition unavailable', 10000);
    assert.deepEqual(st?.instances, []);
    assert.equal(st?.configStore?.volatile, true);
    assert.equal(st?.led.pattern, 'config-error');
    // Long enough for a box that did announce to have become MASTER (3 x advert_int + skew).
    await until(
      '5 s of uptime',
      20000,
      () => box.status(),
      (s) => (s?.uptimeS ?? 0) >= 5,
    );
    assert.deepEqual((await box.status())?.instances, []);
    assert.ok(!(await box.addresses()).includes('192.0.2.100'));
    // What a user saves on the console carries the store's header: that one runs.
    fs.writeFileSync(
      box.conf,
      formatGeneration({
        generation: 1,
        body: CONF,
        savedAt: new Date().toISOString(),
        reason: 'test',
      }),
    );
    const reloadAt = Date.now() / 1000;
    process.kill(proc.pid as number, 'SIGHUP');
    await until(
      'VI_1 to become MASTER',
      20000,
      () => box.state(),
      (s) => s === 'master',
    );
    assert.ok((await box.addresses()).includes('192.0.2.100'));
    const packets = (await cap.stop()).filter((p) => 'vrrp' in p);
    assert.ok(packets.length > 0, 'the saved config announces');
    const times = packets.map((p) =>
      Number((p.frame as Record<string, string>)['frame.time_epoch']),
    );
    assert.ok(
      times.every((t) => t >= reloadAt),
      'no advert before the saved config was loaded',
    );
  });
});
