/** A diagnostic points at file:line:col and says what is wrong and in which block. */
export type Severity = 'error' | 'warning';

export interface Position {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export interface Diagnostic {
  readonly pos: Position;
  readonly severity: Severity;
  readonly message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.pos.file}:${d.pos.line}:${d.pos.col}: ${d.severity}: ${d.message}`;
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}
