/**
 * keepalived.conf on a dumb terminal: a line editor in the spirit of ed,
 * working on a copy. Nothing reaches the box until 's', which validates the
 * whole file first and refuses it with file:line messages when it is wrong.
 */
import { commit } from './commit';
import type { ConsoleContext } from './context';
import { page, type Terminal } from './terminal';

const HELP = `Editing a copy of keepalived.conf; nothing changes until you save.
  p [FROM [TO]]  print lines          r N      replace line N
  i N            insert after line N   a        append at the end
  d N [M]        delete lines N to M   n        paste a whole new file
  c              check only            s        check, save and apply
  h              this help             q        quit without saving
Lines you type or paste end with a line holding only '.'.
`;

export function numbered(lines: readonly string[], from = 1, to = lines.length): string {
  const width = String(lines.length).length;
  return lines
    .slice(from - 1, to)
    .map((l, i) => `${String(from + i).padStart(width)}  ${l}`)
    .join('\n');
}

async function readBlock(term: Terminal): Promise<string[] | null> {
  const out: string[] = [];
  for (;;) {
    const l = await term.ask('', { raw: true });
    if (l === null) return null;
    if (l.trim() === '.') return out;
    out.push(l);
  }
}

export async function viewConfig(term: Terminal, ctx: ConsoleContext): Promise<void> {
  const cur = ctx.config();
  term.say(
    `keepalived.conf, generation ${cur.generation ?? 'none'}${cur.note ? ` (${cur.note})` : ''}\n`,
  );
  await page(term, numbered(cur.body.replace(/\n$/, '').split('\n')));
}

export async function editConfig(term: Terminal, ctx: ConsoleContext): Promise<void> {
  const original = ctx.config().body;
  let lines = original.replace(/\n$/, '').split('\n');
  term.say(HELP);
  const lineNo = (w: string | undefined, max: number): number | null => {
    const n = Number(w);
    if (!Number.isInteger(n) || n < 0 || n > max) {
      term.say(`  ! give a line number from ${max === lines.length ? 1 : 0} to ${max}\n`);
      return null;
    }
    return n;
  };
  for (;;) {
    const cmd = await term.ask('edit> ');
    if (cmd === null) return;
    const [op = '', a, b] = cmd.split(/\s+/);
    switch (op) {
      case 'p': {
        const from = a === undefined ? 1 : lineNo(a, lines.length);
        const to = b === undefined ? lines.length : lineNo(b, lines.length);
        if (from !== null && to !== null) await page(term, numbered(lines, Math.max(1, from), to));
        break;
      }
      case 'r': {
        const n = lineNo(a, lines.length);
        if (n === null || n === 0) break;
        term.say(`${n}  ${lines[n - 1]}\n`);
        const text = await term.ask('new: ', { raw: true });
        if (text !== null) lines[n - 1] = text;
        break;
      }
      case 'i':
      case 'a': {
        const n = op === 'a' ? lines.length : lineNo(a, lines.length);
        if (n === null) break;
        const add = await readBlock(term);
        if (add) lines = [...lines.slice(0, n), ...add, ...lines.slice(n)];
        break;
      }
      case 'd': {
        const n = lineNo(a, lines.length);
        const m = b === undefined ? n : lineNo(b, lines.length);
        if (n === null || m === null || n === 0 || m < n) break;
        lines = [...lines.slice(0, n - 1), ...lines.slice(m)];
        break;
      }
      case 'n': {
        term.say("Paste the new keepalived.conf, then a line with only '.'\n");
        const all = await readBlock(term);
        if (all) lines = all;
        break;
      }
      case 'c': {
        const v = ctx.validate(lines.join('\n') + '\n');
        term.say(
          v.messages.map((m) => `  ${m}\n`).join('') +
            (v.ok ? 'The file is valid.\n' : 'The file has errors.\n'),
        );
        break;
      }
      case 's': {
        const body = lines.join('\n') + '\n';
        if (body === original) term.say('Nothing changed.\n');
        else if (await commit(term, ctx, body, 'console: edit keepalived.conf')) return;
        break;
      }
      case 'q':
        return;
      case 'h':
      case '':
        term.say(HELP);
        break;
      default:
        term.say(`  ! unknown command '${op}'; h shows the commands\n`);
    }
  }
}
