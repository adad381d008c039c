/**
 * One real server of one virtual server: the combination of its checkers, as
 * keepalived's ipwrapper.c does it. The server is up only while every checker
 * is up; its weight is the configured one plus what dynamic checkers ask for
 * (MISC_CHECK misc_dynamic, FILE_CHECK). A change of either is one
 * HealthReport, one keepalived line and, for up/down, the notify script; the
 * first result after start is reported too, even when it changes nothing.
 */
import type { NotifyScript } from '../config/access';
import type { RealServerConfig } from '../config/lvs-config';
import type { Logger } from '../core/log';
import type { HealthReport, ServerId, ServiceId } from '../lvs/health';
import type { CheckResult } from './check';
import { serviceLine, weightLine } from './log-lines';
import type { CheckerState } from './schedule';

/** keepalived's IPVS_WEIGHT_MAX. */
export const WEIGHT_MAX = 65535;

interface Member {
  up: boolean;
  weightDelta: number;
}

export class ServerHealth {
  private readonly members: Member[];
  private last: HealthReport;
  private checked = false;
  private suspended = false;

  constructor(
    readonly service: ServiceId,
    readonly server: ServerId,
    private readonly rs: RealServerConfig,
    /** Each checker's starting state (alpha: down). */
    initialUp: readonly boolean[],
    private readonly log: Logger,
    private readonly notify: (script: NotifyScript) => void,
    private readonly emit: (r: HealthReport) => void,
    at: number,
    /** A checker changed state: `serverMoved` when the server went up or down with it (mail alerts). */
    private readonly checkerMoved?: (
      index: number,
      up: boolean,
      serverMoved: boolean,
      serverUp: boolean,
    ) => void,
  ) {
    this.members = initialUp.map((up) => ({ up, weightDelta: 0 }));
    this.last = this.compute(initialUp.length === 0 ? 'no checker' : 'not checked yet', at);
  }

  /** The report before any check has run. */
  get report(): HealthReport {
    return this.last;
  }

  private compute(detail: string, at: number): HealthReport {
    const up = this.members.every((m) => m.up);
    const sum = this.members.reduce((a, m) => a + m.weightDelta, 0);
    const weight = Math.max(0, Math.min(WEIGHT_MAX, this.rs.weight + sum));
    const base = {
      service: this.service,
      server: this.server,
      up,
      detail,
      at,
      ...(this.suspended ? { suspended: true } : {}),
    };
    return weight === this.rs.weight ? base : { ...base, weight };
  }

  /** ha_suspend: the report says whether the checks run; health and weight stay as they are. */
  setSuspended(on: boolean): void {
    if (on === this.suspended) return;
    this.suspended = on;
    const r = this.last;
    this.last = this.compute(r.detail, r.at);
    this.emit(this.last);
  }

  update(index: number, state: CheckerState, result: CheckResult, at: number): void {
    const m = this.members[index];
    if (!m) return;
    const wasUp = m.up;
    m.up = state.up;
    if (!state.up) m.weightDelta = 0;
    else if (result.ok && result.weightDelta !== undefined) m.weightDelta = result.weightDelta;
    const next = this.compute(result.detail, at);
    const before = this.last;
    const first = !this.checked;
    this.checked = true;
    this.last = next;
    if (wasUp !== state.up) this.checkerMoved?.(index, state.up, next.up !== before.up, next.up);
    if (next.up === before.up && next.weight === before.weight) {
      // The first result is reported too: the table then says what was seen, not "not checked yet".
      if (first) this.emit(next);
      return;
    }
    const wBefore = before.weight ?? this.rs.weight;
    const wNext = next.weight ?? this.rs.weight;
    if (wBefore !== wNext)
      this.log.info(weightLine(wBefore, wNext, before.up, this.server, this.service));
    if (next.up !== before.up) {
      this.log.info(serviceLine(next.up, this.rs.inhibitOnFailure, this.server, this.service));
      const script = next.up ? this.rs.notifyUp : this.rs.notifyDown;
      if (script && script.argv.length > 0) this.notify(script);
    }
    this.emit(next);
  }
}
