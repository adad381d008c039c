/** ${_RANDOM} and random_seed: glibc's random() (golden values from glibc's own srandom / random), as keepalived expands it. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { GlibcRandom } from '../../src/config/glibc-random';
import { vrrpConfig } from '../../src/config/vrrp-config';
import { loadText } from '../rigs/config-text';

const conf = (seed: string) => `global_defs {
${seed}}
vrrp_instance A {
    interface eth0
    virtual_router_id \${_RANDOM 1 255}
    priority \${_RANDOM 1 254}
    virtual_ipaddress {
        192.0.2.10
    }
}
`;

describe('random_seed', () => {
  it("is glibc's random(): the values glibc gives for srandom(42) and srandom(1)", () => {
    const g = new GlibcRandom(42);
    assert.deepEqual(
      [1, 2, 3, 4, 5].map(() => g.next()),
      [71876166, 708592740, 1483128881, 907283241, 442951012],
    );
    const one = new GlibcRandom(1);
    assert.deepEqual([one.next(), one.next(), one.next()], [1804289383, 846930886, 1681692777]);
    assert.equal(new GlibcRandom(0).next(), 1804289383, 'seed 0 is seed 1, as glibc');
  });

  it("seeds ${_RANDOM}: keepalived's random() % (max - min + 1) + min, the same at every read", () => {
    const a = vrrpConfig(loadText(conf('    random_seed 42\n')).model).instances[0]!;
    // 71876166 % 255 + 1 and 708592740 % 254 + 1.
    assert.deepEqual([a.vrid, a.priority], [(71876166 % 255) + 1, (708592740 % 254) + 1]);
    const b = vrrpConfig(loadText(conf('    random_seed 42\n')).model).instances[0]!;
    assert.deepEqual([b.vrid, b.priority], [a.vrid, a.priority]);
  });
});
