/**
 * From a loaded config to each checker's log context: a checker's own
 * log_all_failures, else the global checker_log_all_failures (keepalived).
 */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildChecker } from '../../src/checkers/build';
import { checkerSetup } from '../../src/checkers/setup';
import { preprocessSource } from '../../src/config/preprocess';
import { ROOT } from '../../src/config/schema/root';
import { parseTree } from '../../src/config/tree';
import { resolve } from '../../src/config/validate';
import type { ScriptRunner } from '../../src/checkers/scripts';
import type { Pinger } from '../../src/checkers/checks/ping';

function lines(globals: string): boolean[] {
  const text = `global_defs {\n${globals}}\nvirtual_server 192.0.2.100 80 {\n  real_server 192.0.2.21 80 {\n    TCP_CHECK {\n    }\n    TCP_CHECK {\n      log_all_failures false\n    }\n    TCP_CHECK {\n      log_all_failures\n    }\n  }\n}\n`;
  const model = resolve(
    parseTree(preprocessSource('/t.conf', text, { configId: 'x' }).lines).statements,
    ROOT,
  ).model;
  const setup = checkerSetup(model);
  const vs = setup.lvs.virtualServers[0]!;
  const rs = vs.realServers[0]!;
  const deps = { scripts: {} as ScriptRunner, pinger: {} as Pinger };
  return rs.checkers.map((c) => buildChecker(c, rs, vs, setup, deps)?.line.logAllFailures ?? false);
}

test("log_all_failures: the checker's own, else checker_log_all_failures", () => {
  assert.deepEqual(lines(''), [false, false, true]);
  assert.deepEqual(lines('  checker_log_all_failures\n'), [true, false, true]);
});
