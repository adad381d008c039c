/**
 * fwmark and bind_if on the checkers' sockets, on the real kernel: TCP_CHECK
 * and HTTP_GET with `fwmark 7` send packets that an nftables counter on
 * `meta mark 7` in the checker's namespace counts; `bind_if eth0` reaches a
 * real server by its link-local address (which needs an interface), for
 * TCP_CHECK and HTTP_GET; `bind_if` naming no interface fails the check with
 * keepalived's words.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { CheckerSupervisor } from '../../src/checkers/supervisor';
import type { Logger } from '../../src/core/log';
import { healthKey } from '../../src/lvs/health';
import { setupFromText, until } from '../rigs/checker-setup';
import { Lab } from '../rigs/netns-lab';
import { TOY_DIGEST } from '../rigs/toy-servers';

const MAIN = path.resolve(__dirname, '../../src/cli/main.js');
const TOYS = path.resolve(__dirname, '../rigs/toy-servers.js');
const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {}, detail: () => {} };

const MARK_COUNTER = `table inet marks {
  chain out {
    type filter hook output priority 0; policy accept;
    meta mark 7 counter
  }
}
`;

function config(web: string, ll: string): string {
  const timing =
    '  delay_loop 1\n  retry 1\n  delay_before_retry 1\n  connect_timeout 1\n  warmup 0\n';
  const url = `url {\n        path /\n        digest ${TOY_DIGEST}\n      }`;
  return `virtual_server 192.0.2.100 80 {
${timing}  real_server ${web} 8080 {
    TCP_CHECK {
      fwmark 7
    }
  }
  real_server ${web} 80 {
    HTTP_GET {
      fwmark 7
      ${url}
    }
  }
  real_server ${web} 8081 {
    alpha
    TCP_CHECK {
      connect_port 8080
      bind_if nosuch0
    }
  }
}
virtual_server 2001:db8::100 80 {
${timing}  real_server ${ll} 8080 {
    TCP_CHECK {
      bind_if eth0
    }
  }
  real_server ${ll} 80 {
    HTTP_GET {
      bind_if eth0
      ${url}
    }
  }
}
`;
}

describe('checker sockets: fwmark and bind_if', () => {
  it('marks the packets, reaches a link-local server through bind_if, fails on a missing interface', async () => {
    const lab = await Lab.create({ hosts: ['lb', 'web'] });
    const sup = new CheckerSupervisor({
      entry: ['ip', 'netns', 'exec', lab.host('lb').ns, process.execPath, MAIN],
      log: quiet,
    });
    try {
      const web = lab.host('web').ipv4;
      const ll = (
        await lab.exec('web', ['ip', '-6', '-o', 'addr', 'show', 'dev', 'eth0', 'scope', 'link'])
      ).stdout.match(/inet6 (fe80::[0-9a-f:]+)\//)?.[1];
      assert.ok(ll, 'the server has a link-local address');
      const loaded = await lab.exec('lb', ['nft', '-f', '-'], { input: MARK_COUNTER });
      assert.equal(loaded.code, 0, loaded.stderr);
      for (const [kind, port] of [
        ['tcp', '8080'],
        ['http', '80'],
      ] as const) {
        const p = lab.spawn('web', [process.execPath, TOYS, kind, '::', port]);
        await p.waitFor('listening', 10000, `the ${kind} server`);
      }
      sup.start(setupFromText(config(web, ll)));
      const VS4 = '[192.0.2.100]:tcp:80';
      const VS6 = '[2001:db8::100]:tcp:80';
      const up = [
        healthKey(VS4, `[${web}]:tcp:8080`),
        healthKey(VS4, `[${web}]:tcp:80`),
        healthKey(VS6, `[${ll}]:tcp:8080`),
        healthKey(VS6, `[${ll}]:tcp:80`),
      ];
      const noIf = healthKey(VS4, `[${web}]:tcp:8081`);
      const checked = (k: string): boolean =>
        (sup.table.get(k)?.detail ?? 'not checked yet') !== 'not checked yet';
      await until('every check run', () => [...up, noIf].every(checked)).catch((e: Error) =>
        assert.fail(
          `${e.message}\n${[...sup.table.values()].map((r) => `${r.server} ${r.detail}`).join('\n')}`,
        ),
      );
      for (const k of up)
        assert.equal(sup.table.get(k)?.up, true, `${k}: ${sup.table.get(k)?.detail}`);
      assert.deepEqual(
        [sup.table.get(noIf)?.up, sup.table.get(noIf)?.detail],
        [false, "Checker can't bind to device nosuch0: ENODEV"],
      );
      const counter = (await lab.exec('lb', ['nft', 'list', 'chain', 'inet', 'marks', 'out']))
        .stdout;
      const packets = Number(/counter packets (\d+)/.exec(counter)?.[1] ?? 0);
      assert.ok(packets >= 4, `marked packets from the two fwmark checks: ${counter}`);
    } finally {
      await sup.dispose();
      await lab.dispose();
    }
  });
});
