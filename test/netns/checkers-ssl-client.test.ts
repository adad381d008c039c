/**
 * SSL_GET with the top-level `SSL { certificate key }` block: a real server
 * that demands a client certificate (signed by the CA it trusts) sees halb's
 * and answers, so the check passes; without the block the handshake is
 * refused and the check fails.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { CheckerSupervisor } from '../../src/checkers/supervisor';
import type { Logger } from '../../src/core/log';
import { healthKey } from '../../src/lvs/health';
import { setupFromText, until } from '../rigs/checker-setup';
import { mustRun } from '../rigs/exec';
import { Lab } from '../rigs/netns-lab';
import { TOY_DIGEST } from '../rigs/toy-servers';

const MAIN = path.resolve(__dirname, '../../src/cli/main.js');
const TOYS = path.resolve(__dirname, '../rigs/toy-servers.js');
const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {}, detail: () => {} };

const selfSigned = (key: string, cert: string, cn: string): Promise<unknown> =>
  mustRun([
    'openssl',
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '1',
    '-subj',
    `/CN=${cn}`,
  ]);

const config = (web: string, ssl: string): string => `${ssl}virtual_server 192.0.2.100 443 {
  delay_loop 1
  retry 1
  delay_before_retry 1
  connect_timeout 2
  warmup 0
  real_server ${web} 443 {
    alpha
    SSL_GET {
      url {
        path /
        digest ${TOY_DIGEST}
      }
    }
  }
}
`;

describe('SSL_GET client certificate (SSL block)', () => {
  it('presents it to a server that demands one; without it the check fails', async () => {
    const lab = await Lab.create({ hosts: ['lb', 'web'] });
    const f = (n: string): string => path.join(lab.dir, n);
    try {
      await selfSigned(f('server.key'), f('server.pem'), 'web.example');
      await selfSigned(f('client.key'), f('client.pem'), 'halb-checker');
      const web = lab.host('web').ipv4;
      const server = lab.spawn('web', [
        process.execPath,
        TOYS,
        'mtls',
        web,
        '443',
        f('server.pem'),
        f('server.key'),
        f('client.pem'),
      ]);
      await server.waitFor('listening', 10000, 'the mTLS server');
      const key = healthKey('[192.0.2.100]:tcp:443', `[${web}]:tcp:443`);
      const run = async (ssl: string): Promise<{ up?: boolean; detail?: string }> => {
        const sup = new CheckerSupervisor({
          entry: ['ip', 'netns', 'exec', lab.host('lb').ns, process.execPath, MAIN],
          log: quiet,
        });
        try {
          sup.start(setupFromText(config(web, ssl)));
          await until('the check run', () => {
            const d = sup.table.get(key)?.detail;
            return d !== undefined && d !== 'not checked yet';
          });
          return { up: sup.table.get(key)?.up, detail: sup.table.get(key)?.detail };
        } finally {
          await sup.dispose();
        }
      };
      const withCert = await run(
        `SSL {\n  certificate ${f('client.pem')}\n  key ${f('client.key')}\n  ca ${f('server.pem')}\n}\n`,
      );
      assert.equal(withCert.up, true, withCert.detail);
      await server.waitFor('client halb-checker', 5000, 'the server saw the client certificate');
      const without = await run('');
      assert.equal(without.up, false);
      assert.match(without.detail ?? '', /TLS|socket|reset|hang up|certificate/i, without.detail);
    } finally {
      await lab.dispose();
    }
  });
});
