/**
 * The reconciler over a fake kernel that keeps the kernel's rules: it adopts a
 * previous run's table, follows health with the fewest changes, carries quorum
 * state between passes (logged as keepalived logs it), and a reload that
 * changes one weight sends one op.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { preprocessSource } from '../../src/config/preprocess';
import { lvsConfig } from '../../src/config/lvs-config';
import { ROOT } from '../../src/config/schema/root';
import { parseTree } from '../../src/config/tree';
import { resolve } from '../../src/config/validate';
import { IpvsReconciler } from '../../src/ipvs/reconciler';
import { describeOp } from '../../src/ipvs/ops';
import { healthKey, type HealthReport, type HealthTable } from '../../src/lvs/health';
import { FakeIpvs } from '../rigs/fake-ipvs';

const lvs = (text: string) =>
  lvsConfig(
    resolve(parseTree(preprocessSource('/t.conf', text, { configId: 'x' }).lines).statements, ROOT)
      .model,
  );
const conf = (w2 = 1) => `
virtual_server 192.0.2.10 80 {
  lb_algo rr
  quorum 2
  sorry_server 203.0.113.9 80
  real_server 198.51.100.1 80 {
    weight 1
    TCP_CHECK {
    }
  }
  real_server 198.51.100.2 80 {
    weight ${w2}
    TCP_CHECK {
    }
  }
}
virtual_server 192.0.2.11 53 {
  protocol UDP
  real_server 198.51.100.3 53 {
  }
}`;
const VS = '[192.0.2.10]:tcp:80';
const health = (...up: boolean[]): HealthTable =>
  new Map(
    up.map((u, i): [string, HealthReport] => {
      const server = `[198.51.100.${i + 1}]:tcp:80`;
      return [healthKey(VS, server), { service: VS, server, up: u, detail: '', at: 0 }];
    }),
  );

describe('ipvs reconciler', () => {
  it('adopts a previous run, follows health with the fewest ops, logs quorum changes', async () => {
    const web = lvs(conf());
    const kernel = new FakeIpvs();
    const logs: string[] = [];
    const r = new IpvsReconciler(kernel, (l) => logs.push(l));
    // A previous run left the web service with another scheduler and a stale server.
    await kernel.apply([
      {
        op: 'add-service',
        service: {
          family: 4,
          protocol: 'TCP',
          address: '192.0.2.10',
          port: 80,
          scheduler: 'wlc',
          flags: {},
        },
      },
      {
        op: 'add-dest',
        service: { family: 4, protocol: 'TCP', address: '192.0.2.10', port: 80 },
        dest: {
          family: 4,
          address: '198.51.100.7',
          port: 80,
          forwarding: 'NAT',
          weight: 1,
          upperThreshold: 0,
          lowerThreshold: 0,
        },
      },
    ]);
    kernel.sent.length = 0;
    let res = await r.update(web, new Map());
    assert.deepEqual(res.ops.map(describeOp), [
      'edit-service 192.0.2.10:80 (TCP)',
      'add-dest 192.0.2.10:80 (TCP) real server 198.51.100.1:80 weight 1',
      'add-dest 192.0.2.10:80 (TCP) real server 198.51.100.2:80 weight 1',
      'delete-dest 192.0.2.10:80 (TCP) real server 198.51.100.7:80',
      'add-service 192.0.2.11:53 (UDP)',
      'add-dest 192.0.2.11:53 (UDP) real server 198.51.100.3:53 weight 1',
    ]);
    assert.deepEqual(res.errors, []);

    // One server fails: quorum 2 is lost, the sorry server replaces the other.
    res = await r.update(web, health(false, true));
    assert.deepEqual(res.ops.map(describeOp), [
      'add-dest 192.0.2.10:80 (TCP) real server 203.0.113.9:80 weight 1',
      'delete-dest 192.0.2.10:80 (TCP) real server 198.51.100.1:80',
      'delete-dest 192.0.2.10:80 (TCP) real server 198.51.100.2:80',
    ]);
    assert.ok(logs.includes(`Lost quorum 2-0=2 > 1 for VS ${VS}`), logs.join('\n'));

    // Same inputs again: nothing to do.
    res = await r.update(web, health(false, true));
    assert.deepEqual(res.ops, []);

    // Back up: servers in, then sorry server out (never a moment without a destination).
    res = await r.update(web, health(true, true));
    assert.deepEqual(res.ops.map(describeOp), [
      'add-dest 192.0.2.10:80 (TCP) real server 198.51.100.1:80 weight 1',
      'add-dest 192.0.2.10:80 (TCP) real server 198.51.100.2:80 weight 1',
      'delete-dest 192.0.2.10:80 (TCP) real server 203.0.113.9:80',
    ]);
    assert.ok(logs.includes(`Gained quorum 2+0=2 <= 2 for VS ${VS}`), logs.join('\n'));

    // Health changes were diffed against what the last pass left: one dump, at start.
    assert.equal(kernel.lists, 1);

    // A reload that changes one weight changes one entry (and reads the kernel again).
    res = await r.update(lvs(conf(4)), health(true, true));
    assert.equal(kernel.lists, 2);
    assert.deepEqual(res.ops.map(describeOp), [
      'edit-dest 192.0.2.10:80 (TCP) real server 198.51.100.2:80 weight 4',
    ]);
    assert.equal(kernel.services.size, 2);
  });

  it('a burst of updates runs as one more pass with the latest inputs', async () => {
    const kernel = new FakeIpvs();
    const r = new IpvsReconciler(kernel, () => undefined);
    const first = r.update(lvs(conf()), new Map());
    void r.update(lvs(conf()), health(true, false));
    const last = r.update(lvs(conf()), health(true, true));
    await first;
    const res = await last;
    assert.deepEqual(res.ops, []);
    // Passes: the first, and one more for the latest inputs (the middle one never ran).
    const web = [...kernel.services.values()][0]!;
    assert.equal(web.dests.size, 2);
    assert.equal(kernel.sent.filter((o) => o.op === 'delete-dest').length, 0);
  });

  it("kernel refusals are logged with the service's name and do not stop the rest", async () => {
    const kernel = new FakeIpvs();
    kernel.schedulers.delete('rr');
    const logs: string[] = [];
    const res = await new IpvsReconciler(kernel, (l) => logs.push(l)).update(
      lvs(conf()),
      new Map(),
    );
    // The service's error; its destinations' ESRCH are not repeated.
    assert.equal(res.errors.length, 1);
    assert.equal(res.skipped, 2);
    assert.ok(
      logs.includes(
        "IPVS: virtual server 192.0.2.10:80 (TCP): cannot add: scheduler 'rr' not available (ENOENT)",
      ),
      logs.join('\n'),
    );
    assert.equal(kernel.services.size, 1, 'the UDP service (wlc) still went in');
  });
});

describe('ipvs reconciler: the kernel changed behind its back', () => {
  it('a reload reads the kernel again and repairs what someone else changed', async () => {
    const kernel = new FakeIpvs();
    const r = new IpvsReconciler(kernel, () => undefined);
    const c = lvs(conf());
    await r.update(c, new Map());
    // Someone deletes a destination with ipvsadm.
    await kernel.apply([
      {
        op: 'delete-dest',
        service: { family: 4, protocol: 'TCP', address: '192.0.2.10', port: 80 },
        dest: {
          family: 4,
          address: '198.51.100.1',
          port: 80,
          forwarding: 'NAT',
          weight: 1,
          upperThreshold: 0,
          lowerThreshold: 0,
        },
      },
    ]);
    const res = await r.update(lvs(conf()), new Map());
    assert.deepEqual(res.ops.map(describeOp), [
      'add-dest 192.0.2.10:80 (TCP) real server 198.51.100.1:80 weight 1',
    ]);
  });
});
