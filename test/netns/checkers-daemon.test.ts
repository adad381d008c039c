/**
 * The checkers inside the appliance (the real executable, `halb run`): the
 * daemon starts `halb checkers` as its own child process, its keepalived
 * lines reach the daemon's log, `halb status` shows each real server's
 * health, a killed checker process is started again while VRRP stays MASTER,
 * a server that goes down writes keepalived's RS / VS lines to
 * lvs_notify_fifo, and a reload that removes the virtual server empties the
 * table. quorum_up / quorum_down run when the quorum goes and comes back, and
 * omega runs the real servers' notify_down and quorum_down at stop.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Appliance, until } from '../rigs/appliance';
import { Lab } from '../rigs/netns-lab';

const TOYS = path.resolve(__dirname, '../rigs/toy-servers.js');

const vrrp = `vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
    priority 255
    advert_int 1
    virtual_ipaddress {
        192.0.2.100/24
    }
}
`;

const globals = (fifo: string) => `global_defs {
    lvs_notify_fifo ${fifo}
}
`;

const lvs = (web: string) => `virtual_server 192.0.2.100 80 {
    delay_loop 1
    warmup 0
    retry 1
    delay_before_retry 1
    connect_timeout 1
    real_server ${web} 8080 {
        TCP_CHECK {
        }
    }
}
`;

describe('checkers in the appliance', () => {
  it('run in their own process, show in halb status, survive a kill, follow a reload', async () => {
    const lab = await Lab.create({ hosts: ['lb', 'web'] });
    try {
      const web = lab.host('web');
      const server = lab.spawn('web', [process.execPath, TOYS, 'tcp', web.ipv4, '8080']);
      await server.waitFor('listening', 10000, 'the web server');
      const fifoPath = path.join(lab.dir, 'lvs.fifo');
      const app = new Appliance(lab, 'lb', globals(fifoPath) + vrrp + lvs(web.ipv4));
      const proc = app.start();
      const started = await proc.waitFor(
        /Starting Healthcheck child process, pid=(\d+)/,
        20000,
        'the checker child',
      );
      const childPid = Number(started[1]);
      const fifo = fs.openSync(fifoPath, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
      let fifoText = '';
      const readFifo = (): string => {
        const buf = Buffer.alloc(4096);
        try {
          for (let n; (n = fs.readSync(fifo, buf)) > 0;) fifoText += buf.subarray(0, n).toString();
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
        }
        return fifoText;
      };
      assert.notEqual(childPid, proc.pid, 'checks run in another process than VRRP');
      await proc.waitFor(
        `halb_healthcheckers: TCP connection to [${web.ipv4}]:tcp:8080 success.`,
        20000,
        'the first check, in the daemon log',
      );
      const rsUp = await until(
        'the real server up in halb status',
        20000,
        () => app.status(),
        (s) => s?.realServers?.[0]?.up === true && s.realServers[0].detail === 'connected',
      );
      assert.deepEqual(
        rsUp?.realServers?.map((r) => [r.service, r.server]),
        [['[192.0.2.100]:tcp:80', `[${web.ipv4}]:tcp:8080`]],
      );
      await until(
        'MASTER',
        20000,
        () => app.state(),
        (s) => s === 'master',
      );

      process.kill(childPid, 'SIGKILL');
      await proc.waitFor(`Healthcheck child process(${childPid}) died`, 10000, 'the death noticed');
      const again = await proc.waitFor(
        /Starting Healthcheck child process, pid=(\d+)/,
        20000,
        'a new checker child',
      );
      assert.notEqual(Number(again[1]), childPid);
      assert.equal(await app.state(), 'master', 'VRRP did not notice');

      assert.equal((await app.status())?.led.pattern, 'master', 'all servers up: green');
      await server.kill('SIGTERM');
      const down = await until(
        'the real server down',
        20000,
        () => app.status(),
        (s) => s?.realServers?.[0]?.up === false,
      );
      assert.equal(down?.led.pattern, 'degraded', 'a real server down: amber on the front panel');
      await proc.waitFor(
        `Removing service [${web.ipv4}]:tcp:8080 from VS [192.0.2.100]:tcp:80`,
        10000,
        'the removal line',
      );
      assert.equal(
        await until(
          'the RS and VS lines on lvs_notify_fifo',
          10000,
          async () => readFifo(),
          (t) => t.includes(' DOWN\nVS '),
        ),
        `VS [192.0.2.100]:tcp:80 UP\nRS [${web.ipv4}]:tcp:8080 [192.0.2.100]:tcp:80 DOWN\nVS [192.0.2.100]:tcp:80 DOWN\n`,
        'at start the quorum (keepalived: Starting with quorum up); on the way down the server, then its virtual server (quorum 1 lost)',
      );
      fs.closeSync(fifo);

      fs.writeFileSync(app.conf, vrrp);
      process.kill(proc.pid as number, 'SIGHUP');
      await until(
        'the table empty after the reload',
        20000,
        () => app.status(),
        (s) => s?.realServers?.length === 0,
      );
      assert.equal(await app.state(), 'master');
      assert.equal((await app.status())?.led.pattern, 'master', 'no real server left: green again');
    } finally {
      await lab.dispose();
    }
  });

  it("rs_init_notifies: a real server that starts up runs notify_up and gets its FIFO line; alpha's does not", async () => {
    const lab = await Lab.create({ hosts: ['lb', 'web'] });
    try {
      const web = lab.host('web');
      const server = lab.spawn('web', [process.execPath, TOYS, 'tcp', web.ipv4, '8080']);
      await server.waitFor('listening', 10000, 'the web server');
      const marks = path.join(lab.dir, 'marks');
      const script = path.join(lab.dir, 'mark.sh');
      fs.writeFileSync(script, `#!/bin/sh\necho "$*" >> ${marks}\n`, { mode: 0o755 });
      const fifoPath = path.join(lab.dir, 'lvs.fifo');
      const conf = lvs(web.ipv4)
        .replace('TCP_CHECK {', `notify_up "${script} rs-up"\n        TCP_CHECK {`)
        .replace(
          '}\n}\n',
          `}\n    real_server ${web.ipv4} 8081 {\n        alpha\n        notify_up "${script} alpha-up"\n        TCP_CHECK {\n        }\n    }\n}\n`,
        );
      const app = new Appliance(
        lab,
        'lb',
        globals(fifoPath).replace('{', '{\n    rs_init_notifies') + vrrp + conf,
      );
      const fifo = () => fs.openSync(fifoPath, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
      const proc = app.start();
      await proc.waitFor('Starting Healthcheck child process', 20000, 'the checker child');
      const fd = await until(
        'the FIFO made',
        10000,
        async () => {
          try {
            return fifo();
          } catch {
            return undefined;
          }
        },
        (f) => f !== undefined,
      );
      let text = '';
      const read = async (): Promise<string> => {
        const buf = Buffer.alloc(4096);
        try {
          for (let n; (n = fs.readSync(fd as number, buf)) > 0;)
            text += buf.subarray(0, n).toString();
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
        }
        return text;
      };
      await until('the RS UP line', 10000, read, (t) =>
        t.includes(`RS [${web.ipv4}]:tcp:8080 [192.0.2.100]:tcp:80 UP\n`),
      );
      await until(
        'notify_up ran',
        10000,
        async () => (fs.existsSync(marks) ? fs.readFileSync(marks, 'utf8') : ''),
        (t) => t.includes('rs-up'),
      );
      // The alpha server starts down (8081 refuses): neither its script nor a line.
      await until(
        'its first check',
        20000,
        () => app.status(),
        (st) =>
          st?.realServers?.some(
            (r) => r.server.endsWith(':8081') && r.detail !== 'not checked yet',
          ) === true,
      );
      assert.equal(fs.readFileSync(marks, 'utf8'), 'rs-up\n', 'once, and not for the alpha server');
      assert.doesNotMatch(await read(), /8081.*UP/);
      fs.closeSync(fd as number);
    } finally {
      await lab.dispose();
    }
  });

  it("runs quorum_down / quorum_up as the quorum goes and comes, and omega's scripts at stop", async () => {
    const lab = await Lab.create({ hosts: ['lb', 'web'] });
    try {
      const web = lab.host('web');
      const start = () => lab.spawn('web', [process.execPath, TOYS, 'tcp', web.ipv4, '8080']);
      let server = start();
      await server.waitFor('listening', 10000, 'the web server');
      const marks = path.join(lab.dir, 'marks');
      const script = path.join(lab.dir, 'mark.sh');
      fs.writeFileSync(script, `#!/bin/sh\necho "$*" >> ${marks}\n`, { mode: 0o755 });
      const read = async (): Promise<string> =>
        fs.existsSync(marks) ? fs.readFileSync(marks, 'utf8') : '';
      const conf = lvs(web.ipv4)
        .replace(
          'delay_loop 1',
          `delay_loop 1\n    omega\n    quorum_up "${script} up"\n    quorum_down "${script} down"`,
        )
        .replace('TCP_CHECK {', `notify_down "${script} rs-down"\n        TCP_CHECK {`);
      const app = new Appliance(lab, 'lb', vrrp + conf);
      const proc = app.start();
      await proc.waitFor('TCP connection to', 20000, 'the first check');
      await server.kill('SIGTERM');
      // Each event's scripts are processes of their own (the server's notify_down in the
      // checker process, quorum_down in the daemon): within an event, either may write first.
      const events = (t: string): string[] => {
        const l = t.trim().split('\n');
        return [
          l[0] ?? '',
          [l[1], l[2]].sort().join('+'),
          l[3] ?? '',
          [l[4], l[5]].sort().join('+'),
        ];
      };
      const down = await until('quorum_down', 20000, read, (t) => t.trim().split('\n').length >= 3);
      assert.deepEqual(
        events(down).slice(0, 2),
        ['up', 'down+rs-down'],
        "quorum_up at start (Starting with quorum up), then the server's notify_down and quorum_down",
      );
      server = start();
      await server.waitFor('listening', 10000, 'the web server again');
      await until('quorum_up', 20000, read, (t) => t.trim().split('\n').length >= 4);
      await until(
        'the real server up in halb status',
        20000,
        () => app.status(),
        (s) => s?.realServers?.[0]?.up === true,
      );
      await proc.kill('SIGTERM', 10000);
      const all = await until('omega at stop', 5000, read, (t) => t.trim().split('\n').length >= 6);
      assert.deepEqual(events(all), ['up', 'down+rs-down', 'up', 'down+rs-down']);
    } finally {
      await lab.dispose();
    }
  });
});
