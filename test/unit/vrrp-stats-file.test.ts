/** keepalived's statistics file, word for word (vrrp_print.c vrrp_print_stats in 2.2.7). */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { statsText, tmpFile } from '../../src/vrrp/stats-file';

describe('keepalived.stats', () => {
  it('writes each instance as keepalived does', () => {
    const text = statsText([
      {
        name: 'VI_1',
        advertsReceived: 12,
        advertsSent: 3,
        becameMaster: 1,
        releasedMaster: 0,
        lengthErrors: 2,
        ttlErrors: 4,
        invalidType: 5,
        intervalErrors: 6,
        addressListErrors: 7,
        invalidAuthType: 8,
        authTypeMismatch: 9,
        authFailures: 10,
        priorityZeroReceived: 11,
        priorityZeroSent: 13,
      },
    ]);
    assert.equal(
      text,
      `VRRP Instance: VI_1
  Advertisements:
    Received: 12
    Sent: 3
  Became master: 1
  Released master: 0
  Packet Errors:
    Length: 2
    TTL: 4
    Invalid Type: 5
    Advertisement Interval: 6
    Address List: 7
  Authentication Errors:
    Invalid Type: 8
    Type Mismatch: 9
    Failure: 10
  Priority Zero:
    Received: 11
    Sent: 13
`,
    );
    assert.equal(statsText([]), '');
  });
  it('goes to $TMPDIR when it is absolute, else /tmp', () => {
    assert.equal(tmpFile('keepalived.stats', { TMPDIR: '/var/tmp' }), '/var/tmp/keepalived.stats');
    assert.equal(tmpFile('keepalived.stats', { TMPDIR: 'rel' }), '/tmp/keepalived.stats');
    assert.equal(tmpFile('keepalived.stats', {}), '/tmp/keepalived.stats');
  });
});
