/**
 * The box's own interface addresses from the console: shown as saved and as
 * the kernel has them now, changed one interface at a time, saved on the data
 * partition (applied again at every boot) and applied at once.
 */
import type { ConsoleContext } from './context';
import { formatAddress, parseAddressList, type IfAddress } from '../netconf/model';
import { askChoice, askValid, confirm } from './prompt';
import type { Terminal } from './terminal';

export async function interfacesMenu(term: Terminal, ctx: ConsoleContext): Promise<void> {
  const views = ctx.interfaceViews();
  term.say('INTERFACE   SAVED (set at boot)                 NOW\n');
  for (const v of views)
    term.say(
      `${v.name.padEnd(11)} ${(v.saved.map(formatAddress).join(' ') || '-').padEnd(35)} ${v.live.join(' ') || '-'}\n`,
    );
  if (views.length === 0) {
    term.say('This box has no network interfaces.\n');
    return;
  }
  const name = await askChoice(
    term,
    'Interface to set',
    views.map((v) => v.name),
    views[0]?.name,
  );
  const cur = views.find((v) => v.name === name)?.saved ?? [];
  const after = await askValid<IfAddress[]>(
    term,
    "Addresses (ADDRESS/PREFIX, comma separated; '-' for none)",
    parseAddressList,
    cur.map(formatAddress).join(',') || undefined,
  );
  if (
    !(await confirm(term, `Set ${name} to ${after.map(formatAddress).join(', ') || 'no address'}?`))
  ) {
    term.say('Nothing was changed.\n');
    return;
  }
  const lines = await ctx.setInterfaceAddresses(name, after);
  term.say((lines.length > 0 ? lines.join('\n') : 'No change was needed.') + '\n');
}
