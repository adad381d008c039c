/** Which FIFO scripts a config asks for: argv with the FIFO last, the line's own user or script_user. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import type { ModelBlock } from '../../src/config/validate';
import { fifoScripts } from '../../src/daemon/fifo-scripts';

describe('FIFO scripts', () => {
  it('pairs each script with its FIFO; a script without a FIFO does nothing', () => {
    const g = {
      script_user: ['nobody'],
      notify_fifo: ['/run/n.fifo'],
      notify_fifo_script: ['/usr/bin/reader --all', 'alice', 'staff'],
      vrrp_notify_fifo: ['/run/v.fifo'],
      vrrp_notify_fifo_script: ['/usr/bin/vreader'],
      lvs_notify_fifo_script: ['/usr/bin/lreader'],
    } as unknown as ModelBlock;
    assert.deepEqual(fifoScripts(g), [
      {
        fifo: '/run/n.fifo',
        argv: ['/usr/bin/reader', '--all', '/run/n.fifo'],
        user: ['alice', 'staff'],
      },
      { fifo: '/run/v.fifo', argv: ['/usr/bin/vreader', '/run/v.fifo'], user: ['nobody'] },
    ]);
    assert.deepEqual(fifoScripts(undefined), []);
  });
});
