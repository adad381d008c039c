/**
 * Block edits on keepalived.conf text keep everything else as written
 * (comments, layout, other blocks), and the result still loads.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blocks, findBlock, putBlock, removeBlock } from '../../src/console/conf-splice';
import { loadText } from '../rigs/config-text';

const CONF = `! site config, hand written
global_defs {
    router_id lb1   # the left box
}

vrrp_instance VI_1
{
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority 100
    virtual_ipaddress {
        192.0.2.100/24
    }
}

virtual_server 192.0.2.100 80 {
    delay_loop 6
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 192.0.2.21 80 { weight 1 }
    real_server 192.0.2.22 80 {
        weight 2
        TCP_CHECK { connect_timeout 3 }
    }
}
`;

const VI_1 = `vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 200
    virtual_ipaddress {
        192.0.2.100/24
    }
}
`;

function loads(text: string): string[] {
  return loadText(text, 'keepalived.conf')
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => d.message);
}

describe('keepalived.conf block splicing', () => {
  it('finds blocks, their names and nesting (brace on the next line, one-line blocks)', () => {
    const top = blocks(CONF);
    assert.deepEqual(
      top.map((b) => `${b.keyword} ${b.args.join(' ')}`.trim()),
      ['global_defs', 'vrrp_instance VI_1', 'virtual_server 192.0.2.100 80'],
    );
    const vs = findBlock(CONF, [['virtual_server', '192.0.2.100 80']]);
    assert.deepEqual(
      vs?.children.map((c) => c.args.join(' ')),
      ['192.0.2.21 80', '192.0.2.22 80'],
    );
    assert.equal(CONF.slice(top[1]!.start, top[1]!.end).split('\n')[0], 'vrrp_instance VI_1');
  });

  it('replaces an instance in place and leaves every other byte alone', () => {
    const out = putBlock(CONF, [['vrrp_instance', 'VI_1']], VI_1);
    const vi = findBlock(CONF, [['vrrp_instance', 'VI_1']])!;
    assert.equal(out, CONF.slice(0, vi.start) + VI_1 + CONF.slice(vi.end));
    assert.match(out, /# the left box/);
    assert.deepEqual(loads(out), []);
  });

  it('adds a new instance at the end, and a real server inside its virtual server, indented', () => {
    const added = putBlock(CONF, [['vrrp_instance', 'VI_2']], VI_1.replace('VI_1', 'VI_2'));
    assert.ok(added.startsWith(CONF));
    assert.ok(added.endsWith(VI_1.replace('VI_1', 'VI_2')));
    const rs = putBlock(
      CONF,
      [
        ['virtual_server', '192.0.2.100 80'],
        ['real_server', '192.0.2.23 80'],
      ],
      'real_server 192.0.2.23 80 {\n    weight 3\n}',
    );
    assert.match(rs, /\n {4}real_server 192\.0\.2\.23 80 \{\n {8}weight 3\n {4}\}\n\}\n$/);
    assert.deepEqual(loads(rs), []);
  });

  it('removes a real server or a whole virtual server', () => {
    const one = removeBlock(CONF, [
      ['virtual_server', '192.0.2.100 80'],
      ['real_server', '192.0.2.22 80'],
    ]);
    assert.doesNotMatch(one, /192\.0\.2\.22/);
    assert.match(one, /192\.0\.2\.21 80 \{ weight 1 \}/);
    assert.deepEqual(loads(one), []);
    const none = removeBlock(CONF, [['virtual_server', '192.0.2.100 80']]);
    assert.doesNotMatch(none, /virtual_server/);
    assert.equal(removeBlock(CONF, [['vrrp_instance', 'nope']]), CONF);
  });

  it('braces in comments and quoted strings are not blocks; unbalanced braces throw', () => {
    const text = 'global_defs { # a } here\n    notification_email_from "a{b}c"\n}\n';
    assert.equal(blocks(text).length, 1);
    assert.throws(() => blocks('vrrp_instance X {\n'), /never closed/);
    assert.throws(() => blocks('}\n'), /closes no block/);
  });
});
