/** Each VRRP socket's receive buffer, as keepalived sizes it from kernel_rx_buf_size and vrrp_rx_bufs_policy. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { advertLength, rxBufShare, rxBufsPolicy } from '../../src/vrrp/rx-buffers';

const v2 = {
  family: 4 as const,
  version: 2 as const,
  vipCount: 2,
  ah: false,
  kernelRxBufSize: undefined,
};

describe('VRRP receive buffers', () => {
  it('vrrp_rx_bufs_policy: SIZE over MTU over ADVERT; the multiplier 3 unless given', () => {
    assert.deepEqual(rxBufsPolicy(undefined, undefined), { kind: undefined, multiplier: 3 });
    assert.deepEqual(rxBufsPolicy(['MTU', 'ADVERT'], 2), { kind: 'mtu', multiplier: 2 });
    assert.deepEqual(rxBufsPolicy(['advert'], undefined), { kind: 'advert', multiplier: 3 });
    assert.deepEqual(rxBufsPolicy(['MTU', '65536'], undefined), {
      kind: 'size',
      size: 65536,
      multiplier: 3,
    });
  });

  it("an instance's share: its kernel_rx_buf_size, else the policy's; none: the kernel's default", () => {
    // keepalived's vrrp_adv_len: header 8, v2 auth 8, 4 per VIP, the IPv4 header 20 (AH 24).
    assert.equal(advertLength(v2), 44);
    assert.equal(advertLength({ ...v2, ah: true }), 68);
    assert.equal(advertLength({ ...v2, family: 6, version: 3 }), 40);
    assert.equal(rxBufShare(rxBufsPolicy(['ADVERT'], undefined), v2, 1500), 132);
    assert.equal(rxBufShare(rxBufsPolicy(['MTU'], undefined), v2, 9000), 27000);
    assert.equal(rxBufShare(rxBufsPolicy(['4096'], undefined), v2, 1500), 4096);
    assert.equal(
      rxBufShare(rxBufsPolicy(['MTU'], undefined), { ...v2, kernelRxBufSize: 777 }, 1500),
      777,
    );
    assert.equal(rxBufShare(rxBufsPolicy(undefined, undefined), v2, 1500), 0);
  });
});
