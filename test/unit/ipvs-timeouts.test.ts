import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { TimeoutKeeper } from '../../src/ipvs/timeouts';
import { timeoutsOf } from '../../src/ipvs/globals';
import { FakeIpvs } from '../rigs/fake-ipvs';

describe('lvs_timeouts in the daemon (TimeoutKeeper)', () => {
  it("sets the given ones over the kernel's own, puts those back without them and at stop", async () => {
    const k = new FakeIpvs();
    k.timeoutValues = { tcpS: 800, tcpFinS: 100, udpS: 250 }; // someone's earlier settings
    const errors: string[] = [];
    const keeper = new TimeoutKeeper((m) => errors.push(m));

    await keeper.want(k, undefined);
    assert.equal(k.timeoutSets, 0, 'no lvs_timeouts, never changed: nothing sent');

    await keeper.want(k, timeoutsOf(['tcp', '7200', 'udp', '60']));
    assert.deepEqual(k.timeoutValues, { tcpS: 7200, tcpFinS: 100, udpS: 60 });
    await keeper.want(k, timeoutsOf(['tcp', '7200', 'udp', '60']));
    assert.equal(k.timeoutSets, 1, 'the same values again: nothing sent');

    await keeper.want(k, timeoutsOf(['tcpfin', '30']));
    assert.deepEqual(
      k.timeoutValues,
      { tcpS: 800, tcpFinS: 30, udpS: 250 },
      'others: the original',
    );

    await keeper.want(k, undefined);
    assert.deepEqual(k.timeoutValues, { tcpS: 800, tcpFinS: 100, udpS: 250 }, 'reload without');
    await keeper.want(k, timeoutsOf(['tcp', '0', 'tcpfin', '0', 'udp', '0']));
    assert.equal(k.timeoutSets, 3, 'all zero is no lvs_timeouts');

    await keeper.want(k, timeoutsOf(['udp', '90']));
    await keeper.restore(k);
    assert.deepEqual(k.timeoutValues, { tcpS: 800, tcpFinS: 100, udpS: 250 }, 'at stop');
    assert.deepEqual(errors, []);
  });

  it('reports a kernel refusal and tries again with the next config', async () => {
    const k = new FakeIpvs();
    let refuse = true;
    const set = k.setTimeouts.bind(k);
    k.setTimeouts = async (t) => {
      if (refuse) throw new Error('Invalid argument');
      await set(t);
    };
    const errors: string[] = [];
    const keeper = new TimeoutKeeper((m) => errors.push(m));
    await keeper.want(k, timeoutsOf(['tcp', '7200']));
    assert.match(
      errors[0] ?? '',
      /cannot set the IPVS timeouts \(lvs_timeouts\): Invalid argument/,
    );
    refuse = false;
    await keeper.want(k, timeoutsOf(['tcp', '7200']));
    assert.equal(k.timeoutValues.tcpS, 7200);
  });
});
