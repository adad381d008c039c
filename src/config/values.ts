/**
 * Checking and typing a keyword's arguments against its ValueSpec. Messages
 * give the range or the choices, so the fix is obvious.
 */
import * as net from 'node:net';
import type { ValueSpec } from './schema/types';

export type Value = boolean | number | string | readonly string[];

export type Checked =
  | { readonly ok: true; readonly value: Value }
  | { readonly ok: false; readonly message: string; readonly arg: number };

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

export function parseBool(word: string): boolean | undefined {
  const w = word.toLowerCase();
  if (TRUE.has(w)) return true;
  if (FALSE.has(w)) return false;
  return undefined;
}

function fmt(n: number): string {
  return String(n);
}

function fail(message: string, arg = 0): Checked {
  return { ok: false, message, arg };
}

function tooManyOf(keyword: string, args: readonly string[], max: number): Checked | undefined {
  return args.length > max
    ? fail(
        `'${keyword}' takes ${max === 0 ? 'no value' : max === 1 ? 'one value' : `at most ${max} values`}; remove '${args[max]}'`,
        max,
      )
    : undefined;
}

const INT_RE = /^[+-]?\d+$/;
const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)$/;

export function checkValue(
  keyword: string,
  spec: ValueSpec,
  args: readonly string[],
  unit?: string,
): Checked {
  const first = args[0];
  switch (spec.kind) {
    case 'flag':
      return tooManyOf(keyword, args, 0) ?? { ok: true, value: true };
    case 'bool': {
      if (first === undefined) return { ok: true, value: true };
      const b = parseBool(first);
      if (b === undefined)
        return fail(`'${keyword}' takes true/false, yes/no or on/off, not '${first}'`);
      return tooManyOf(keyword, args, 1) ?? { ok: true, value: b };
    }
    case 'int':
    case 'number': {
      if (first === undefined) {
        return spec.optional
          ? { ok: true, value: true }
          : fail(
              `'${keyword}' needs a value in [${fmt(spec.min)}, ${fmt(spec.max)}]${unit ? ` ${unit}` : ''}`,
            );
      }
      const re = spec.kind === 'int' ? INT_RE : NUMBER_RE;
      if (!re.test(first)) {
        return fail(
          `'${keyword}' needs ${spec.kind === 'int' ? 'an integer' : 'a number'} in [${fmt(spec.min)}, ${fmt(spec.max)}], not '${first}'`,
        );
      }
      const n = Number(first);
      if (n < spec.min || n > spec.max) {
        return fail(
          `'${keyword}' value ${first} is outside [${fmt(spec.min)}, ${fmt(spec.max)}]${unit ? ` ${unit}` : ''}`,
        );
      }
      const suffix = spec.kind === 'int' ? spec.suffix : undefined;
      if (suffix && args[1] !== undefined) {
        if (!suffix.includes(args[1]))
          return fail(
            `'${keyword} ${first}' may be followed by ${suffix.join(' or ')}, not '${args[1]}'`,
            1,
          );
        // The number with its suffix stays words, so printing it back is exact.
        return tooManyOf(keyword, args, 2) ?? { ok: true, value: [first, args[1]] };
      }
      return tooManyOf(keyword, args, 1) ?? { ok: true, value: n };
    }
    case 'enum': {
      if (first === undefined) {
        return spec.optional
          ? { ok: true, value: true }
          : fail(`'${keyword}' needs one of ${spec.values.join(', ')}`);
      }
      const hit = spec.values.find((v) =>
        spec.caseInsensitive ? v.toLowerCase() === first.toLowerCase() : v === first,
      );
      if (!hit) return fail(`'${keyword}' takes one of ${spec.values.join(', ')}, not '${first}'`);
      if (spec.rest && args.length > 1) return { ok: true, value: [hit, ...args.slice(1)] };
      return tooManyOf(keyword, args, 1) ?? { ok: true, value: hit };
    }
    case 'word':
      if (first === undefined)
        return spec.optional ? { ok: true, value: true } : fail(`'${keyword}' needs a value`);
      return tooManyOf(keyword, args, 1) ?? { ok: true, value: first };
    case 'ip': {
      if (first === undefined)
        return spec.optional ? { ok: true, value: true } : fail(`'${keyword}' needs an IP address`);
      const fam = net.isIP(first);
      if (fam === 0) return fail(`'${keyword}' needs an IP address, not '${first}'`);
      if (spec.family && fam !== spec.family)
        return fail(`'${keyword}' needs an IPv${spec.family} address, not '${first}'`);
      return tooManyOf(keyword, args, 1) ?? { ok: true, value: first };
    }
    case 'words':
      if (args.length < spec.min)
        return fail(`'${keyword}' needs at least ${spec.min} value${spec.min === 1 ? '' : 's'}`);
      if (spec.max !== undefined) {
        const t = tooManyOf(keyword, args, spec.max);
        if (t) return t;
      }
      return { ok: true, value: [...args] };
  }
}
