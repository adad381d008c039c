/**
 * Keeps the kernel's IPVS table in step with the config and the checkers'
 * reports: each update computes the desired table (desired.ts), diffs it
 * against what the kernel lists and applies only the difference. Updates are
 * serialized and a burst of them collapses into one more pass with the latest
 * inputs. Quorum state is carried from pass to pass (hysteresis needs it) and
 * its changes are logged as keepalived logs them.
 */
import type { LvsConfig, VirtualServerConfig } from '../config/lvs-config';
import type { HealthTable, ServiceId } from '../lvs/health';
import type { ApplyResult, IpvsKernel } from './client';
import { desiredTable, virtualServerId, type VirtualServerState } from './desired';
import { diffTable, type DiffOptions } from './diff';
import { describeOp, type IpvsOp } from './ops';
import type { TableEntry } from './types';

export interface ReconcileResult extends ApplyResult {
  readonly ops: readonly IpvsOp[];
}

function quorumLine(vs: VirtualServerConfig, s: VirtualServerState): string {
  return s.quorumUp
    ? `Gained quorum ${vs.quorum}+${vs.hysteresis}=${vs.quorum + vs.hysteresis} <= ${s.weightSum} for VS ${s.id}`
    : `Lost quorum ${vs.quorum}-${vs.hysteresis}=${vs.quorum - vs.hysteresis} > ${s.weightSum} for VS ${s.id}`;
}

export class IpvsReconciler {
  private quorum = new Map<ServiceId, boolean>();
  private latest: { lvs: LvsConfig; health: HealthTable } | undefined;
  private running: Promise<ReconcileResult> | undefined;
  private again = false;
  private current: ReadonlyMap<ServiceId, VirtualServerState> = new Map();
  /** The kernel's table as the last clean pass left it; undefined: read it again. */
  private known: readonly TableEntry[] | undefined;
  private knownFor: LvsConfig | undefined;

  constructor(
    private readonly kernel: IpvsKernel,
    private readonly log: (line: string) => void,
    private readonly opts: DiffOptions = {},
  ) {}

  /** The virtual servers' state as of the last pass (for status). */
  get states(): ReadonlyMap<ServiceId, VirtualServerState> {
    return this.current;
  }

  /**
   * New config (start, reload) or new health: the table follows. Resolves
   * with the pass that used these inputs (or a later one).
   */
  update(lvs: LvsConfig, health: HealthTable): Promise<ReconcileResult> {
    this.latest = { lvs, health };
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.loop().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async loop(): Promise<ReconcileResult> {
    let result: ReconcileResult;
    do {
      this.again = false;
      result = await this.pass();
    } while (this.again);
    return result;
  }

  private async pass(): Promise<ReconcileResult> {
    const { lvs, health } = this.latest as { lvs: LvsConfig; health: HealthTable };
    const d = desiredTable(lvs, health, this.quorum);
    d.problems.forEach((p) => this.log(p));
    const byId = new Map(lvs.virtualServers.map((vs) => [virtualServerId(vs), vs]));
    for (const [id, s] of d.states) {
      const before = this.quorum.get(id);
      const vs = byId.get(id);
      if (vs && before !== undefined && before !== s.quorumUp) this.log(quorumLine(vs, s));
    }
    this.quorum = new Map([...d.states].map(([id, s]) => [id, s.quorumUp]));
    this.current = d.states;
    const current = this.knownFor === lvs && this.known ? this.known : await this.kernel.list();
    const ops = diffTable(d.table, current, this.opts);
    const applied =
      ops.length > 0 ? await this.kernel.apply(ops) : { applied: 0, errors: [], skipped: 0 };
    const result: ReconcileResult = { ops, ...applied };
    // Unowned services stay in the kernel, so the cache keeps them only by re-reading.
    const clean = result.errors.length === 0 && this.opts.owns === undefined;
    this.known = clean ? d.table : undefined;
    this.knownFor = clean ? lvs : undefined;
    for (const o of result.ops) this.log(`IPVS: ${describeOp(o)}`);
    for (const e of result.errors) this.log(`IPVS: ${e.message}`);
    return result;
  }
}
