/** The IPVS config as the reconciler and checkers see it: keepalived's inheritance and defaults. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadConfig } from '../../src/config/load';
import { lvsConfig } from '../../src/config/lvs-config';
import { preprocessSource } from '../../src/config/preprocess';
import { ROOT } from '../../src/config/schema/root';
import { parseTree } from '../../src/config/tree';
import { resolve } from '../../src/config/validate';

const SAMPLES = path.resolve(__dirname, '../../../../shared/corpus/keepalived-samples');
const fromText = (text: string) =>
  lvsConfig(
    resolve(parseTree(preprocessSource('/t.conf', text, { configId: 'x' }).lines).statements, ROOT)
      .model,
  );

describe('lvs config', () => {
  it("a real server without a weight takes its virtual server's (keepalived's check_data.c)", () => {
    const c = fromText(
      'virtual_server 192.0.2.100 80 {\n  weight 7\n  real_server 192.0.2.21 80 {\n  }\n  real_server 192.0.2.22 80 {\n    weight 2\n  }\n}\nvirtual_server 192.0.2.101 80 {\n  real_server 192.0.2.21 80 {\n  }\n}\n',
    );
    assert.deepEqual(
      c.virtualServers.map((vs) => vs.realServers.map((rs) => rs.weight)),
      [[7, 2], [1]],
    );
  });

  it("reads keepalived's sample: service, sorry server, HTTP_GET with its url", () => {
    const c = lvsConfig(loadConfig(path.join(SAMPLES, 'keepalived.conf.sample')).model);
    const vs = c.virtualServers[0]!;
    assert.deepEqual(vs.key, { kind: 'address', address: '10.10.10.2', port: 1358 });
    assert.deepEqual(
      [vs.scheduler, vs.forwarding, vs.protocol, vs.persistenceTimeoutS, vs.delayLoopS],
      ['rr', 'NAT', 'TCP', 50, 6],
    );
    assert.deepEqual(vs.sorryServer, { address: '192.168.200.200', port: 1358 });
    const rs = vs.realServers[0]!;
    assert.deepEqual([rs.address, rs.port, rs.weight], ['192.168.200.2', 1358, 1]);
    const http = rs.checkers[0]!;
    assert.equal(http.type, 'HTTP_GET');
    assert.deepEqual(
      [http.connectTimeoutS, http.retry, http.delayBeforeRetryS, http.delayLoopS, http.warmupS],
      [3, 3, 3, 6, 6],
    );
    assert.deepEqual(http.options.url, [
      { path: '/testurl3/test.jsp', digest: ['640205b7b0fc66c1ea91c463fac6334d'] },
    ]);
  });

  it('inherits timings checker <- real_server <- virtual_server <- default, per checker type', () => {
    const c = fromText(`virtual_server fwmark 7 {
  connect_timeout 2
  inhibit_on_failure
  real_server 192.0.2.20 80 {
    delay_loop 4
    TCP_CHECK {
      connect_port 8080
    }
    MISC_CHECK {
      misc_path "/bin/check 192.0.2.20"
    }
    HTTP_GET {
      nb_get_retry 4
      url {
        path /
        status_code 200
      }
    }
  }
}
virtual_server 198.51.100.1 443 {
  persistence_granularity 255.255.255.0
  lb_kind TUN type gue port 6080
  protocol udp
  real_server 203.0.113.1 443 {
    weight 0
    inhibit_on_failure false
  }
}
`);
    const [fw, tun] = c.virtualServers;
    assert.deepEqual(fw!.key, { kind: 'fwmark', mark: 7 });
    assert.deepEqual(
      [fw!.scheduler, fw!.forwarding, fw!.quorum, fw!.hysteresis, fw!.delayLoopS],
      ['wlc', 'NAT', 1, 0, 60],
    );
    const [tcp, misc, http] = fw!.realServers[0]!.checkers;
    assert.deepEqual(
      [
        tcp!.type,
        tcp!.connectPort,
        tcp!.connectTimeoutS,
        tcp!.retry,
        tcp!.delayBeforeRetryS,
        tcp!.delayLoopS,
        tcp!.warmupS,
      ],
      ['TCP_CHECK', 8080, 2, 1, 1, 4, 4],
    );
    assert.deepEqual([misc!.type, misc!.retry], ['MISC_CHECK', 0]);
    assert.deepEqual(misc!.options.misc_path, ['/bin/check 192.0.2.20']);
    assert.deepEqual([http!.type, http!.retry, http!.delayBeforeRetryS], ['HTTP_GET', 4, 3]);
    assert.equal(fw!.realServers[0]!.inhibitOnFailure, true, 'inherited from the virtual server');
    assert.deepEqual(
      [tun!.forwarding, tun!.forwardingOptions, tun!.protocol, tun!.persistenceTimeoutS],
      ['TUN', ['type', 'gue', 'port', '6080'], 'UDP', 360],
    );
    assert.deepEqual(
      [tun!.realServers[0]!.weight, tun!.realServers[0]!.inhibitOnFailure],
      [0, false],
    );
  });

  it("SMTP_CHECK's deprecated host blocks: one checker each; the first replaces the real server unless the block connects itself", () => {
    const smtp = (own: string) =>
      fromText(
        `virtual_server 192.0.2.100 25 {\n  real_server 192.0.2.21 25 {\n    SMTP_CHECK {\n      helo_name box.example\n${own}      host {\n        connect_ip 192.0.2.31\n        connect_port 2525\n        retry 4\n      }\n      host {\n        connect_ip 192.0.2.32\n        connect_timeout 3\n      }\n    }\n  }\n}\n`,
      ).virtualServers[0]!.realServers[0]!.checkers.map((c) => ({
        ip: c.connectIp,
        port: c.connectPort,
        timeout: c.connectTimeoutS,
        retry: c.retry,
        helo: c.options.helo_name,
        host: c.options.host,
      }));
    const h = (ip: string | undefined, port: number | undefined, timeout: number) => ({
      ip,
      port,
      timeout,
      retry: 4,
      helo: 'box.example',
      host: undefined,
    });
    // A host's retry is the SMTP_CHECK's (keepalived sets it on the one checker there).
    assert.deepEqual(smtp(''), [h('192.0.2.31', 2525, 5), h('192.0.2.32', undefined, 3)]);
    assert.deepEqual(smtp('      connect_timeout 2\n'), [
      h(undefined, undefined, 2),
      h('192.0.2.31', 2525, 5),
      h('192.0.2.32', undefined, 3),
    ]);
  });

  it('keeps virtual_server_group entries by name', () => {
    const c = lvsConfig(
      loadConfig(path.join(SAMPLES, 'keepalived.conf.virtual_server_group')).model,
    );
    assert.deepEqual(c.groups.VSG_1?.[0], ['10.0.0.1', '8080']);
    assert.deepEqual(c.virtualServers[0]!.key, { kind: 'group', group: 'VSG_1' });
  });
});
