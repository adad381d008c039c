/**
 * The addresses a MASTER puts on its interface, compared with keepalived
 * 2.2.7's on the same config in the same namespace (`ip addr show` is the
 * oracle): IPv4 with label, broadcast and scope; an IPv6 /128 added
 * deprecated (preferred lifetime 0, so the host never picks it as the source
 * of its own connections) unless `preferred_lft` says forever or a number of
 * seconds; other IPv6 prefixes preferred forever; the flags home,
 * noprefixroute and mngtmpaddr.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { Appliance, until } from '../rigs/appliance';
import { KeepalivedPeer } from '../rigs/keepalived-peer';
import { Lab } from '../rigs/netns-lab';

const CONF = `vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 150
    advert_int 1
    virtual_ipaddress {
        192.0.2.100/24 brd 192.0.2.255 label eth0:vip
        192.0.2.101/32 scope host
        192.0.2.104/24 noprefixroute
    }
}
vrrp_instance VI_6 {
    state MASTER
    interface eth0
    version 3
    virtual_router_id 56
    priority 150
    advert_int 1
    virtual_ipaddress {
        2001:db8::100/64
        2001:db8::101/128 preferred_lft forever
        2001:db8::102/64 preferred_lft 3600
        2001:db8::103/128
        2001:db8::104/64 home noprefixroute
        2001:db8::105/64 mngtmpaddr
    }
}
`;
const VIPS = [
  '192.0.2.100',
  '192.0.2.101',
  '2001:db8::100',
  '2001:db8::101',
  '2001:db8::102',
  '2001:db8::103',
  '192.0.2.104',
  '2001:db8::104',
  '2001:db8::105',
];

/**
 * The VIPs' lines of `ip -o addr show dev eth0`, sorted; a counting-down
 * lifetime becomes "<n>sec" (the two daemons started at different times).
 */
function vipLines(out: string): string[] {
  return out
    .split('\n')
    .filter((l) => VIPS.some((v) => l.includes(` ${v}/`)))
    .map((l) =>
      l
        .replace(/^\d+:\s+/, '')
        .replace(/\\\s+/g, ' ')
        .replace(/\b\d+sec\b/g, '<n>sec')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .sort();
}

describe('VIP attributes on the interface, as keepalived 2.2.7 sets them', () => {
  let lab: Lab;
  before(async () => {
    lab = await Lab.create({ hosts: ['box'] });
  });
  after(async () => {
    await lab?.dispose();
  });

  const addrs = async (): Promise<string[]> =>
    vipLines((await lab.exec('box', ['ip', '-o', 'addr', 'show', 'dev', 'eth0'])).stdout);
  let oracle: string[] = [];

  it('keepalived 2.2.7 (the oracle)', async () => {
    const ka = new KeepalivedPeer(lab, 'box', CONF);
    ka.start();
    try {
      oracle = await until(
        'keepalived MASTER with its VIPs',
        20000,
        addrs,
        (a) => a.length === VIPS.length,
      );
    } finally {
      await ka.kill('SIGTERM');
    }
    await until('keepalived to remove its VIPs', 10000, addrs, (a) => a.length === 0);
    const deprecated = oracle.filter((l) => l.includes(' deprecated '));
    assert.equal(deprecated.length, 1, `only the /128 without preferred_lft: ${oracle.join('\n')}`);
    assert.match(deprecated[0] ?? '', /2001:db8::103\/128/);
  });

  it('halb puts the same addresses with the same attributes', async () => {
    const box = new Appliance(lab, 'box', CONF);
    box.start();
    try {
      const mine = await until(
        'halb MASTER with its VIPs',
        20000,
        addrs,
        (a) => a.length === VIPS.length,
      );
      assert.deepEqual(mine, oracle, box.proc?.output);
    } finally {
      await box.proc?.kill('SIGTERM');
    }
    assert.deepEqual(await addrs(), [], 'VIPs removed at stop');
  });
});
