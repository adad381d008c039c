/**
 * FILE_CHECK: the number in a track_file (keepalived track_file.c
 * process_update_checker_track_file_status). With weight 0, a non-zero value
 * (zero with reverse) takes the server down; otherwise value x weight
 * (negated with reverse) is added to the server's weight, and a sum at or
 * below IPVS_WEIGHT_FAULT takes it down.
 */
import { readFile } from 'node:fs/promises';
import { parseTrackValue } from '../../vrrp/file-tracker';
import { fail, ok, type Check, type CheckResult } from '../check';

/** keepalived's IPVS_WEIGHT_FAULT (-IPVS_WEIGHT_MAX - 1). */
export const WEIGHT_FAULT = -65536;

export interface FileCheckOptions {
  readonly name: string;
  readonly file: string;
  readonly weight: number;
  readonly reverse: boolean;
}

export function fileVerdict(value: number, weight: number, reverse: boolean): CheckResult {
  if (weight === 0) {
    const fault = (value !== 0) !== reverse;
    return fault ? fail(`value ${value}`) : ok(`value ${value}`, 0);
  }
  const delta = Math.max(WEIGHT_FAULT, Math.min(65535, value * weight * (reverse ? -1 : 1)));
  return delta <= WEIGHT_FAULT ? fail(`value ${value}`) : ok(`value ${value}`, delta);
}

export function fileCheck(o: FileCheckOptions): Check {
  return {
    async run() {
      let text: string | undefined;
      try {
        text = await readFile(o.file, 'utf8');
      } catch {
        text = undefined;
      }
      return fileVerdict(parseTrackValue(text), o.weight, o.reverse);
    },
  };
}
