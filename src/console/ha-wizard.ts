/**
 * The HA wizard: one VRRP instance from a few questions (role, interface,
 * VRID, priority, VIPs, unicast peer, authentication), every answer checked
 * as it is given. The result is the instance's keepalived.conf block; the
 * caller validates the whole file and saves it, or nothing.
 */
import {
  advertInterval,
  authPass,
  blockName,
  hostAddress,
  integer,
  list,
  virtualIp,
  type Checked,
} from './answers';
import { askChoice, askValid, confirm } from './prompt';
import type { Terminal } from './terminal';

export interface HaAnswers {
  readonly name: string;
  readonly role: 'MASTER' | 'BACKUP';
  readonly iface: string;
  readonly vrid: number;
  readonly priority: number;
  readonly version: 2 | 3;
  readonly advertInt: number;
  readonly vips: readonly string[];
  readonly peers: readonly string[];
  readonly authPass: string | null;
}

/** The instance as keepalived.conf text (column 0; the splicer indents it). */
export function haBlock(a: HaAnswers): string {
  const lines = [
    `vrrp_instance ${a.name} {`,
    `    state ${a.role}`,
    `    interface ${a.iface}`,
    `    virtual_router_id ${a.vrid}`,
    `    priority ${a.priority}`,
    `    advert_int ${a.advertInt}`,
  ];
  if (a.version === 3) lines.push('    version 3');
  if (a.authPass !== null)
    lines.push(
      '    authentication {',
      '        auth_type PASS',
      `        auth_pass ${a.authPass}`,
      '    }',
    );
  if (a.peers.length > 0)
    lines.push('    unicast_peer {', ...a.peers.map((p) => `        ${p}`), '    }');
  lines.push('    virtual_ipaddress {', ...a.vips.map((v) => `        ${v}`), '    }', '}');
  return lines.join('\n') + '\n';
}

/** The VIP list: every address valid, one family, no repeats. */
export function vipList(text: string): Checked<{ vips: string[]; family: 4 | 6 }> {
  const words = list(text);
  if (words.length === 0)
    return { ok: false, why: 'give at least one virtual IP, e.g. 192.0.2.100/24' };
  const vips: string[] = [];
  let family: 4 | 6 | null = null;
  for (const w of words) {
    const v = virtualIp(w);
    if (!v.ok) return v;
    if (family !== null && v.value.family !== family)
      return { ok: false, why: 'all virtual IPs of one instance must be IPv4, or all IPv6' };
    family = v.value.family;
    if (vips.includes(w)) return { ok: false, why: `${w} is given twice` };
    vips.push(w);
  }
  return { ok: true, value: { vips, family: family as 4 | 6 } };
}

function peerList(text: string, family: 4 | 6): Checked<string[]> {
  if (text === '-' || text === '') return { ok: true, value: [] };
  const peers: string[] = [];
  for (const w of list(text)) {
    const p = hostAddress(w, 'unicast peer');
    if (!p.ok) return p;
    if (w.includes(':') !== (family === 6))
      return { ok: false, why: `peer ${w} is not of the virtual IPs' family (IPv${family})` };
    peers.push(w);
  }
  return { ok: true, value: peers };
}

export async function runHaWizard(
  term: Terminal,
  interfaces: readonly string[],
  existing: readonly string[],
): Promise<HaAnswers> {
  term.say('\nHA wizard: one VRRP instance. Ctrl-C leaves without changing anything.\n');
  if (existing.length > 0)
    term.say(`Instances in the config now: ${existing.join(', ')} (same name = replace)\n`);
  const name = await askValid(
    term,
    'Instance name',
    (t) => blockName(t, 'the instance name'),
    existing[0] ?? 'VI_1',
  );
  const role = (
    await askChoice(term, 'Role of this box', ['master', 'backup'], 'master')
  ).toUpperCase() as 'MASTER' | 'BACKUP';
  const iface = await askChoice(term, 'Interface', interfaces, interfaces[0]);
  const vrid = await askValid(
    term,
    'Virtual router ID (VRID, same on both boxes)',
    (t) => integer(t, 1, 255, 'the VRID'),
    '51',
  );
  const priority = await askValid(
    term,
    'Priority (higher wins; 255 is only for the address owner)',
    (t) => integer(t, 1, 254, 'priority'),
    role === 'MASTER' ? '150' : '100',
  );
  const { vips, family } = await askValid(
    term,
    'Virtual IPs (ADDRESS/PREFIX, comma separated)',
    vipList,
  );
  let version: 2 | 3 = family === 6 ? 3 : 2;
  if (family === 4)
    version = Number(await askChoice(term, 'VRRP version', ['2', '3'], '2')) as 2 | 3;
  const advertInt = await askValid(
    term,
    'Advertisement interval in seconds',
    (t) => advertInterval(t, version),
    '1',
  );
  const peers = await askValid(
    term,
    "Unicast peers ('-' for multicast)",
    (t) => peerList(t, family),
    '-',
  );
  let pass: string | null = null;
  if (
    version === 2 &&
    (await confirm(term, 'Authenticate adverts with a password (auth_type PASS)?'))
  )
    pass = await askValid(term, 'VRRP password (1-8 characters, the same on both boxes)', authPass);
  return { name, role, iface, vrid, priority, version, advertInt, vips, peers, authPass: pass };
}
