/**
 * IP forwarding for NAT: which address families a config's NAT destinations
 * need (real servers, their own lvs_method, sorry servers), and the sysctl
 * writer on a /proc/sys-shaped folder (off turned on and named, on left alone).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { enableForwarding, natFamilies } from '../../src/ipvs/ip-forwarding';
import { setupFromText } from '../rigs/checker-setup';

const families = (text: string): number[] =>
  [...natFamilies(setupFromText(text).lvs)].sort((a, b) => a - b);

const vs = (header: string, kind: string, body: string): string =>
  `virtual_server ${header} {\n    lb_kind ${kind}\n    protocol TCP\n${body}}\n`;

describe('natFamilies', () => {
  it('a NAT virtual server needs IPv4 forwarding, a DR one nothing', () => {
    assert.deepEqual(
      families(vs('192.0.2.100 80', 'NAT', '    real_server 192.0.2.11 80 {\n    }\n')),
      [4],
    );
    assert.deepEqual(
      families(vs('192.0.2.100 80', 'DR', '    real_server 192.0.2.11 80 {\n    }\n')),
      [],
    );
    assert.deepEqual(
      families(vs('192.0.2.100 80', 'TUN', '    real_server 192.0.2.11 80 {\n    }\n')),
      [],
    );
  });

  it('a real server forwarded by NAT in a DR virtual server counts (lvs_method)', () => {
    const body =
      '    real_server 192.0.2.11 80 {\n        lvs_method NAT\n    }\n    real_server 192.0.2.12 80 {\n    }\n';
    assert.deepEqual(families(vs('192.0.2.100 80', 'DR', body)), [4]);
    const dr = '    real_server 192.0.2.11 80 {\n        lvs_method DR\n    }\n';
    assert.deepEqual(families(vs('192.0.2.100 80', 'NAT', dr)), []);
  });

  it('a NAT sorry server counts, and IPv6 NAT needs IPv6 forwarding', () => {
    const sorry =
      '    sorry_server 192.0.2.50 80\n    sorry_server_lvs_method NAT\n    real_server 192.0.2.11 80 {\n    }\n';
    assert.deepEqual(families(vs('192.0.2.100 80', 'DR', sorry)), [4]);
    const v6 = '    real_server 2001:db8::11 80 {\n    }\n';
    assert.deepEqual(
      families(
        vs('2001:db8::100 80', 'NAT', v6) +
          vs('192.0.2.100 80', 'NAT', '    real_server 192.0.2.11 80 {\n    }\n'),
      ),
      [4, 6],
    );
  });
});

describe('enableForwarding', () => {
  /** A /proc/sys-shaped folder: forwarding knobs and send_redirects for all, default, lo, eth0. */
  const procSys = (v4: string, v6: string, redirects = '1\n'): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halb-procsys-'));
    fs.mkdirSync(path.join(dir, 'net/ipv6/conf/all'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'net/ipv4'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'net/ipv4/ip_forward'), v4);
    for (const n of ['all', 'default', 'lo', 'eth0']) {
      fs.mkdirSync(path.join(dir, 'net/ipv4/conf', n), { recursive: true });
      fs.writeFileSync(path.join(dir, 'net/ipv4/conf', n, 'send_redirects'), redirects);
    }
    fs.writeFileSync(path.join(dir, 'net/ipv6/conf/all/forwarding'), v6);
    return dir;
  };
  const read = (dir: string, knob: string): string => fs.readFileSync(path.join(dir, knob), 'utf8');
  const inDir = (fn: (dir: string) => void, ...args: Parameters<typeof procSys>): void => {
    const dir = procSys(...args);
    try {
      fn(dir);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  it('IPv4: forwarding on, redirects off everywhere (all, default, each interface); then nothing to do', () =>
    inDir(
      (dir) => {
        assert.deepEqual(enableForwarding([4], dir), [
          'net.ipv4.ip_forward = 1',
          'net.ipv4.conf.all.send_redirects = 0',
          'net.ipv4.conf.default.send_redirects = 0',
          'net.ipv4.conf.eth0.send_redirects = 0',
          'net.ipv4.conf.lo.send_redirects = 0',
        ]);
        assert.equal(read(dir, 'net/ipv4/ip_forward'), '1');
        for (const n of ['all', 'default', 'lo', 'eth0'])
          assert.equal(read(dir, `net/ipv4/conf/${n}/send_redirects`), '0');
        assert.equal(read(dir, 'net/ipv6/conf/all/forwarding'), '0\n', 'IPv6 not asked for');
        assert.deepEqual(enableForwarding([4], dir), []);
      },
      '0\n',
      '0\n',
    ));

  it('leaves what is already right; IPv6 is forwarding only', () =>
    inDir(
      (dir) => {
        assert.deepEqual(enableForwarding([4, 6], dir), ['net.ipv6.conf.all.forwarding = 1']);
        assert.equal(read(dir, 'net/ipv4/ip_forward'), '1\n');
      },
      '1\n',
      '0\n',
      '0\n',
    ));

  it('a missing knob throws with its path', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halb-procsys-'));
    try {
      assert.throws(() => enableForwarding([6], dir), /net\/ipv6\/conf\/all\/forwarding/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
