/**
 * virtual_routes and virtual_rules follow the master: installed (tagged proto
 * keepalived) after its VIPs, removed before them when it stops being master,
 * never present on a backup. A route through the VIP as source shows the
 * order matters: it needs the VIP in place.
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { Appliance, reach } from '../rigs/appliance';
import { Lab } from '../rigs/netns-lab';

const conf = (prio: number) => `vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
    priority ${prio}
    advert_int 1
    virtual_ipaddress {
        192.0.2.100/24
    }
    virtual_routes {
        src 192.0.2.100 198.51.100.0/24 via 192.0.2.1 dev eth0
        blackhole 203.0.113.0/25
        0.0.0.0/0 via 192.0.2.1 dev eth0 table 100
        198.51.100.128/25 via 192.0.2.252 or 192.0.2.253
    }
    virtual_rules {
        from 192.0.2.100 table 100 priority 1000
        fwmark 7 lookup 100 pref 1001
    }
}
`;

async function routes(lab: Lab, host: string): Promise<string> {
  const main = await lab.exec(host, ['ip', 'route', 'show']);
  const t100 = await lab.exec(host, ['ip', 'route', 'show', 'table', '100']);
  const rules = await lab.exec(host, ['ip', 'rule', 'show']);
  return `${main.stdout}${t100.stdout}${rules.stdout}`;
}

describe('virtual_routes and virtual_rules', () => {
  const labs: Lab[] = [];
  after(async () => {
    for (const l of labs) await l.dispose();
  });

  it('are on the master only, and move with it', async () => {
    const lab = await Lab.create({ hosts: ['lb1', 'lb2'] });
    labs.push(lab);
    const nodes = [new Appliance(lab, 'lb1', conf(150)), new Appliance(lab, 'lb2', conf(100))];
    nodes.forEach((n) => n.start());
    await reach(nodes, ['master', 'backup'], 'lb1 master', 20000);
    // The acks come after the state change: give the kernel a moment.
    await new Promise((r) => setTimeout(r, 300));
    const m = await routes(lab, 'lb1');
    assert.match(
      m,
      /198\.51\.100\.0\/24 via 192\.0\.2\.1 dev eth0 proto keepalived src 192\.0\.2\.100/,
    );
    assert.match(m, /blackhole 203\.0\.113\.0\/25 proto keepalived/);
    assert.match(m, /default via 192\.0\.2\.1 dev eth0 proto keepalived/);
    assert.match(m, /1000:\s+from 192\.0\.2\.100 lookup 100 proto keepalived/);
    assert.match(m, /1001:\s+from all fwmark 0x7 lookup 100 proto keepalived/);
    assert.doesNotMatch(m, /198\.51\.100\.128/, "the multipath 'or' route is skipped");
    assert.match(nodes[0]!.proc!.output, /will not be installed: 'or' \(multipath routes\)/);
    const b = await routes(lab, 'lb2');
    assert.doesNotMatch(b, /keepalived/, 'nothing on the backup');

    await nodes[0]!.proc!.kill('SIGTERM');
    await reach(nodes, ['down', 'master'], 'lb2 takes over', 15000);
    await new Promise((r) => setTimeout(r, 300));
    assert.doesNotMatch(await routes(lab, 'lb1'), /keepalived/, 'lb1 removed all on stop');
    const n = await routes(lab, 'lb2');
    assert.match(
      n,
      /198\.51\.100\.0\/24 via 192\.0\.2\.1 dev eth0 proto keepalived src 192\.0\.2\.100/,
    );
    assert.match(n, /1000:\s+from 192\.0\.2\.100 lookup 100 proto keepalived/);
  });
});
