/**
 * MISC_CHECK (keepalived check_misc.c): runs misc_path; exit 0 is up, 1 is
 * down; with misc_dynamic, 2..255 is up with the weight set to status - 2
 * (and exit 0 puts back the configured weight). Without misc_dynamic any
 * non-zero status is down. Killed at misc_timeout (default delay_loop).
 */
import type { ModelBlock } from '../../config/validate';
import { splitWords } from '../../config/words';
import { fail, ok, type Check } from '../check';
import type { ScriptRunner } from '../scripts';

export interface MiscOptions {
  readonly argv: readonly string[];
  readonly timeoutMs: number;
  readonly dynamic: boolean;
  readonly user: readonly string[] | undefined;
}

export function miscOptions(o: ModelBlock, delayLoopS: number): MiscOptions {
  const path = (o.misc_path as string[] | undefined) ?? [];
  const argv = path.length === 1 ? splitWords(path[0] as string).map((w) => w.text) : path;
  const timeoutS = typeof o.misc_timeout === 'number' ? o.misc_timeout : delayLoopS;
  return {
    argv,
    timeoutMs: Math.round(timeoutS * 1000),
    dynamic: o.misc_dynamic === true,
    user: o.user as string[] | undefined,
  };
}

/** The pure rule: an exit status as a result, weight relative to the configured one. */
export function miscVerdict(code: number, dynamic: boolean, configuredWeight: number) {
  if (code === 0) return ok('exited with status 0', dynamic ? 0 : undefined);
  if (dynamic && code >= 2 && code <= 255)
    return ok(`exited with status ${code}`, code - 2 - configuredWeight);
  return fail(`exited with status ${code}`);
}

export function miscCheck(o: MiscOptions, scripts: ScriptRunner, configuredWeight: number): Check {
  const refused = scripts.refusal(o.argv, o.user);
  return {
    async run() {
      if (refused) return fail(`refused: ${refused}`);
      const r = await scripts.run(o.argv, o.timeoutMs, o.user);
      switch (r.kind) {
        case 'exit':
          return miscVerdict(r.code, o.dynamic, configuredWeight);
        case 'timeout':
          return fail(`timed out after ${o.timeoutMs / 1000} s`, true);
        case 'signal':
          return fail(`due to signal ${r.signal}`);
        case 'error':
          return fail(r.message);
      }
    },
  };
}
