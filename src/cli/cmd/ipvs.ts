/**
 * Test entries into the IPVS client, not in `halb help`:
 *   halb ipvs-list [--json]
 *   halb ipvs-apply FILE [--health FILE.json] [--dry-run] [--json] [--keep-others]
 * FILE is a keepalived.conf (its virtual servers, checkers not run: every real
 * server counts as its initial state) or a JSON table (TableEntry[]).
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
import { formatTable } from '../../ipvs/format';
import { describeOp } from '../../ipvs/ops';
import type { IpvsTable } from '../../ipvs/types';
import type { Command } from '../commands';

type Out = (s: string) => void;

export async function ipvsListCommand(json: boolean, out: Out): Promise<number> {
  const client = await IpvsClient.open();
  try {
    const table = await client.list();
    if (json) out(JSON.stringify(table, null, 2));
    else formatTable(table).forEach((l) => out(l));
    return 0;
  } finally {
    client.dispose();
  }
}

function readDesired(
  file: string,
  healthFile: string | undefined,
  err: Out,
): IpvsTable | undefined {
  if (file.endsWith('.json')) return JSON.parse(fs.readFileSync(file, 'utf8')) as IpvsTable;
  const loaded = loadConfig(file, { allConfig: true });
  loaded.diagnostics
    .filter((d) => d.severity === 'error')
    .map(formatDiagnostic)
    .forEach((l) => err(l));
  if (loaded.missing || hasErrors(loaded.diagnostics)) return undefined;
  const reports = healthFile
    ? (JSON.parse(fs.readFileSync(healthFile, 'utf8')) as HealthReport[])
    : [];
  const health = new Map(reports.map((r) => [healthKey(r.service, r.server), r]));
  const d = desiredTable(lvsConfig(loaded.model), health);
  d.problems.forEach((p) => err(p));
  return d.table;
}

export async function ipvsApplyCommand(
  cmd: Extract<Command, { kind: 'ipvs-apply' }>,
  out: Out,
  err: Out,
): Promise<number> {
  const desired = readDesired(cmd.file, cmd.healthFile, err);
  if (!desired) return 1;
  const client = await IpvsClient.open();
  try {
    const current = await client.list();
    const ops = diffTable(desired, current, cmd.keepOthers ? { owns: () => false } : {});
    if (cmd.dryRun) {
      if (cmd.json) out(JSON.stringify(ops, null, 2));
      else ops.forEach((o) => out(describeOp(o)));
      return 0;
    }
    const result = await client.apply(ops);
    result.errors.forEach((e) => err(e.message));
    if (cmd.json) out(JSON.stringify({ ops: ops.map(describeOp), ...result }, null, 2));
    else out(`${ops.length} changes: ${result.applied} applied, ${result.errors.length} refused`);
    return result.errors.length > 0 ? 1 : 0;
  } finally {
    client.dispose();
  }
}
