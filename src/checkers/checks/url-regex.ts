/**
 * A url's `regex` (HTTP_GET / SSL_GET), as keepalived 2.2.7 applies it: the
 * body of the response is searched from `regex_min_offset`; a match must
 * start at or before `regex_max_offset` (PCRE2's offset limit); no match
 * fails the check, or with `regex_no_match` a match does. keepalived runs
 * PCRE2; halb runs the pattern as a JavaScript RegExp, which takes the same
 * syntax for what health pages use (classes, alternation, anchors, groups,
 * quantifiers, lazy quantifiers, lookahead). A pattern it cannot run is
 * refused when the config loads, with the reason. Options map where
 * JavaScript has them (caseless i, multiline m, dotall s, utf / ucp u);
 * `regex_stack` (PCRE2's JIT stack) has nothing to size here. Pure.
 */
import type { ModelBlock } from '../../config/validate';

export interface UrlRegex {
  readonly source: string;
  readonly re: RegExp;
  readonly noMatch: boolean;
  readonly minOffset: number;
  readonly maxOffset: number | undefined;
  /** utf: the body is decoded as UTF-8 (otherwise each byte is one character, as PCRE2 without utf). */
  readonly utf: boolean;
}

export interface RegexProblem {
  readonly keyword: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

/** PCRE2 options keepalived accepts, and their JavaScript flag ('' : nothing to do, undefined : not available). */
const OPTIONS: Record<string, string | undefined> = {
  caseless: 'i',
  multiline: 'm',
  dotall: 's',
  utf: 'u',
  ucp: 'u',
  never_ucp: '',
  never_utf: '',
  no_auto_capture: '',
  no_auto_possess: '',
  no_dotstar_anchor: '',
  no_start_optimize: '',
  auto_callout: '',
  dupnames: '',
  use_offset_limit: '',
  allow_empty_class: undefined,
  alt_bsux: undefined,
  dollar_endonly: undefined,
  extended: undefined,
  firstline: undefined,
  match_unset_backref: undefined,
  ungreedy: undefined,
  never_backslash_c: '',
  alt_circumflex: undefined,
  alt_verbnames: undefined,
};

function int(v: unknown): number | undefined {
  return typeof v === 'number'
    ? v
    : typeof v === 'string' && /^\d+$/.test(v)
      ? Number(v)
      : undefined;
}

/** The url block's regex, compiled, with what is wrong with it; undefined regex when it has none or it cannot run. */
export function urlRegex(url: ModelBlock): { regex?: UrlRegex; problems: RegexProblem[] } {
  const problems: RegexProblem[] = [];
  const source = url.regex;
  const has = (k: string): boolean => url[k] !== undefined;
  if (typeof source !== 'string') {
    for (const k of ['regex_no_match', 'regex_options', 'regex_min_offset', 'regex_max_offset'])
      if (has(k))
        problems.push({
          keyword: k,
          severity: 'warning',
          message: `'${k}' without 'regex' does nothing`,
        });
    return { problems };
  }
  let flags = '';
  for (const o of (url.regex_options ?? []) as string[]) {
    const name = o.toLowerCase();
    if (!(name in OPTIONS)) {
      problems.push({
        keyword: 'regex_options',
        severity: 'error',
        message: `unknown regex option '${o}'`,
      });
      continue;
    }
    const flag = OPTIONS[name];
    if (flag === undefined)
      problems.push({
        keyword: 'regex_options',
        severity: 'warning',
        message: `regex option '${o}' (PCRE2) has no equivalent in halb's matcher; ignored`,
      });
    else if (flag && !flags.includes(flag)) flags += flag;
  }
  let re: RegExp;
  try {
    re = new RegExp(source, `${flags}g`);
  } catch (err) {
    problems.push({
      keyword: 'regex',
      severity: 'error',
      message: `regex '${source}' cannot run here: ${(err as Error).message.replace(/^Invalid regular expression: /, '')} (halb matches with JavaScript regular expressions, which lack some PCRE2 syntax)`,
    });
    return { problems };
  }
  const minOffset = int(url.regex_min_offset) ?? 0;
  const maxOffset = int(url.regex_max_offset);
  if (maxOffset !== undefined && maxOffset < minOffset)
    problems.push({
      keyword: 'regex_max_offset',
      severity: 'error',
      message: `regex_max_offset ${maxOffset} is below regex_min_offset ${minOffset}`,
    });
  return {
    regex: {
      source,
      re,
      noMatch: url.regex_no_match === true,
      minOffset,
      maxOffset,
      utf: flags.includes('u'),
    },
    problems,
  };
}

/** Does the body pass? (A match where one is wanted, none under regex_no_match.) */
export function regexPasses(r: UrlRegex, body: Buffer): boolean {
  const text = body.toString(r.utf ? 'utf8' : 'latin1');
  r.re.lastIndex = r.minOffset;
  const m = r.minOffset > text.length ? null : r.re.exec(text);
  const matched = m !== null && (r.maxOffset === undefined || m.index <= r.maxOffset);
  return matched !== r.noMatch;
}
