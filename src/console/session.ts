/**
 * The console's main loop: log in, then the menu, until logout or idle;
 * then the login again. Every change goes through commit(): validated whole,
 * saved as a generation, applied with rollback.
 */
import { findBlock, blocks, putBlock } from './conf-splice';
import { commit } from './commit';
import type { ConsoleContext } from './context';
import { haBlock, runHaWizard } from './ha-wizard';
import { interfacesMenu } from './interfaces-menu';
import { login, setPassword } from './login';
import { Cancelled, confirm } from './prompt';
import { editConfig, viewConfig } from './raw-editor';
import { serversMenu } from './servers-menu';
import { page, type Terminal } from './terminal';

export const MENU = [
  ['1', 'Status (VRRP, servers, system)'],
  ['2', 'Interface addresses'],
  ['3', 'HA wizard (VRRP instance)'],
  ['4', 'Virtual and real servers'],
  ['5', 'View keepalived.conf'],
  ['6', 'Edit keepalived.conf'],
  ['7', 'Generations and roll back'],
  ['8', 'Factory reset'],
  ['9', 'Reboot'],
  ['10', 'Shell'],
  ['11', 'Change console password'],
  ['0', 'Log out'],
] as const;

function menuText(): string {
  const half = Math.ceil(MENU.length / 2);
  const rows: string[] = [];
  for (let i = 0; i < half; i++) {
    const cell = (e: readonly [string, string] | undefined): string =>
      e ? `${e[0].padStart(2)}) ${e[1]}`.padEnd(38) : '';
    rows.push(` ${cell(MENU[i])}${cell(MENU[i + half])}`.trimEnd());
  }
  return rows.join('\n') + '\n';
}

/** One login and its menu; resolves when the user logs out or goes idle. */
export async function consoleSession(term: Terminal, ctx: ConsoleContext): Promise<void> {
  const outcome = await login(term, ctx.secrets, ctx.banner, (ms) => ctx.sleep(ms));
  if (outcome !== 'in') {
    if (outcome === 'failed') await ctx.sleep(3000);
    return;
  }
  for (;;) {
    const cur = ctx.config();
    term.say(
      `\n${ctx.banner}   config generation ${cur.generation ?? 'none'}${cur.note ? ` (${cur.note})` : ''}\n`,
    );
    const summary = await ctx.summary();
    if (summary) term.say(summary + '\n');
    term.say(menuText());
    const choice = await term.ask('Enter an option: ');
    if (choice === null || choice === '0') {
      term.say('Logged out.\n');
      return;
    }
    try {
      if ((await dispatch(choice, term, ctx)) === 'logout') return;
    } catch (e) {
      if (e instanceof Cancelled) term.say('\nCancelled: nothing was changed.\n');
      else term.say(`\n  ! ${(e as Error).message}\n`);
    }
  }
}

async function dispatch(
  choice: string,
  term: Terminal,
  ctx: ConsoleContext,
): Promise<'logout' | void> {
  switch (choice) {
    case '1':
      await page(term, [...(await ctx.statusLines()), '', ...(await ctx.systemLines())].join('\n'));
      return;
    case '2':
      return interfacesMenu(term, ctx);
    case '3':
      return haWizard(term, ctx);
    case '4':
      return serversMenu(term, ctx);
    case '5':
      return viewConfig(term, ctx);
    case '6':
      return editConfig(term, ctx);
    case '7':
      return generationsMenu(term, ctx);
    case '8':
      if (!(await confirm(term, 'Erase the saved configuration and restore the factory defaults?')))
        return;
      term.say(`${await ctx.factoryReset()}\nThe console password is gone too: logging out.\n`);
      return 'logout';
    case '9':
      if (await confirm(term, 'Reboot the box now?')) {
        term.say('Rebooting...\n');
        await ctx.reboot();
      }
      return;
    case '10':
      term.say("Shell: 'exit' returns to the menu.\n");
      await ctx.shell();
      return;
    case '11':
      await setPassword(term, ctx.secrets);
      return;
    case '':
      return; // Enter alone shows the menu again, with a fresh summary
    default:
      term.say(`  ! '${choice}' is not an option; enter a number from the menu\n`);
  }
}

async function haWizard(term: Terminal, ctx: ConsoleContext): Promise<void> {
  const body = ctx.config().body;
  const existing = blocks(body)
    .filter((b) => b.keyword === 'vrrp_instance')
    .map((b) => b.args[0] ?? '');
  const a = await runHaWizard(term, ctx.interfaces(), existing);
  const block = haBlock(a);
  const replacing = findBlock(body, [['vrrp_instance', a.name]]) !== undefined;
  term.say(`\n${replacing ? 'Replacing' : 'Adding'} this instance:\n${block}`);
  await commit(
    term,
    ctx,
    putBlock(body, [['vrrp_instance', a.name]], block),
    `console: HA wizard ${a.name}`,
  );
}

async function generationsMenu(term: Terminal, ctx: ConsoleContext): Promise<void> {
  const gens = ctx.generations();
  const cur = ctx.config();
  term.say(`Running generation ${cur.generation ?? 'none'}. Saved generations, newest first:\n`);
  for (const g of gens)
    term.say(
      `${String(g.generation).padStart(6)}  ${g.ok ? `${g.savedAt ?? ''}  ${g.reason ?? ''}` : `BAD (${g.problem})`}\n`,
    );
  if (gens.length === 0) {
    term.say('Nothing saved yet: the box runs the factory defaults.\n');
    return;
  }
  const a = await term.ask('Roll back to generation (Enter: the previous one, q: leave): ');
  if (a === null || a.toLowerCase() === 'q') return;
  let target: number | undefined;
  if (a !== '') {
    target = Number(a);
    if (!gens.some((g) => g.ok && g.generation === target)) {
      term.say(`  ! ${a} is not a good saved generation\n`);
      return;
    }
  }
  if (await confirm(term, `Roll back to ${target ?? 'the previous generation'}?`))
    term.say(`${await ctx.rollback(target)}\n`);
}
