/**
 * What every checker is: one attempt, resolved (never rejected) with its
 * result. Scheduling, retries and up/down live in the runner, not here.
 */
export interface CheckResult {
  readonly ok: boolean;
  /** In words, for logs and HealthReport.detail: "connected", "HTTP status 503". */
  readonly detail: string;
  readonly timedOut?: boolean;
  /**
   * A change of the server's weight this checker asks for, relative to the
   * configured weight (MISC_CHECK misc_dynamic, FILE_CHECK).
   */
  readonly weightDelta?: number;
}

export interface Check {
  run(): Promise<CheckResult>;
  dispose?(): void;
}

export function ok(detail: string, weightDelta?: number): CheckResult {
  return weightDelta === undefined ? { ok: true, detail } : { ok: true, detail, weightDelta };
}

export function fail(detail: string, timedOut = false): CheckResult {
  return timedOut ? { ok: false, detail, timedOut } : { ok: false, detail };
}

export function errorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code ? `${e.code}` : e instanceof Error ? e.message : String(err);
}
