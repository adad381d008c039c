/**
 * global_defs settings of the processes themselves, as keepalived 2.2.7's
 * global_parser.c reads them: `umask` (a number, 0-prefixed for octal, or
 * IRUSR|IWUSR|... bits) and the process names (`process_names` gives
 * keepalived's own: keepalived_vrrp, keepalived_lvs). Pure.
 */
import { flag, str, words } from './access';
import type { BlockReport, ModelBlock } from './validate';

const BITS: Record<string, number> = {
  IRUSR: 0o400,
  IWUSR: 0o200,
  IXUSR: 0o100,
  IRGRP: 0o040,
  IWGRP: 0o020,
  IXGRP: 0o010,
  IROTH: 0o004,
  IWOTH: 0o002,
  IXOTH: 0o001,
};

/** The umask the words give, or an error saying what is wrong. */
export function parseUmask(w: readonly string[]): { mask: number } | { error: string } {
  const first = w[0] ?? '';
  if (/^\d/.test(first)) {
    if (w.length !== 1) return { error: 'Extra parameter(s) to umask option' };
    // strtol(..., 0): 0x hex, a leading 0 octal, else decimal.
    const v = /^0x[0-9a-f]+$/i.test(first)
      ? parseInt(first, 16)
      : /^0[0-7]*$/.test(first)
        ? parseInt(first, 8)
        : /^[1-9]\d*$/.test(first)
          ? parseInt(first, 10)
          : NaN;
    if (!Number.isInteger(v) || v < 0 || v > 0o777)
      return { error: `invalid umask value ${first}` };
    return { mask: v };
  }
  let mask = 0;
  const parts = w.join('').split('|');
  for (const p of parts) {
    const bit = BITS[p];
    if (bit === undefined)
      return { error: p === '' ? 'umask missing bit value' : `Unknown umask bit ${p}` };
    mask |= bit;
  }
  return { mask };
}

export interface ProcessSettings {
  readonly umask: number | undefined;
  /** The VRRP daemon's comm (vrrp_process_name, process_names), else undefined. */
  readonly vrrpName: string | undefined;
  /** The checker process's (checker_process_name, process_names). */
  readonly checkerName: string | undefined;
}

/** The names keepalived's kernel-side comm can hold: 15 characters (TASK_COMM_LEN - 1). */
const comm = (name: string | undefined): string | undefined => name?.slice(0, 15);

export function processSettings(root: ModelBlock): ProcessSettings {
  const g = root.global_defs as ModelBlock | undefined;
  const u = words(g, 'umask');
  const parsed = u ? parseUmask(u) : undefined;
  const all = flag(g, 'process_names');
  return {
    umask: parsed && 'mask' in parsed ? parsed.mask : undefined,
    vrrpName: comm(str(g, 'vrrp_process_name') ?? (all ? 'keepalived_vrrp' : undefined)),
    checkerName: comm(str(g, 'checker_process_name') ?? (all ? 'keepalived_lvs' : undefined)),
  };
}

/** Load-time checks: a umask keepalived refuses, a name it truncates. */
export function checkProcessSettings(root: ModelBlock, report: BlockReport): void {
  const g = root.global_defs as ModelBlock | undefined;
  if (!g) return;
  const u = words(g, 'umask');
  const parsed = u ? parseUmask(u) : undefined;
  if (parsed && 'error' in parsed)
    report(
      g,
      'umask',
      'error',
      `${parsed.error}; write an octal number such as 022, or bits such as IWGRP|IWOTH`,
    );
  for (const k of ['vrrp_process_name', 'checker_process_name']) {
    const n = str(g, k);
    if (n !== undefined && n.length > 15)
      report(
        g,
        k,
        'warning',
        `Process name ${n} more than 15 characters, truncating to ${n.slice(0, 15)}`,
      );
  }
}
