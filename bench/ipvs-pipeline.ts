/**
 * The host-side part of `halb ipvs-apply big.conf`, in process and stage by
 * stage: load (preprocess, tree, schema walk, semantics), lvs-config, desired
 * table, diff against an empty kernel table and the netlink datagrams of every
 * request, for the 100 x 100 config of bench/ipvs-program.ts. Needs no IPVS.
 * Medians of BENCH_RUNS runs (default 7) after one warm-up, in ms: which
 * stage to work on, not a comparison with keepalived (that is ipvs-program).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../src/config/load';
import { lvsConfig } from '../src/config/lvs-config';
import { desiredTable } from '../src/ipvs/desired';
import { diffTable } from '../src/ipvs/diff';
import { BATCH, frameBatch } from '../src/ipvs/batch';
import { writeOp } from '../src/ipvs/ops';
import { bigConf } from './ipvs-big-conf';
import { median } from './stats';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);

function ms(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function once(file: string): Record<string, number> {
  let t = process.hrtime.bigint();
  const loaded = loadConfig(file, { configId: 'bench' });
  if (loaded.diagnostics.some((d) => d.severity === 'error'))
    throw new Error('the bench config has errors');
  const load = ms(t);
  t = process.hrtime.bigint();
  const lvs = lvsConfig(loaded.model);
  const lvsMs = ms(t);
  t = process.hrtime.bigint();
  const desired = desiredTable(lvs, new Map());
  const desiredMs = ms(t);
  t = process.hrtime.bigint();
  const ops = diffTable(desired.table, []);
  const diff = ms(t);
  t = process.hrtime.bigint();
  let bytes = 0;
  for (let i = 0; i < ops.length; i += BATCH)
    bytes += frameBatch(0x1a, ops.slice(i, i + BATCH), writeOp, i).length;
  const encode = ms(t);
  if (ops.length !== 10100 || bytes === 0) throw new Error(`${ops.length} ops`);
  return { load, lvsConfig: lvsMs, desired: desiredMs, diff, encode };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halb-pipeline-'));
try {
  const file = path.join(dir, 'big.conf');
  fs.writeFileSync(file, bigConf());
  once(file);
  const runs = Array.from({ length: RUNS }, () => once(file));
  const stages = Object.keys(runs[0] as object);
  const med = Object.fromEntries(
    stages.map((s) => [s, Math.round(median(runs.map((r) => r[s] as number)) * 10) / 10]),
  );
  console.log(JSON.stringify({ runs: RUNS, medianMs: med }));
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
