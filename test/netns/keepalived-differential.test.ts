/**
 * Differential test against the real `keepalived -t` (Debian's 2.2.7), run in
 * a namespace whose interfaces carry the names the configs use: over every
 * keepalived sample, the seed configs and 200+ seeded mutations of them, halb
 * and keepalived agree on valid versus invalid. Where they disagree on
 * purpose, the case is listed with the reason halb is right; any other
 * disagreement fails the test.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatDiagnostic, type Diagnostic } from '../../src/config/diagnostics';
import { loadConfig } from '../../src/config/load';
import { Lab } from '../rigs/netns-lab';
import { mutate, type MutationKind } from '../rigs/mutate';

const SHARED = path.resolve(__dirname, '../../../../shared/corpus');
const IFACES = ['eth1', 'eth2', 'eth3', 'eth0.1', 'eno33554968'];
const KINDS: MutationKind[] = ['drop-brace', 'misspell', 'out-of-range', 'move-keyword'];

interface Case {
  readonly name: string;
  readonly file: string;
  readonly origin: string;
}

interface Verdict {
  readonly c: Case;
  readonly keepalivedCode: number;
  readonly keepalivedSays: string[];
  readonly halb: Diagnostic[];
}

/** keepalived -t lines that carry a finding (not its start-up chatter). */
function findings(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(
      (l) =>
        l &&
        !/^(Starting|Running on|Command line|Configuration file|Script user|Opening file|Using|NOTICE|Unable to load ipset|WARNING - default user 'keepalived_script')/.test(
          l,
        ),
    );
}

/**
 * keepalived -t exits 5 on any message of warning level, about configs it then
 * runs unchanged. halb fails a check only for what would stop it doing what the
 * config says, and reports these notes as warnings: each keepalived note below
 * must be matched by a halb warning for the disagreement to count as deliberate.
 */
const NOTES: Array<[RegExp, RegExp]> = [
  [/nb_get_retry/, /'nb_get_retry' is deprecated/],
  [
    /track script .* (since not found|not found\/accessible)|No script set/,
    /not found here|has no 'script'|names no vrrp_script/,
  ],
  [/incompatible with AH authentication/, /auth_type AH cannot start in state MASTER/],
  [/protocol specified for fwmark/, /'protocol' is ignored for a fwmark virtual server/],
  [/cannot track route .* with no interface/, /has no 'dev', so it cannot be tracked/],
  [/"or" for routes is deprecated/, /'or' is deprecated/],
  [/"gw" for routes is deprecated/, /'gw' is deprecated/],
  [
    /unicast keyword has been specified without any unicast peers/,
    /a unicast keyword has been specified without any unicast peers/,
  ],
];

const WHY = {
  script:
    'a tracker whose script file is missing on this machine: keepalived -t exits 5 but runs the config with the tracker disabled; halb names the file in a warning, since scripts are often installed after the config',
  nb_get_retry:
    "nb_get_retry: keepalived 2.2.7 takes this pre-2.0 name in some checkers only; halb takes it everywhere as 'retry', with a deprecation warning",
  notes:
    'keepalived -t exits 5 for notes about a configuration it then runs unchanged; halb gives the same notes as warnings and passes the check',
};

function deliberate(v: Verdict): string | undefined {
  if (v.keepalivedSays.length === 0) return undefined;
  const warnings = v.halb.filter((d) => d.severity === 'warning').map((d) => d.message);
  const allMatched = v.keepalivedSays.every((said) => {
    const note = NOTES.find(([k]) => k.test(said));
    return note !== undefined && warnings.some((w) => note[1].test(w));
  });
  if (!allMatched) return undefined;
  if (v.keepalivedSays.some((l) => /nb_get_retry/.test(l))) return WHY.nb_get_retry;
  if (v.keepalivedSays.some((l) => /track script/.test(l))) return WHY.script;
  return WHY.notes;
}

describe('differential: halb check vs keepalived -t', () => {
  let lab: Lab;
  const cases: Case[] = [];
  before(async () => {
    lab = await Lab.create({ hosts: ['kd'] });
    await lab.addInterfaces('kd', IFACES);
    const sources = [
      ...fs
        .readdirSync(path.join(SHARED, 'keepalived-samples'))
        .filter((f) => f.includes('.conf') && !f.startsWith('HEAD-only'))
        .map((f) => path.join(SHARED, 'keepalived-samples', f)),
      ...fs
        .readdirSync(path.join(SHARED, 'seed-configs'))
        .filter((f) => f.endsWith('.conf'))
        .map((f) => path.join(SHARED, 'seed-configs', f)),
    ];
    for (const src of sources) {
      const name = path.basename(src);
      const file = path.join(lab.dir, name);
      const text = fs.readFileSync(src, 'utf8');
      fs.writeFileSync(file, text);
      cases.push({ name, file, origin: 'as shipped' });
      let seed = 0;
      for (const kind of KINDS) {
        for (let k = 0; k < 2; k++) {
          const m = mutate(file, text, kind, ++seed * 7919 + name.length);
          if (!m) continue;
          const mfile = path.join(lab.dir, `${name}.${kind}.${k}`);
          fs.writeFileSync(mfile, m.text);
          cases.push({ name: `${name} [${kind} ${k}]`, file: mfile, origin: m.description });
        }
      }
    }
  });
  after(async () => {
    await lab?.dispose();
  });

  it('agrees with keepalived on valid versus invalid, or says why not', async (t) => {
    const mutations = cases.filter((c) => c.origin !== 'as shipped').length;
    assert.ok(mutations >= 200, `only ${mutations} mutations were generated`);
    const host = {
      interfaces: await lab.interfaces('kd'),
      fileExists: (p: string) => fs.existsSync(p),
    };
    const verdicts: Verdict[] = [];
    for (let i = 0; i < cases.length; i += 8) {
      const batch = cases.slice(i, i + 8);
      const runs = await Promise.all(
        batch.map((c) => lab.exec('kd', ['keepalived', '-t', '-f', c.file], { timeoutMs: 30000 })),
      );
      batch.forEach((c, j) => {
        const r = runs[j]!;
        const halb = [...loadConfig(c.file, { configId: 'kd', host }).diagnostics];
        verdicts.push({
          c,
          keepalivedCode: r.code,
          keepalivedSays: findings(r.stderr + r.stdout),
          halb,
        });
      });
    }
    const explained: string[] = [];
    const unexplained: string[] = [];
    let agreed = 0;
    for (const v of verdicts) {
      // Exit 6 (scripts without script security) hides any other finding: look at what it said.
      const kValid =
        v.keepalivedCode === 0 ||
        (v.keepalivedCode === 6 &&
          v.keepalivedSays.every((l) => /SECURITY VIOLATION|script_security/.test(l)));
      const hValid = !v.halb.some((d) => d.severity === 'error');
      if (kValid === hValid) {
        agreed++;
        continue;
      }
      const reason = hValid ? deliberate(v) : undefined;
      const line = `${v.c.name} (${v.c.origin}): keepalived exit ${v.keepalivedCode}${v.keepalivedSays.length ? ` [${v.keepalivedSays.slice(0, 3).join(' | ')}]` : ''}; halb ${hValid ? 'valid' : 'invalid'}${
        hValid
          ? ''
          : ` [${v.halb
              .filter((d) => d.severity === 'error')
              .slice(0, 2)
              .map(formatDiagnostic)
              .map((s) => s.replace(/^.*?: error: /, ''))
              .join(' | ')}]`
      }`;
      if (reason) explained.push(`${line} -- why halb is right: ${reason}`);
      else unexplained.push(line);
    }
    t.diagnostic(
      `${verdicts.length} configs (${mutations} mutations): ${agreed} agree, ${explained.length} differ on purpose, ${unexplained.length} unexplained`,
    );
    for (const e of explained) t.diagnostic(`on purpose: ${e}`);
    assert.deepEqual(unexplained, [], `unexplained disagreements:\n${unexplained.join('\n')}`);
  });
});
