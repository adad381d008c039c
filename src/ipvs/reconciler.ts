/**
 * One reconcile pass: read the kernel's table, diff against the desired one,
 * apply the difference. Errors on single entries are reported, never thrown;
 * the rest of the table still goes in.
 */
import type { ApplyResult, IpvsKernel } from './client';
import { diffTable, type DiffOptions } from './diff';
import type { IpvsOp } from './ops';
import type { TableEntry } from './types';

export interface ReconcileResult extends ApplyResult {
  readonly ops: readonly IpvsOp[];
}

export async function reconcile(
  kernel: IpvsKernel,
  desired: readonly TableEntry[],
  opts: DiffOptions = {},
): Promise<ReconcileResult> {
  const current = await kernel.list();
  const ops = diffTable(desired, current, opts);
  if (ops.length === 0) return { ops, applied: 0, errors: [], skipped: 0 };
  return { ops, ...(await kernel.apply(ops)) };
}
