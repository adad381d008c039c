/** The netns lab itself: hosts reach each other on v4 and v6, captures see it, nothing is left behind. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { run } from '../rigs/exec';
import { Lab } from '../rigs/netns-lab';

async function namespaces(): Promise<string[]> {
  const r = await run(['ip', 'netns', 'list']);
  return r.stdout
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter(Boolean);
}

describe('netns lab', () => {
  it('puts hosts on one LAN with documentation addresses', async () => {
    const lab = await Lab.create({ hosts: ['a', 'b', 'c'] });
    try {
      assert.equal(lab.host('a').ipv4, '192.0.2.11');
      assert.equal(lab.host('c').ipv6, '2001:db8::d');
      const cap = await lab.capture('c', 'icmp or icmp6');
      const p4 = await lab.exec('a', ['ping', '-c', '1', '-W', '5', lab.host('c').ipv4]);
      assert.equal(p4.code, 0, p4.stdout + p4.stderr);
      const p6 = await lab.exec('b', ['ping', '-6', '-c', '1', '-W', '5', lab.host('c').ipv6]);
      assert.equal(p6.code, 0, p6.stdout + p6.stderr);
      const packets = await cap.stop();
      const protos = packets
        .map((p) => Object.keys(p).filter((k) => k === 'icmp' || k === 'icmpv6'))
        .flat();
      assert.ok(protos.includes('icmp'), 'captured the IPv4 echo');
      assert.ok(protos.includes('icmpv6'), 'captured the IPv6 echo');
      await lab.linkSet('c', false);
      const down = await lab.exec('a', ['ping', '-c', '1', '-W', '1', lab.host('c').ipv4]);
      assert.notEqual(down.code, 0, 'a host whose link is down is unreachable');
    } finally {
      await lab.dispose();
    }
    assert.deepEqual(
      (await namespaces()).filter((n) => n.startsWith(lab.id)),
      [],
    );
  });

  it('kills what it started and deletes its namespaces even when the test fails', async () => {
    let lab: Lab | undefined;
    let pid: number | undefined;
    await assert.rejects(async () => {
      lab = await Lab.create({ hosts: ['x'] });
      try {
        const p = lab.spawn('x', ['sleep', '600']);
        pid = p.pid;
        throw new Error('the test body failed');
      } finally {
        await lab.dispose();
      }
    }, /the test body failed/);
    assert.ok(pid);
    assert.throws(() => process.kill(pid as number, 0), /ESRCH/);
    assert.deepEqual(
      (await namespaces()).filter((n) => n.startsWith(lab!.id)),
      [],
    );
  });

  it('refuses addresses outside the documentation ranges', async () => {
    await assert.rejects(Lab.create({ hosts: ['a'], lan6: 'fd00::' }), /outside 2001:db8::\/32/);
  });
});
