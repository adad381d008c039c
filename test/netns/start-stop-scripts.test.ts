/**
 * startup_script and shutdown_script with the real executable: the startup
 * script runs (and is waited for) before any instance starts; the shutdown
 * script runs after the instances stopped, when the VIP is already gone.
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Appliance, reach, until } from '../rigs/appliance';
import { Lab } from '../rigs/netns-lab';

describe('startup_script / shutdown_script', () => {
  let lab: Lab;
  after(async () => {
    await lab?.dispose();
  });

  it('the startup script runs before the instances, the shutdown script after the VIPs are gone', async () => {
    lab = await Lab.create({ hosts: ['a'] });
    const dir = lab.dir;
    const script = (name: string, body: string): string => {
      const f = path.join(dir, name);
      fs.writeFileSync(f, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
      return f;
    };
    const up = script('up.sh', `sleep 1; echo started > ${dir}/up.out`);
    const down = script('down.sh', `ip -o addr show dev eth0 > ${dir}/down.out`);
    const a = new Appliance(
      lab,
      'a',
      `global_defs {
    startup_script ${up}
    shutdown_script ${down}
    shutdown_script_timeout 5
}
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
    priority 255
    advert_int 1
    virtual_ipaddress {
        192.0.2.100/24
    }
}
`,
    );
    a.start();
    await reach([a], ['master'], 'the owner is master', 20000);
    assert.equal(fs.readFileSync(path.join(dir, 'up.out'), 'utf8').trim(), 'started');
    const out = a.proc!.output;
    const ran = out.indexOf(`Running startup script ${up}`);
    const first = out.indexOf('(VI_1) Entering');
    assert.ok(ran >= 0 && first > ran, `the script before the instance:\n${out}`);
    assert.ok((await a.addresses()).includes('192.0.2.100'));
    await a.proc!.kill('SIGTERM', 20000);
    const seen = await until(
      'the shutdown script ran',
      10000,
      async () =>
        fs.existsSync(path.join(dir, 'down.out'))
          ? fs.readFileSync(path.join(dir, 'down.out'), 'utf8')
          : '',
      (s) => s.includes('eth0'),
    );
    assert.ok(!seen.includes('192.0.2.100'), `the VIP was gone when it ran:\n${seen}`);
  });
});
