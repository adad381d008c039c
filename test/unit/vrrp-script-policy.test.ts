/** Who a VRRP script runs as: its own user [group] first, then script_user; an unknown own user is refused. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import type { VrrpGlobals } from '../../src/config/vrrp-config';
import { createLogger } from '../../src/core/log';
import { ScriptPolicy } from '../../src/vrrp/script-policy';

const log = createLogger({ ident: 't', detail: false, sink: () => undefined });
const root = process.getuid?.() === 0;

describe('VRRP script policy', () => {
  it(
    "a script's own user over script_user; one that does not exist never runs",
    { skip: !root },
    () => {
      const p = new ScriptPolicy(
        { scriptUser: ['root'], scriptSecurity: false } as unknown as VrrpGlobals,
        log,
      );
      assert.deepEqual(p.spawnAs(), { uid: 0, gid: 0 });
      assert.equal(p.spawnAs(['nobody'])?.uid, 65534);
      assert.equal(p.refusal(['/bin/true'], ['nobody']), undefined);
      assert.match(p.refusal(['/bin/true'], ['no-such-user-here']) ?? '', /invalid user\/group/);
      assert.equal(p.spawnAs(['no-such-user-here']), undefined);
    },
  );
});
