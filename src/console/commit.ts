/**
 * The one way a console change reaches the box: validate the whole new file
 * (errors: show them, save nothing), ask, then save as a new generation and
 * reload halb (the store rolls back by itself when halb refuses it).
 */
import type { ConsoleContext } from './context';
import { Cancelled, confirm } from './prompt';
import type { Terminal } from './terminal';

/** True when the new config was saved. */
export async function commit(
  term: Terminal,
  ctx: ConsoleContext,
  body: string,
  reason: string,
): Promise<boolean> {
  const v = ctx.validate(body);
  for (const m of v.messages) term.say(`  ${m}\n`);
  if (!v.ok) {
    term.say('The new configuration has errors: nothing was saved.\n');
    return false;
  }
  let go: boolean;
  try {
    go = await confirm(term, 'Save and apply the new configuration?');
  } catch (e) {
    if (e instanceof Cancelled) go = false;
    else throw e;
  }
  if (!go) {
    term.say('Nothing was saved.\n');
    return false;
  }
  term.say('Saving and applying...\n');
  term.say(`${await ctx.apply(body, reason)}\n`);
  return true;
}
