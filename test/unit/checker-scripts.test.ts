/**
 * MISC_CHECK and the notify scripts for real (processes, no network): exit
 * statuses with misc_dynamic weights, misc_timeout, script_user, refusal
 * under enable_script_security, notify_up / notify_down.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Pinger } from '../../src/checkers/checks/ping';
import { realClock } from '../../src/checkers/clock';
import { CheckerEngine } from '../../src/checkers/engine';
import { ScriptRunner } from '../../src/checkers/scripts';
import type { CheckerSetup } from '../../src/checkers/setup';
import type { Logger } from '../../src/core/log';
import type { HealthReport } from '../../src/lvs/health';
import { setupFromText, until } from '../rigs/checker-setup';

function engineFor(setup: CheckerSetup, lines: string[], reports: HealthReport[]) {
  const log: Logger = {
    info: (m) => lines.push(m),
    warn: (m) => lines.push(m),
    error: (m) => lines.push(m),
    detail: () => {},
  };
  const scripts = new ScriptRunner({
    scriptUser: setup.scriptUser,
    scriptSecurity: setup.scriptSecurity,
  });
  const e = new CheckerEngine(
    realClock(),
    Math.random,
    log,
    { scripts, pinger: new Pinger() },
    {
      report: (r) => reports.push(r),
      removed: () => {},
    },
  );
  e.apply(setup);
  return e;
}

function scriptDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halb-misc-'));
  fs.chmodSync(dir, 0o755);
  fs.mkdirSync(path.join(dir, 'out'), { mode: 0o777 });
  fs.chmodSync(path.join(dir, 'out'), 0o777);
  return dir;
}

describe('MISC_CHECK and notify scripts', () => {
  it('exit statuses, misc_dynamic weights, misc_timeout, script_user, notify_up / notify_down', async () => {
    const dir = scriptDir();
    const code = path.join(dir, 'code');
    const out = path.join(dir, 'out');
    fs.writeFileSync(code, '0\n', { mode: 0o644 });
    fs.writeFileSync(
      path.join(dir, 'check.sh'),
      `#!/bin/sh\nid -u > ${out}/uid\nc=$(cat ${code})\nif [ "$c" = sleep ]; then sleep 30; fi\nexit $c\n`,
      { mode: 0o755 },
    );
    fs.writeFileSync(path.join(dir, 'notify.sh'), `#!/bin/sh\necho "$1" >> ${out}/notified\n`, {
      mode: 0o755,
    });
    const setup = setupFromText(`global_defs {
  script_user nobody
}
virtual_server 192.0.2.10 80 {
  delay_loop 0.2
  warmup 0
  real_server 192.0.2.21 80 {
    weight 3
    notify_up "${dir}/notify.sh up"
    notify_down "${dir}/notify.sh down"
    MISC_CHECK {
      misc_path ${dir}/check.sh
      misc_dynamic
      misc_timeout 1
    }
  }
}
`);
    const lines: string[] = [];
    const reports: HealthReport[] = [];
    const e = engineFor(setup, lines, reports);
    const last = () => reports.at(-1);
    const notified = () => {
      try {
        return fs.readFileSync(path.join(out, 'notified'), 'utf8').trim().split('\n');
      } catch {
        return [];
      }
    };
    try {
      await until('the first result', () => last()?.detail === 'exited with status 0');
      assert.deepEqual([last()?.up, last()?.weight], [true, undefined]);
      if (process.getuid?.() === 0)
        assert.equal(
          fs.readFileSync(path.join(out, 'uid'), 'utf8').trim(),
          '65534',
          'ran as script_user nobody',
        );
      fs.writeFileSync(code, '7\n');
      await until('weight 5', () => last()?.weight === 5);
      assert.ok(
        lines.includes(
          'Changing weight from 3 to 5 for active service [192.0.2.21]:tcp:80 of VS [192.0.2.10]:tcp:80',
        ),
      );
      fs.writeFileSync(code, '1\n');
      await until('down', () => last()?.up === false);
      assert.equal(last()?.weight, undefined, 'a failure drops the dynamic weight');
      assert.ok(
        lines.includes(
          `Misc check for [[192.0.2.21]:tcp:80 VS [192.0.2.10]:tcp:80] by [${dir}/check.sh] failed with retry disabled (exited with status 1).`,
        ),
        lines.join('\n'),
      );
      await until('notify_down ran', () => notified().includes('down'));
      fs.writeFileSync(code, '0\n');
      await until('up', () => last()?.up === true);
      await until('notify_up ran', () => notified().at(-1) === 'up');
      fs.writeFileSync(code, 'sleep\n');
      await until('down by misc_timeout', () => last()?.up === false, 30000);
      assert.equal(last()?.detail, 'timed out after 1 s');
    } finally {
      e.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a reload that changes a down server (its weight) keeps it down until a check passes', async () => {
    const dir = scriptDir();
    const code = path.join(dir, 'code');
    fs.writeFileSync(code, '1\n', { mode: 0o644 });
    fs.writeFileSync(path.join(dir, 'check.sh'), `#!/bin/sh\nexit $(cat ${code})\n`, {
      mode: 0o755,
    });
    const conf = (weight: number): string => `virtual_server 192.0.2.10 80 {
  delay_loop 0.2
  warmup 0
  real_server 192.0.2.21 80 {
    weight ${weight}
    MISC_CHECK {
      misc_path ${dir}/check.sh
    }
  }
}
`;
    const lines: string[] = [];
    const reports: HealthReport[] = [];
    const e = engineFor(setupFromText(conf(3)), lines, reports);
    const checks = () => lines.filter((l) => l.includes('failed with retry disabled')).length;
    try {
      await until('down', () => reports.at(-1)?.up === false);
      reports.length = 0;
      lines.length = 0;
      e.apply(setupFromText(conf(5)));
      assert.deepEqual(
        reports.map((r) => r.up),
        [false],
        'the restarted server starts down',
      );
      await until('two checks after the reload', () => checks() >= 2 || reports.length > 1);
      assert.ok(
        reports.every((r) => !r.up),
        reports.map((r) => `${r.up} ${r.detail}`).join('\n'),
      );
      assert.ok(!lines.some((l) => l.startsWith('Adding service')), lines.join('\n'));
      fs.writeFileSync(code, '0\n');
      await until('up', () => reports.at(-1)?.up === true);
      assert.ok(
        lines.includes('Adding service [192.0.2.21]:tcp:80 to VS [192.0.2.10]:tcp:80'),
        lines.join('\n'),
      );
    } finally {
      e.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('enable_script_security refuses a script others could change', async () => {
    const dir = scriptDir();
    const script = path.join(dir, 'check.sh');
    fs.writeFileSync(script, '#!/bin/sh\nexit 0\n');
    fs.chmodSync(script, 0o777);
    const setup = setupFromText(`global_defs {
  enable_script_security
}
virtual_server 192.0.2.10 80 {
  delay_loop 0.2
  warmup 0
  real_server 192.0.2.21 80 {
    MISC_CHECK {
      misc_path ${script}
    }
  }
}
`);
    const reports: HealthReport[] = [];
    const e = engineFor(setup, [], reports);
    try {
      await until('down', () => reports.at(-1)?.up === false);
      assert.match(reports.at(-1)?.detail ?? '', /^refused: .*writable by group or others/);
    } finally {
      e.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
