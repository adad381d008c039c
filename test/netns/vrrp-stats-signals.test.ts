/**
 * The signals keepalived users send, with the real executable: SIGUSR2 writes
 * $TMPDIR/keepalived.stats in keepalived 2.2.7's words (compared with the file
 * keepalived writes for the same config, the advert counts aside: they count
 * time), SIGUSR1 writes $TMPDIR/keepalived.data; neither stops anything (by
 * default either would have killed the daemon or opened Node's inspector).
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Appliance, until } from '../rigs/appliance';
import { KeepalivedPeer } from '../rigs/keepalived-peer';
import { Lab } from '../rigs/netns-lab';
import { masterInstance } from '../rigs/vrrp-conf';

const CONF = `${masterInstance()}vrrp_instance VI_2 {
    interface eth0
    virtual_router_id 52
    priority 100
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass secret
    }
    virtual_ipaddress {
        192.0.2.101/24
    }
}
`;

/** The advert counts depend on how long each ran. */
const timeless = (s: string): string =>
  s.replace(/(Advertisements:\n\s+Received: )\d+(\n\s+Sent: )\d+/g, '$1N$2N');

describe('keepalived.stats and keepalived.data', () => {
  let lab: Lab;
  const tmp = process.env.TMPDIR;
  after(async () => {
    if (tmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmp;
    await lab?.dispose();
  });

  it('SIGUSR2 writes the statistics as keepalived does; SIGUSR1 the data; both keep running', async () => {
    lab = await Lab.create({ hosts: ['a'] });
    const kaDir = path.join(lab.dir, 'ka-tmp');
    const hbDir = path.join(lab.dir, 'hb-tmp');
    fs.mkdirSync(kaDir);
    fs.mkdirSync(hbDir);
    const read = (dir: string, name: string) => async (): Promise<string> => {
      try {
        return fs.readFileSync(path.join(dir, name), 'utf8');
      } catch {
        return '';
      }
    };

    process.env.TMPDIR = kaDir;
    const ka = new KeepalivedPeer(lab, 'a', CONF);
    ka.start();
    const bothMaster = (states: () => Promise<string[]>, who: string) =>
      until(
        `${who}: both MASTER`,
        20000,
        async () => (await states()).join(),
        (s) => s === 'master,master',
      );
    await bothMaster(async () => [...ka.states().values()], 'keepalived');
    process.kill(ka.proc!.pid!, 'SIGUSR2');
    const kaStats = await until('keepalived.stats', 10000, read(kaDir, 'keepalived.stats'), (t) =>
      t.includes('VRRP Instance: VI_2'),
    );
    await ka.kill('SIGTERM');

    process.env.TMPDIR = hbDir;
    const hb = new Appliance(lab, 'a', CONF);
    hb.start();
    await bothMaster(async () => (await hb.instances()).map((i) => i.state), 'halb');
    process.kill(hb.proc!.pid!, 'SIGUSR2');
    const hbStats = await until('keepalived.stats', 10000, read(hbDir, 'keepalived.stats'), (t) =>
      t.includes('VRRP Instance: VI_2'),
    );
    assert.match(hbStats, /Sent: [1-9]/);
    assert.equal(timeless(hbStats), timeless(kaStats));

    process.kill(hb.proc!.pid!, 'SIGUSR1');
    const data = await until('keepalived.data', 10000, read(hbDir, 'keepalived.data'), (t) =>
      t.includes('VI_2'),
    );
    assert.match(data, /VI_1/);
    await hb.proc!.waitFor('Printing VRRP data for process', 5000);
    assert.ok(hb.proc!.running, 'still running after SIGUSR1 and SIGUSR2');
    assert.deepEqual(
      (await hb.instances()).map((i) => i.state),
      ['master', 'master'],
    );
  });
});
