/** bind_if / fwmark at load: a link-local address needs bind_if (keepalived's error); UDP-based checkers warn. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { targetOf } from '../../src/checkers/target';
import { lvsConfig } from '../../src/config/lvs-config';
import { loadText } from '../rigs/config-text';

const load = (text: string): ReturnType<typeof loadText> => loadText(text);

const vs = (rs: string, checker: string): string =>
  `virtual_server 2001:db8::100 80 {\n  protocol TCP\n  real_server ${rs} 80 {\n    ${checker}\n  }\n}\n`;

describe('checker socket options', () => {
  it('a link-local real server without bind_if is an error; with it the target carries it', () => {
    const bad = load(vs('fe80::1', 'TCP_CHECK {\n    }'));
    const e = bad.diagnostics.find((d) => d.message.includes('requires a bind_if'));
    assert.equal(e?.severity, 'error');
    assert.match(e?.message ?? '', /Checker link local address fe80::1 requires a bind_if/);
    const good = load(vs('fe80::1', 'TCP_CHECK {\n      bind_if eth0\n      fwmark 7\n    }'));
    assert.ok(!good.diagnostics.some((d) => d.severity === 'error'));
    const v = lvsConfig(good.model).virtualServers[0]!;
    const t = targetOf(v.realServers[0]!.checkers[0]!, v.realServers[0]!, v);
    assert.deepEqual([t.bindIf, t.fwmark], ['eth0', 7]);
  });

  it('a connect_ip that is link-local needs it too; UDP-based checkers warn that they ignore both', () => {
    const c = load(vs('2001:db8::1', 'HTTP_GET {\n      connect_ip fe80::2\n    }'));
    assert.equal(c.diagnostics.find((d) => d.message.includes('fe80::2'))?.severity, 'error');
    const u = load(vs('2001:db8::1', 'DNS_CHECK {\n      fwmark 3\n    }'));
    const w = u.diagnostics.find((d) => d.message.includes("'fwmark' is not applied to DNS_CHECK"));
    assert.equal(w?.severity, 'warning');
  });
});
