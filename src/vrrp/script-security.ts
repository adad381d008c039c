/**
 * keepalived's script security: a script run as root must not be changeable
 * by anyone else, so the file and every directory above it must be owned by
 * root (or the user it runs as) and not writable by group or others (a sticky
 * directory such as /tmp does not protect a file in it from its owner). And
 * the user scripts run as: script_user, else keepalived_script, else root.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface StatLike {
  readonly uid: number;
  readonly mode: number;
}

export type Stat = (p: string) => StatLike | undefined;

const defaultStat: Stat = (p) => {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
};

/** Why a script is unsafe to run as `uid`, or undefined when it is safe. */
export function insecureBecause(
  script: string,
  uid = 0,
  stat: Stat = defaultStat,
): string | undefined {
  if (!path.isAbsolute(script)) return `'${script}' is not an absolute path`;
  const st = stat(script);
  if (!st) return `'${script}' does not exist`;
  for (let p = script; ; p = path.dirname(p)) {
    const s = p === script ? st : stat(p);
    if (!s) return `'${p}' cannot be examined`;
    if (s.uid !== 0 && s.uid !== uid) return `'${p}' is owned by uid ${s.uid}`;
    if ((s.mode & 0o022) !== 0 && !((s.mode & 0o1000) !== 0 && p !== script))
      return `'${p}' is writable by group or others`;
    if ((s.mode & 0o1000) !== 0 && p !== script && st.uid !== 0 && st.uid !== uid)
      return `'${p}' is sticky and shared`;
    if (p === path.dirname(p)) return undefined;
  }
}

export interface RunAs {
  readonly uid: number;
  readonly gid: number;
  readonly name: string;
}

/** script_user USER [GROUP], else the keepalived_script user when it exists, else root. */
export function scriptUser(
  configured: readonly string[] | undefined,
  passwd = readPasswd(),
  group = readGroup(),
): RunAs {
  const lookup = (name: string): RunAs | undefined => {
    const u = passwd.find((e) => e.name === name);
    return u ? { uid: u.uid, gid: u.gid, name } : undefined;
  };
  if (configured && configured[0]) {
    const u = lookup(configured[0]);
    if (!u) throw new Error(`script_user '${configured[0]}' does not exist`);
    const g = configured[1] ? group.find((e) => e.name === configured[1]) : undefined;
    if (configured[1] && !g) throw new Error(`script_user group '${configured[1]}' does not exist`);
    return g ? { ...u, gid: g.gid } : u;
  }
  return lookup('keepalived_script') ?? { uid: 0, gid: 0, name: 'root' };
}

interface Entry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

export function readPasswd(): Entry[] {
  try {
    return fs
      .readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .map((l) => l.split(':'))
      .filter((f) => f.length >= 4)
      .map((f) => ({ name: f[0] as string, uid: Number(f[2]), gid: Number(f[3]) }));
  } catch {
    return [];
  }
}

export function readGroup(): Entry[] {
  try {
    return fs
      .readFileSync('/etc/group', 'utf8')
      .split('\n')
      .map((l) => l.split(':'))
      .filter((f) => f.length >= 3)
      .map((f) => ({ name: f[0] as string, uid: -1, gid: Number(f[2]) }));
  } catch {
    return [];
  }
}
