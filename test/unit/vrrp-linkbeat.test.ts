/** The linkbeat's choice of probe (vrrp/io/linkbeat.ts), as keepalived's init_linkbeat_status makes it, on a fake driver. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { Linkbeat, linkbeatInterfaces, type LinkbeatKind } from '../../src/vrrp/io/linkbeat';

function driver(supports: { mii?: number; ethtool?: number; ioctl?: number }) {
  const asked: string[] = [];
  return {
    asked,
    linkProbe(_ifname: string, kind: LinkbeatKind): number {
      asked.push(kind);
      return supports[kind] ?? -1;
    },
  };
}

function once(sys: ReturnType<typeof driver>, wanted?: LinkbeatKind) {
  const reports: string[] = [];
  const logs: string[] = [];
  const lb = new Linkbeat(
    sys,
    (n, up) => reports.push(`${n} ${up}`),
    (m) => logs.push(m),
  );
  lb.configure(new Map([['eth0', wanted]]));
  lb.dispose();
  return { reports, logs };
}

describe('linkbeat probes', () => {
  it('MII first, then ethtool, then the flags; the link and the flags must both say up', () => {
    const mii = driver({ mii: 1, ethtool: 0, ioctl: 1 });
    assert.deepEqual(once(mii).reports, ['eth0 true']);
    assert.deepEqual(mii.asked, ['mii', 'ioctl']);
    const eth = driver({ ethtool: 0, ioctl: 1 });
    assert.deepEqual(once(eth).reports, ['eth0 false']);
    assert.deepEqual(eth.asked, ['mii', 'ethtool'], 'no link: the flags are not asked');
    const flags = driver({ ioctl: 0 });
    assert.deepEqual(once(flags).reports, ['eth0 false']);
  });

  it("a configured probe the driver lacks falls back, with keepalived's line", () => {
    const r = once(driver({ ethtool: 1, ioctl: 1 }), 'mii');
    assert.deepEqual(r.reports, ['eth0 true']);
    assert.deepEqual(r.logs, ['(eth0): Configured linkbeat type MII not supported, using ETHTOOL']);
    const m = once(driver({ mii: 1, ioctl: 1 }), 'ethtool');
    assert.deepEqual(m.logs, ['(eth0): Configured linkbeat type ETHTOOL not supported, using MII']);
  });

  it('which interfaces: the lines, and with linkbeat_use_polling every tracked one but VMACs', () => {
    const used = [
      { names: ['eth0', 'eth1'], polling: false },
      { names: ['eth2', 'vrrp.51'], polling: true },
    ];
    const vmacs = new Set(['vrrp.51']);
    assert.deepEqual(
      [...linkbeatInterfaces([['eth3', 'MII']], false, used, vmacs)],
      [
        ['eth2', undefined],
        ['eth3', 'mii'],
      ],
    );
    assert.deepEqual(
      [...linkbeatInterfaces([], true, used, vmacs).keys()],
      ['eth0', 'eth1', 'eth2'],
    );
  });
});
