/**
 * Asking until the answer is valid: the default in brackets is taken on an
 * empty line, a wrong answer is explained and asked again, Ctrl-C leaves the
 * whole dialog (Cancelled) so nothing is applied half way.
 */
import type { Checked } from './answers';
import type { Terminal } from './terminal';

export class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

export async function askValid<T>(
  term: Terminal,
  question: string,
  check: (text: string) => Checked<T>,
  dflt?: string,
  opts: { readonly secret?: boolean } = {},
): Promise<T> {
  for (;;) {
    const shown = dflt !== undefined && dflt !== '' && !opts.secret ? ` [${dflt}]` : '';
    const a = await term.ask(`${question}${shown}: `, opts);
    if (a === null) throw new Cancelled();
    const r = check(a === '' && dflt !== undefined ? dflt : a);
    if (r.ok) return r.value;
    term.say(`  ! ${r.why}\n`);
  }
}

export async function askChoice(
  term: Terminal,
  question: string,
  choices: readonly string[],
  dflt?: string,
): Promise<string> {
  return askValid(
    term,
    `${question} (${choices.join('/')})`,
    (t) => {
      const hit = choices.find((c) => c.toLowerCase() === t.toLowerCase());
      return hit
        ? { ok: true, value: hit }
        : { ok: false, why: `answer one of: ${choices.join(', ')}` };
    },
    dflt,
  );
}

export async function confirm(term: Terminal, question: string): Promise<boolean> {
  const a = await term.ask(`${question} [y/N]: `);
  if (a === null) throw new Cancelled();
  return /^(y|yes)$/i.test(a);
}
