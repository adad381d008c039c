/**
 * keepalived's include checks (2.2.7 lib/parser.c): which problems with an
 * included file are errors. Each `include` variant carries its own checks;
 * `include_check` in global_defs (or `-e`) adds checks for every include after
 * it, until the end of the file that set them. A problem whose check is not on
 * is still said, as a warning, as keepalived logs it; one whose check is on
 * fails the configuration (keepalived exits 6, "no config").
 */
import { type GlobResult, hasBrace } from './glob';

/** Error if a match is a directory, not a regular non-executable file, or unreadable. */
export const READ = 0x01;
/** Error if nothing matches, unless a wildcard was used. */
export const MATCH = 0x02;
/** Error if nothing matches, wildcard or not. */
export const WILDCARD_MATCH = 0x04;
/** Error if any brace alternative matches nothing (and then nothing is read). */
export const BRACE_MATCH = 0x08;
export const ALL = READ | MATCH | WILDCARD_MATCH | BRACE_MATCH;

const VARIANTS: Record<string, number> = {
  include: 0,
  includer: READ,
  includem: READ | MATCH,
  includew: READ | MATCH | WILDCARD_MATCH,
  includeb: READ | BRACE_MATCH,
  includea: ALL,
};

export const INCLUDE_KEYWORDS: ReadonlySet<string> = new Set(Object.keys(VARIANTS));

/** The checks an include keyword (include, includer, includem, includew, includeb, includea) carries. */
export function includeType(keyword: string): number {
  return VARIANTS[keyword] ?? 0;
}

const NAMES: Record<string, number> = {
  read: READ,
  match: MATCH,
  wildcard_match: WILDCARD_MATCH,
  brace_match: BRACE_MATCH,
};

export interface CheckSetting {
  readonly value: number;
  /** Per argument index: what was wrong with it (keepalived ignores that argument). */
  readonly problems: ReadonlyArray<{ readonly arg: number; readonly message: string }>;
}

/**
 * `include_check [OPTION]...` applied to the current checks. No option means
 * all; a first bare option sets (with `read`), `+x` adds, `-x` removes. The
 * options are spelled as keepalived 2.2.7's code has them: `read`, not the
 * man page's `readable`.
 */
export function applyIncludeCheck(current: number, args: readonly string[]): CheckSetting {
  if (args.length === 0) return { value: ALL, problems: [] };
  let value = current;
  const problems: Array<{ arg: number; message: string }> = [];
  args.forEach((word, i) => {
    const sign = word[0] === '+' || word[0] === '-' ? word[0] : '';
    if (!sign && i > 0) {
      problems.push({
        arg: i,
        message: `include_check '${word}' after the first option needs '+' or '-' (keepalived ignores it as a duplicate)`,
      });
      return;
    }
    const name = word.slice(sign.length);
    const flag = NAMES[name];
    if (flag === undefined) {
      const hint = name === 'readable' ? "; keepalived 2.2.7 spells it 'read'" : '';
      problems.push({
        arg: i,
        message: `unknown include_check type '${name}' (read, match, wildcard_match or brace_match)${hint}; ignored`,
      });
      if (!sign) value = 0; // keepalived has cleared the checks before it looks at the name
      return;
    }
    if (!sign) value = READ | flag;
    else if (sign === '+') value |= flag;
    else value &= ~flag;
  });
  return { value, problems };
}

export interface Finding {
  /** The check that makes this an error. */
  readonly check: number;
  readonly message: string;
}

/**
 * What keepalived says about a glob's outcome, and whether it reads the
 * matches at all (not when nothing matched, nor when a brace alternative
 * matched nothing under brace_match). Per-file problems are separate
 * (fileFinding), as keepalived looks at each file when it opens it.
 */
export function judgeGlob(
  pattern: string,
  g: GlobResult,
  checks: number,
): { readonly read: boolean; readonly findings: Finding[] } {
  const missing = g.missingFiles > 0 || g.missingDirs > 0;
  if (g.files.length === 0) {
    if (missing)
      return {
        read: false,
        findings: [
          {
            check: hasBrace(pattern) ? BRACE_MATCH : MATCH,
            message: `no config file '${pattern}'`,
          },
        ],
      };
    if (g.haveWildcards && checks & WILDCARD_MATCH)
      return {
        read: false,
        findings: [{ check: WILDCARD_MATCH, message: `no config file matches '${pattern}'` }],
      };
    return { read: false, findings: [] };
  }
  if (!missing) return { read: true, findings: [] };
  const skip = (checks & BRACE_MATCH) !== 0;
  return {
    read: !skip,
    findings: [
      {
        check: BRACE_MATCH,
        message: `some config files of '${pattern}' are missing${skip ? '; none of them is read' : ''}`,
      },
    ],
  };
}

/** What keepalived's check_glob_file says about one match, or undefined when it is read. */
export function fileFinding(
  file: string,
  stat: { isFile: boolean; executable: boolean } | undefined,
): Finding | undefined {
  if (file.endsWith('/'))
    return { check: READ, message: `config file '${file}' is a directory; skipped` };
  if (!stat || !stat.isFile || stat.executable)
    return {
      check: READ,
      message: `config file '${file}' is not a regular non-executable file; skipped`,
    };
  return undefined;
}
