/**
 * Test entry into the IPVS client, not in `halb help` (ipvs-list is
 * ipvs-list.ts: it needs no config loader):
 *   halb ipvs-apply FILE [--health FILE.json] [--dry-run] [--json] [--keep-others]
 * FILE is a keepalived.conf (its virtual servers, checkers not run: every real
 * server counts as its initial state; lvs_timeouts) or JSON: a table
 * (TableEntry[]) or { table?, timeouts?, syncDaemons? } (the daemons wanted
 * running: others are stopped).
 * ipvs-apply prints the kernel errors, one a line, and exits 1 when there was one.
 */
import * as fs from 'node:fs';
import { formatDiagnostic, hasErrors } from '../../config/diagnostics';
import { loadConfig } from '../../config/load';
import { lvsConfig } from '../../config/lvs-config';
import { healthKey, type HealthReport } from '../../lvs/health';
import { IpvsClient } from '../../ipvs/client';
import { desiredTable } from '../../ipvs/desired';
import { diffTable } from '../../ipvs/diff';
import { describeOp, writeOp, type IpvsOp } from '../../ipvs/ops';
import { BATCH, frameBatch } from '../../ipvs/batch';
import { timeoutsOf } from '../../ipvs/globals';
import type { IpvsTable, SyncDaemon, Timeouts } from '../../ipvs/types';
import { words } from '../../config/access';
import type { ModelBlock } from '../../config/validate';
import type { Command } from '../commands';

type Out = (s: string) => void;

/** HALB_TIMING=1: each stage's milliseconds on stderr (where the time goes on a slow board). */
const timing = process.env.HALB_TIMING === '1';
let stageStart = performance.now();
function stage(name: string, err: Out): void {
  const now = performance.now();
  if (timing) err(`timing: ${name} ${(now - stageStart).toFixed(1)} ms`);
  stageStart = now;
}

/**
 * With HALB_TIMING: the ops encoded twice more, not sent: cold (the first
 * time the encoder runs in this process) and warm. The apply stage then
 * encodes warm once more and waits for the kernel, so apply minus the warm
 * encoding is the kernel's work plus the acks (bench/ipvs-program's floor).
 */
function timeEncoding(ops: readonly IpvsOp[], err: Out): void {
  if (!timing) return;
  for (const when of ['cold', 'warm']) {
    for (let i = 0; i < ops.length; i += BATCH) frameBatch(0, ops.slice(i, i + BATCH), writeOp, 0);
    stage(`encode ${when} (not sent)`, err);
  }
}

interface Wanted {
  readonly table?: IpvsTable;
  readonly timeouts?: Timeouts;
  readonly syncDaemons?: readonly SyncDaemon[];
}

function readWanted(file: string, healthFile: string | undefined, err: Out): Wanted | undefined {
  if (file.endsWith('.json')) {
    const j = JSON.parse(fs.readFileSync(file, 'utf8')) as IpvsTable | Wanted;
    return Array.isArray(j) ? { table: j } : (j as Wanted);
  }
  if (timing) err(`timing: process start to this command ${stageStart.toFixed(1)} ms`);
  stage('start', err);
  const loaded = loadConfig(file, { allConfig: true });
  stage('load', err);
  loaded.diagnostics
    .filter((d) => d.severity === 'error')
    .map(formatDiagnostic)
    .forEach((l) => err(l));
  if (loaded.missing || hasErrors(loaded.diagnostics)) return undefined;
  const reports = healthFile
    ? (JSON.parse(fs.readFileSync(healthFile, 'utf8')) as HealthReport[])
    : [];
  const health = new Map(reports.map((r) => [healthKey(r.service, r.server), r]));
  const lvs = lvsConfig(loaded.model);
  stage('lvs-config', err);
  const d = desiredTable(lvs, health);
  stage('desired', err);
  d.problems.forEach((p) => err(p));
  const globals = loaded.model.global_defs as ModelBlock | undefined;
  const timeouts = timeoutsOf(words(globals, 'lvs_timeouts'));
  return { table: d.table, ...(timeouts ? { timeouts } : {}) };
}

async function applySyncDaemons(client: IpvsClient, want: readonly SyncDaemon[]): Promise<void> {
  const running = await client.syncDaemons();
  const same = (a: SyncDaemon, b: SyncDaemon): boolean =>
    a.interface === b.interface && a.syncId === b.syncId;
  for (const r of running) {
    const w = want.find((x) => x.state === r.state);
    if (!w || !same(w, r)) await client.stopSyncDaemon(r.state);
  }
  for (const w of want) {
    const r = running.find((x) => x.state === w.state);
    if (!r || !same(w, r)) await client.startSyncDaemon(w);
  }
}

export async function ipvsApplyCommand(
  cmd: Extract<Command, { kind: 'ipvs-apply' }>,
  out: Out,
  err: Out,
): Promise<number> {
  const wanted = readWanted(cmd.file, cmd.healthFile, err);
  if (!wanted) return 1;
  const client = await IpvsClient.open();
  try {
    if (wanted.timeouts && !cmd.dryRun) await client.setTimeouts(wanted.timeouts);
    if (wanted.syncDaemons && !cmd.dryRun) await applySyncDaemons(client, wanted.syncDaemons);
    if (!wanted.table) return 0;
    stage('open', err);
    const current = await client.list();
    stage('list', err);
    const ops = diffTable(wanted.table, current, cmd.keepOthers ? { owns: () => false } : {});
    stage('diff', err);
    if (cmd.dryRun) {
      if (cmd.json) out(JSON.stringify(ops, null, 2));
      else ops.forEach((o) => out(describeOp(o)));
      return 0;
    }
    timeEncoding(ops, err);
    const result = await client.apply(ops);
    stage('apply', err);
    result.errors.forEach((e) => err(e.message));
    if (cmd.json) out(JSON.stringify({ ops: ops.map(describeOp), ...result }, null, 2));
    else out(`${ops.length} changes: ${result.applied} applied, ${result.errors.length} refused`);
    return result.errors.length > 0 ? 1 : 0;
  } finally {
    client.dispose();
  }
}
