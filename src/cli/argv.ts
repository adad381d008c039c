/**
 * A small getopt: short and long options, values required, optional (`-t` or
 * `-tFILE`, `--config-test=FILE`) or absent, bundled short flags (`-nlD`).
 * Pure: argv in, options or a usage error out.
 */
export interface OptionSpec {
  readonly key: string;
  readonly short?: string;
  readonly long?: string;
  readonly value: 'none' | 'required' | 'optional';
}

export type ParsedOptions = Record<string, string | true>;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parseOptions(
  argv: readonly string[],
  specs: readonly OptionSpec[],
  context: string,
): { options: ParsedOptions; positionals: string[] } {
  const options: ParsedOptions = {};
  const positionals: string[] = [];
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short as string, s]));
  const byLong = new Map(specs.filter((s) => s.long).map((s) => [s.long as string, s]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const spec = byLong.get(name);
      if (!spec) throw new UsageError(`unknown option '--${name}' for ${context}`);
      if (spec.value === 'none') {
        if (eq >= 0) throw new UsageError(`option '--${name}' takes no value`);
        options[spec.key] = true;
      } else if (eq >= 0) {
        options[spec.key] = arg.slice(eq + 1);
      } else if (spec.value === 'required') {
        const next = argv[++i];
        if (next === undefined) throw new UsageError(`option '--${name}' needs a value`);
        options[spec.key] = next;
      } else {
        options[spec.key] = true;
      }
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const flag = arg[j] as string;
        const spec = byShort.get(flag);
        if (!spec) throw new UsageError(`unknown option '-${flag}' for ${context}`);
        if (spec.value === 'none') {
          options[spec.key] = true;
          continue;
        }
        const rest = arg.slice(j + 1);
        if (rest.length > 0) options[spec.key] = rest;
        else if (spec.value === 'required') {
          const next = argv[++i];
          if (next === undefined) throw new UsageError(`option '-${flag}' needs a value`);
          options[spec.key] = next;
        } else options[spec.key] = true;
        break;
      }
      continue;
    }
    positionals.push(arg);
  }
  return { options, positionals };
}
