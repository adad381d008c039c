/**
 * Virtual and real servers from the console: list them, add or remove a
 * virtual server (address, port, protocol, scheduler, forwarding), add or
 * remove a real server with its health check. Each change is a block put in
 * or taken out of keepalived.conf's text, then committed whole.
 */
import * as net from 'node:net';
import { hostAddress, integer, type Checked } from './answers';
import { blocks, removeBlock, putBlock, type BlockSpan, type PathStep } from './conf-splice';
import { commit } from './commit';
import type { ConsoleContext } from './context';
import { askChoice, askValid } from './prompt';
import type { Terminal } from './terminal';
import { SCHEDULERS } from '../ipvs/types';

/** What the menu offers: the kernel's schedulers but twos, which the boards' 6.1 kernels lack. */
const MENU_SCHEDULERS = SCHEDULERS.filter((s) => s !== 'twos');

export interface VirtualServerAnswers {
  readonly address: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  readonly scheduler: string;
  readonly kind: 'NAT' | 'DR' | 'TUN';
  readonly delayLoop: number;
}

export interface RealServerAnswers {
  readonly address: string;
  readonly port: number;
  readonly weight: number;
  readonly check: 'TCP_CHECK' | 'HTTP_GET' | 'none';
  readonly url: string;
  readonly statusCode: number;
}

export function vsBlock(v: VirtualServerAnswers): string {
  return [
    `virtual_server ${v.address} ${v.port} {`,
    `    delay_loop ${v.delayLoop}`,
    `    lb_algo ${v.scheduler}`,
    `    lb_kind ${v.kind}`,
    `    protocol ${v.protocol}`,
    '}',
  ].join('\n');
}

export function rsBlock(r: RealServerAnswers): string {
  const lines = [`real_server ${r.address} ${r.port} {`, `    weight ${r.weight}`];
  if (r.check === 'TCP_CHECK') lines.push('    TCP_CHECK {', '        connect_timeout 3', '    }');
  if (r.check === 'HTTP_GET')
    lines.push(
      '    HTTP_GET {',
      '        url {',
      `            path ${r.url}`,
      `            status_code ${r.statusCode}`,
      '        }',
      '        connect_timeout 3',
      '    }',
    );
  lines.push('}');
  return lines.join('\n');
}

const virtualServers = (body: string): BlockSpan[] =>
  blocks(body).filter((b) => b.keyword === 'virtual_server');

function listing(body: string): string {
  const vss = virtualServers(body);
  if (vss.length === 0) return 'No virtual servers.\n';
  return (
    vss
      .map((vs, i) => {
        const rss = vs.children.filter((c) => c.keyword === 'real_server');
        return [
          `${i + 1}) virtual_server ${vs.args.join(' ')}`,
          ...rss.map((r, j) => `     ${i + 1}.${j + 1}) real_server ${r.args.join(' ')}`),
        ].join('\n');
      })
      .join('\n') + '\n'
  );
}

const port = (t: string): Checked<number> => integer(t, 1, 65535, 'the port');

function urlPath(t: string): Checked<string> {
  return /^\/[\x21-\x7e]*$/.test(t)
    ? { ok: true, value: t }
    : { ok: false, why: "the URL path must start with '/' and have no spaces" };
}

async function pickVs(term: Terminal, body: string): Promise<BlockSpan | null> {
  const vss = virtualServers(body);
  if (vss.length === 0) {
    term.say('There is no virtual server yet; add one first.\n');
    return null;
  }
  const n = await askValid(
    term,
    'Which virtual server (number)',
    (t) => integer(t, 1, vss.length, 'the number'),
    vss.length === 1 ? '1' : undefined,
  );
  return vss[n - 1] as BlockSpan;
}

async function addVs(term: Terminal, ctx: ConsoleContext): Promise<void> {
  const body = ctx.config().body;
  const address = await askValid(term, 'Virtual IP of the service', (t) =>
    hostAddress(t, 'virtual server address'),
  );
  const p = await askValid(term, 'Port', port, '80');
  const protocol = (await askChoice(term, 'Protocol', ['TCP', 'UDP'], 'TCP')) as 'TCP' | 'UDP';
  const scheduler = await askChoice(term, 'Scheduler', MENU_SCHEDULERS, 'wlc');
  const kind = (await askChoice(term, 'Forwarding', ['NAT', 'DR', 'TUN'], 'NAT')) as
    'NAT' | 'DR' | 'TUN';
  const delayLoop = await askValid(
    term,
    'Seconds between health checks (delay_loop)',
    (t) => integer(t, 1, 3600, 'delay_loop'),
    '6',
  );
  const args = `${address} ${p}`;
  if (
    virtualServers(body).some(
      (b) => b.args.join(' ') === args && b.children.some((c) => c.keyword === 'protocol'),
    )
  ) {
    term.say(`  ! virtual_server ${args} exists already; remove it first\n`);
    return;
  }
  const block = vsBlock({ address, port: p, protocol, scheduler, kind, delayLoop });
  term.say(`\nAdding:\n${block}\n`);
  await commit(
    term,
    ctx,
    putBlock(body, [['virtual_server', args]], block),
    `console: add virtual_server ${args}`,
  );
}

async function addRs(term: Terminal, ctx: ConsoleContext): Promise<void> {
  const body = ctx.config().body;
  const vs = await pickVs(term, body);
  if (!vs) return;
  const address = await askValid(term, 'Real server address', (t) =>
    hostAddress(t, 'real server address'),
  );
  if (net.isIP(address) !== net.isIP(vs.args[0] ?? ''))
    term.say('  (note: the real server is of another address family than the virtual server)\n');
  const p = await askValid(term, 'Port', port, vs.args[1]);
  const weight = await askValid(term, 'Weight', (t) => integer(t, 0, 65535, 'the weight'), '1');
  const check = (await askChoice(
    term,
    'Health check',
    ['TCP_CHECK', 'HTTP_GET', 'none'],
    'TCP_CHECK',
  )) as RealServerAnswers['check'];
  let url = '/';
  let statusCode = 200;
  if (check === 'HTTP_GET') {
    url = await askValid(term, 'URL path to fetch', urlPath, '/');
    statusCode = await askValid(
      term,
      'Expected HTTP status',
      (t) => integer(t, 100, 599, 'the status code'),
      '200',
    );
  }
  const path: PathStep[] = [
    ['virtual_server', vs.args.join(' ')],
    ['real_server', `${address} ${p}`],
  ];
  const block = rsBlock({ address, port: p, weight, check, url, statusCode });
  term.say(`\nIn virtual_server ${vs.args.join(' ')}:\n${block}\n`);
  await commit(
    term,
    ctx,
    putBlock(body, path, block),
    `console: real_server ${address} ${p} in ${vs.args.join(' ')}`,
  );
}

async function removeOne(term: Terminal, ctx: ConsoleContext): Promise<void> {
  const body = ctx.config().body;
  term.say(listing(body));
  const which = await askValid(
    term,
    'Remove which (e.g. 1 for a virtual server, 1.2 for a real server)',
    (t) =>
      /^\d+(\.\d+)?$/.test(t)
        ? { ok: true, value: t }
        : { ok: false, why: 'give N or N.M from the list' },
  );
  const [i, j] = which.split('.').map(Number);
  const vs = virtualServers(body)[(i ?? 0) - 1];
  if (!vs) return term.say(`  ! there is no virtual server ${i}\n`);
  const vsPath: PathStep = ['virtual_server', vs.args.join(' ')];
  if (j === undefined)
    return void (await commit(
      term,
      ctx,
      removeBlock(body, [vsPath]),
      `console: remove virtual_server ${vs.args.join(' ')}`,
    ));
  const rs = vs.children.filter((c) => c.keyword === 'real_server')[j - 1];
  if (!rs) return term.say(`  ! virtual server ${i} has no real server ${j}\n`);
  await commit(
    term,
    ctx,
    removeBlock(body, [vsPath, ['real_server', rs.args.join(' ')]]),
    `console: remove real_server ${rs.args.join(' ')}`,
  );
}

export async function serversMenu(term: Terminal, ctx: ConsoleContext): Promise<void> {
  for (;;) {
    term.say('\n' + listing(ctx.config().body));
    term.say(' a) add a virtual server   r) add a real server   d) remove one   q) back\n');
    const a = await term.ask('servers> ');
    if (a === null || a === 'q') return;
    if (a === 'a') await addVs(term, ctx);
    else if (a === 'r') await addRs(term, ctx);
    else if (a === 'd') await removeOne(term, ctx);
    else term.say(`  ! '${a}': answer a, r, d or q\n`);
  }
}
