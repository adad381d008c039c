/**
 * net_namespace with the real executable: started in one lab namespace, the
 * daemon moves into another (the one named in the config, as `ip netns add`
 * made it) before it opens anything: same PID, its checker process there too,
 * the instance MASTER with its VIP in that namespace and not in the one it
 * was started in. As keepalived, the namespace's name puts the pid file in
 * RUNSTATEDIR/keepalived/ (HALB_RUNSTATEDIR: the lab's directory, not the
 * host's /run) and into the log ident.
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Appliance, until } from '../rigs/appliance';
import { Lab } from '../rigs/netns-lab';
import { masterInstance } from '../rigs/vrrp-conf';

describe('net_namespace', () => {
  let lab: Lab | undefined;
  const runStateDir = process.env.HALB_RUNSTATEDIR;
  after(async () => {
    if (runStateDir === undefined) delete process.env.HALB_RUNSTATEDIR;
    else process.env.HALB_RUNSTATEDIR = runStateDir;
    await lab?.dispose();
  });

  it('the daemon and its checker process run in the named namespace', async () => {
    lab = await Lab.create({ hosts: ['a', 'x'] });
    const target = lab.host('a').ns;
    const app = new Appliance(
      lab,
      'x',
      `net_namespace ${target}
${masterInstance()}virtual_server 192.0.2.100 80 {
    delay_loop 5
    real_server 192.0.2.11 80 {
        TCP_CHECK {
            connect_timeout 1
        }
    }
}
`,
    );
    process.env.HALB_RUNSTATEDIR = path.join(lab.dir, 'run');
    const proc = app.start();
    await proc.waitFor(`Entering network namespace ${target}`, 10000);
    await proc.waitFor(`Running in network namespace ${target}`, 10000);
    await until(
      'MASTER',
      15000,
      () => app.state(),
      (s) => s === 'master',
    );
    const pid = proc.pid as number;
    const nsOf = (p: number | string): number => fs.statSync(String(p)).ino;
    assert.equal(
      nsOf(`/proc/${pid}/ns/net`),
      nsOf(`/var/run/netns/${target}`),
      'the same PID, moved',
    );
    const checker = Number(
      (await proc.waitFor(/Starting Healthcheck child process, pid=(\d+)/, 10000))[1],
    );
    assert.equal(nsOf(`/proc/${checker}/ns/net`), nsOf(`/var/run/netns/${target}`));
    const vip = async (host: string): Promise<boolean> =>
      (await lab!.exec(host, ['ip', '-o', '-4', 'addr', 'show', 'dev', 'eth0'])).stdout.includes(
        '192.0.2.100/',
      );
    await until(
      'the VIP in the named namespace',
      10000,
      () => vip('a'),
      (v) => v,
    );
    assert.equal(await vip('x'), false, 'not where it was started');
    assert.equal(
      fs.readFileSync(path.join(lab.dir, 'run', 'keepalived', 'keepalived.pid'), 'utf8'),
      `${pid}\n`,
    );
    assert.match(proc.output, new RegExp(`Changing syslog ident to halb_${target}`));
  });
});
