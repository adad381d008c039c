import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { startStopScript } from '../../src/daemon/start-stop-scripts';

describe('startup_script / shutdown_script lines', () => {
  it('reads the script, its arguments, its user (else script_user) and the timeout (10 s)', () => {
    const g = {
      startup_script: ['/usr/local/bin/up --fast', 'alice', 'staff'], // as the loader gives it, quotes gone
      shutdown_script: ['/usr/local/bin/down'],
      shutdown_script_timeout: 3,
      script_user: ['bob'],
    };
    assert.deepEqual(startStopScript(g, 'startup'), {
      kind: 'startup',
      argv: ['/usr/local/bin/up', '--fast'],
      user: ['alice', 'staff'],
      timeoutS: 10,
    });
    assert.deepEqual(startStopScript(g, 'shutdown'), {
      kind: 'shutdown',
      argv: ['/usr/local/bin/down'],
      user: ['bob'],
      timeoutS: 3,
    });
    assert.equal(startStopScript({}, 'startup'), undefined);
  });
});
