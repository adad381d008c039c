/**
 * Console login. The password's scrypt hash lives in the config store's
 * secrets file on the data partition (never in keepalived.conf); on first
 * boot, or after a factory reset, there is none and the console asks for a
 * new one before anything else. Wrong answers cost a growing delay.
 */
import * as crypto from 'node:crypto';
import type { Terminal } from './terminal';

export const PASSWORD_KEY = 'console.password';
export const CONSOLE_USER = 'admin';
const N = 16384;

export interface SecretsAccess {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
}

export function hashPassword(password: string, salt = crypto.randomBytes(16)): string {
  const hash = crypto.scryptSync(password, salt, 32, { N, r: 8, p: 1 });
  return `scrypt$${N}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const [kind, n, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !n || !salt || !hash) return false;
  const want = Buffer.from(hash, 'base64');
  const got = crypto.scryptSync(password, Buffer.from(salt, 'base64'), want.length, {
    N: Number(n),
    r: 8,
    p: 1,
  });
  return crypto.timingSafeEqual(want, got);
}

export function passwordProblem(pw: string): string | null {
  if (pw.length < 8) return 'the password must have at least 8 characters';
  if (pw.length > 128) return 'the password must have at most 128 characters';
  return null;
}

/** Asks for a new password twice; true when it was saved. */
export async function setPassword(term: Terminal, secrets: SecretsAccess): Promise<boolean> {
  for (let tries = 0; tries < 3; tries++) {
    const a = await term.ask('New console password: ', { secret: true });
    if (a === null) return false;
    const problem = passwordProblem(a);
    if (problem) {
      term.say(`  ! ${problem}\n`);
      continue;
    }
    const b = await term.ask('Again: ', { secret: true });
    if (b === null) return false;
    if (a !== b) {
      term.say('  ! the two passwords differ\n');
      continue;
    }
    secrets.set(PASSWORD_KEY, hashPassword(a));
    term.say('Console password saved.\n');
    return true;
  }
  return false;
}

export type LoginOutcome = 'in' | 'failed' | 'gone';

/** One login: first boot sets the password, otherwise user and password are asked. */
export async function login(
  term: Terminal,
  secrets: SecretsAccess,
  banner: string,
  sleep: (ms: number) => Promise<void>,
): Promise<LoginOutcome> {
  term.say(`\n${banner}\n`);
  const stored = secrets.get(PASSWORD_KEY);
  if (stored === undefined) {
    term.say('First start: no console password is set. Choose one now (user is admin).\n');
    return (await setPassword(term, secrets)) ? 'in' : 'failed';
  }
  for (let attempt = 1; attempt <= 3; attempt++) {
    const user = await term.ask('login: ');
    if (user === null) return 'gone';
    const pw = await term.ask('Password: ', { secret: true });
    if (pw === null) return 'gone';
    if (user === CONSOLE_USER && verifyPassword(pw, stored)) return 'in';
    await sleep(1000 * attempt);
    term.say('Login incorrect\n');
  }
  return 'failed';
}
