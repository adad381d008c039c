/**
 * Includes against `keepalived -t` (Debian's 2.2.7): for each include variant,
 * include_check setting and file-system case, halb reads the same files in
 * the same order, fails exactly when keepalived exits 6 ("no config"), and
 * says something exactly when keepalived logs a file problem. Each included
 * file holds a top-level marker keyword that keepalived reports with the
 * file's name, which is how its reading order is seen. keepalived -t reads
 * the configuration once for each of its four parsers (parent, VRRP, checker,
 * BFD), and only once when a file problem stops it (exit 6).
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { preprocess } from '../../src/config/preprocess';
import { Lab } from '../rigs/netns-lab';

interface Case {
  readonly name: string;
  /** Lines after global_defs (whose body is `globalBody`). */
  readonly body: string;
  readonly globalBody?: string;
  /** keepalived -e. */
  readonly all?: boolean;
}

const CASES: Case[] = [
  { name: 'include of a missing file', body: 'include none.conf' },
  { name: 'includer of a missing file', body: 'includer none.conf' },
  { name: 'includem of a missing file', body: 'includem none.conf' },
  { name: 'include of an empty directory', body: 'include empty/*.conf' },
  { name: 'includem of an empty directory', body: 'includem empty/*.conf' },
  { name: 'includew of an empty directory', body: 'includew empty/*.conf' },
  { name: 'includer of a missing directory', body: 'includer nodir/*.conf' },
  { name: 'includem of a missing directory', body: 'includem nodir/*.conf' },
  { name: 'braces in their order', body: 'includer conf.d/{b,a}.conf' },
  { name: 'braces, one missing', body: 'include conf.d/{b,z,a}.conf' },
  { name: 'includeb, braces, one missing', body: 'includeb conf.d/{a,z}.conf' },
  { name: 'includea, braces, all missing', body: 'includea conf.d/{y,z}.conf' },
  { name: 'a wildcard then a literal name', body: 'include d*/x.inc' },
  { name: 'includeb, a wildcard then a literal name', body: 'includeb d*/x.inc' },
  { name: 'include of a directory', body: 'include conf.d' },
  { name: 'includer of a directory', body: 'includer conf.d' },
  { name: 'includer of an executable', body: 'includer run.conf' },
  { name: 'include of an executable', body: 'include run.conf' },
  { name: 'the rest of the line is one pattern', body: 'include conf.d/a.conf x.conf' },
  { name: 'quotes are part of the name', body: 'include "x.conf"' },
  { name: 'nested includes', body: 'include conf.d/*.conf\ninclude x.conf' },
  {
    name: 'include_check match',
    globalBody: 'include_check match',
    body: 'include none.conf',
  },
  {
    name: 'include_check +wildcard_match',
    globalBody: 'include_check +wildcard_match',
    body: 'include empty/*.conf',
  },
  {
    name: 'include_check, then -match',
    globalBody: 'include_check\n include_check -match -brace_match',
    body: 'include none.conf\ninclude conf.d/{a,z}.conf',
  },
  {
    name: 'include_check in an included file ends with it',
    body: 'include inner.conf\ninclude none.conf',
  },
  {
    name: 'include_check readable (the man page spelling)',
    globalBody: 'include_check readable',
    body: 'includem x.conf',
  },
  { name: '-e', body: 'include none.conf', all: true },
  { name: '-e, an empty directory', body: 'include empty/*.conf', all: true },
];

const FILE_PROBLEM =
  /Config files missing|No config files matched|Some config files missing|is a directory|not a regular non-executable file/;

describe('includes and include_check against keepalived -t', () => {
  let lab: Lab;
  let dir: string;
  before(async () => {
    lab = await Lab.create({ hosts: ['ki'] });
    dir = path.join(lab.dir, 'inc');
    const put = (name: string, text: string, mode = 0o644): void => {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text, { mode });
    };
    const marker = (name: string): string => `marker_${name.replace(/\W/g, '_')}\n`;
    for (const f of ['conf.d/a.conf', 'conf.d/b.conf', 'd1/x.inc', 'x.conf']) put(f, marker(f));
    put('conf.d/a.conf', `${marker('conf.d/a.conf')}include ../x.conf\n`);
    put('run.conf', marker('run.conf'), 0o755);
    put('inner.conf', `${marker('inner.conf')}global_defs {\n include_check\n}\n`);
    fs.mkdirSync(path.join(dir, 'empty'));
    fs.mkdirSync(path.join(dir, 'd2'));
  });
  after(async () => {
    await lab?.dispose();
  });

  it('reads the same files in the same order, and fails and warns alike', async () => {
    const wrong: string[] = [];
    for (const [i, c] of CASES.entries()) {
      const main = path.join(dir, `main${i}.conf`);
      fs.writeFileSync(
        main,
        `global_defs {\n router_id ki\n ${c.globalBody ?? ''}\n}\n${c.body}\n`,
      );
      const k = await lab.exec(
        'ki',
        ['keepalived', '-t', '-l', ...(c.all ? ['-e'] : []), '-f', main],
        { timeoutMs: 30000 },
      );
      const said = k.stderr + k.stdout;
      const kRead = [...said.matchAll(/Unknown keyword '(marker_\w+)'/g)].map((m) => m[1]);
      const kFails = k.code === 6;
      const kWarns = FILE_PROBLEM.test(said);

      const p = preprocess(main, { configId: 'ki', allConfig: c.all });
      const hRead = p.lines.map((l) => l.words[0]!.text).filter((w) => w.startsWith('marker_'));
      const hFails = p.diagnostics.some((d) => d.severity === 'error');
      const hWarns = p.diagnostics.some((d) => /config file/.test(d.message));
      const mine = p.diagnostics.map((d) => `${d.severity}: ${d.message}`).join(' | ');
      const reads = kFails ? 1 : 4;
      const hReads = Array.from({ length: reads }, () => hRead).flat();
      if (kFails && hFails) kRead.length = hReads.length = 0; // nothing runs: what was read is moot
      if (
        JSON.stringify(kRead) !== JSON.stringify(hReads) ||
        kFails !== hFails ||
        kWarns !== hWarns
      ) {
        wrong.push(
          `${c.name}: keepalived exit ${k.code}, read [${kRead.join(' ')}]${kWarns ? ', file problem said' : ''}; ` +
            `halb read [${hRead.join(' ')}], ${mine || 'nothing said'}\n    keepalived: ${said.trim().replace(/\n/g, ' / ')}`,
        );
      }
    }
    assert.deepEqual(wrong, []);
  });
});
