/**
 * The interfaces an instance tracks, on the real executable and the kernel's
 * link events: a `track_interface` with a weight moves the priority while it
 * is down; the device of a VIP on another interface is tracked without a
 * line (FAULT while it is down, as keepalived's vrrp.c adds it), unless the
 * VIP says `no_track`.
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { Appliance, until } from '../rigs/appliance';
import { Lab } from '../rigs/netns-lab';

const inst = (n: number, body: string): string => `vrrp_instance VI_${n} {
    interface eth0
    virtual_router_id ${50 + n}
    priority 150
    advert_int 1
${body}}
`;

describe('tracked interfaces', () => {
  let lab: Lab | undefined;
  after(async () => {
    await lab?.dispose();
  });

  it("a track_interface weight, a VIP's device (FAULT), and no_track", async () => {
    lab = await Lab.create({ hosts: ['lb'] });
    for (const d of ['dum0', 'dum1']) await lab.addVeth('lb', d);
    const app = new Appliance(
      lab,
      'lb',
      inst(1, '    virtual_ipaddress {\n        192.0.2.150/24 dev dum0\n    }\n') +
        inst(
          2,
          '    track_interface {\n        dum1 weight -20\n    }\n    virtual_ipaddress {\n        192.0.2.151/24\n    }\n',
        ) +
        inst(3, '    virtual_ipaddress {\n        192.0.2.152/24 dev dum0 no_track\n    }\n'),
    );
    const proc = app.start();
    const states = async (): Promise<string> =>
      (await app.instances()).map((i) => `${i.name}:${i.state}:${i.effectivePriority}`).join(' ');
    await until('all MASTER', 20000, states, (s) =>
      /VI_1:master:150 VI_2:master:150 VI_3:master:150/.test(s),
    );
    await lab.exec('lb', ['ip', 'link', 'set', 'dum0', 'down']);
    await lab.exec('lb', ['ip', 'link', 'set', 'dum1', 'down']);
    assert.match(
      await until('dum0 and dum1 down taken in', 10000, states, (s) =>
        /VI_1:fault.*VI_2:master:130/.test(s),
      ),
      /VI_1:fault:150 VI_2:master:130 VI_3:master:150/,
    );
    assert.match(proc.output, /\(VI_1\) Entering FAULT STATE/);
    await lab.exec('lb', ['ip', 'link', 'set', 'dum0', 'up']);
    await lab.exec('lb', ['ip', 'link', 'set', 'dum1', 'up']);
    await until('back', 20000, states, (s) =>
      /VI_1:master:150 VI_2:master:150 VI_3:master:150/.test(s),
    );
  });
});
