/**
 * What the console accepts as an answer, one pure check per kind of value.
 * Each returns the value or a message that says what is wrong and what would
 * be right, shown under the prompt before it is asked again.
 */
import * as net from 'node:net';

export type Checked<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly why: string };

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const no = (why: string): Checked<never> => ({ ok: false, why });

export function integer(text: string, min: number, max: number, what: string): Checked<number> {
  if (!/^\d+$/.test(text)) return no(`${what} must be a whole number from ${min} to ${max}`);
  const n = Number(text);
  if (n < min || n > max) return no(`${what} ${n} is out of range: use ${min} to ${max}`);
  return ok(n);
}

/** An address that can be a virtual IP or a peer: unicast, not this network's own. */
export function hostAddress(text: string, what: string): Checked<string> {
  const family = net.isIP(text);
  if (family === 0) return no(`'${text}' is not an IPv4 or IPv6 address (${what})`);
  if (family === 4) {
    const a = Number(text.split('.')[0]);
    if (a === 0 || a === 127 || a >= 224)
      return no(`${text} cannot be a ${what}: it is not a unicast address`);
  } else {
    const low = text.toLowerCase();
    if (low === '::' || low === '::1' || low.startsWith('ff'))
      return no(`${text} cannot be a ${what}: it is not a unicast address`);
  }
  return ok(text);
}

/** A virtual IP as keepalived takes it: ADDRESS[/PREFIX]; the prefix is checked for the family. */
export function virtualIp(
  text: string,
): Checked<{ address: string; prefix: number | null; family: 4 | 6 }> {
  const m = /^([^/\s]+)(?:\/(\d+))?$/.exec(text);
  if (!m) return no(`'${text}' is not ADDRESS or ADDRESS/PREFIX`);
  const addr = hostAddress(m[1] as string, 'virtual IP');
  if (!addr.ok) return addr;
  const family = net.isIP(addr.value) as 4 | 6;
  const max = family === 4 ? 32 : 128;
  let prefix: number | null = null;
  if (m[2] !== undefined) {
    prefix = Number(m[2]);
    if (prefix < 1 || prefix > max)
      return no(`prefix /${m[2]} is out of range for ${addr.value}: use 1 to ${max}`);
    if (family === 4 && prefix < 31 && isNetworkOrBroadcast(addr.value, prefix))
      return no(`${text} is the network or broadcast address of its subnet; pick a host address`);
  }
  return ok({ address: addr.value, prefix, family });
}

function isNetworkOrBroadcast(address: string, prefix: number): boolean {
  const n = address.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const hostBits = 32 - prefix;
  const host = n % 2 ** hostBits;
  return host === 0 || host === 2 ** hostBits - 1;
}

/** Several answers on one line, separated by commas or spaces. */
export function list(text: string): string[] {
  return text.split(/[\s,]+/).filter((w) => w !== '');
}

export function yes(text: string | null, dflt = false): boolean {
  if (text === null) return false;
  if (text === '') return dflt;
  return /^(y|yes)$/i.test(text);
}

/** advert_int: whole seconds for VRRPv2, centiseconds precision up to 40.95 s for v3. */
export function advertInterval(text: string, version: 2 | 3): Checked<number> {
  if (!/^\d+(\.\d+)?$/.test(text)) return no(`advert_int must be a number of seconds, e.g. 1`);
  const n = Number(text);
  if (version === 2) {
    if (!Number.isInteger(n) || n < 1 || n > 255)
      return no(`VRRPv2 advert_int must be whole seconds from 1 to 255`);
  } else if (n < 0.01 || n > 40.95 || Math.round(n * 100) !== n * 100) {
    return no(`VRRPv3 advert_int must be from 0.01 to 40.95 seconds in steps of 0.01`);
  }
  return ok(n);
}

/** keepalived uses the first 8 characters of auth_pass; longer is refused rather than cut. */
export function authPass(text: string): Checked<string> {
  if (text.length < 1 || text.length > 8) return no('the VRRP password must be 1 to 8 characters');
  if (!/^[\x21-\x7e]+$/.test(text))
    return no('the VRRP password must be printable ASCII without spaces');
  return ok(text);
}

/** A keepalived block name (instance, group): letters, digits, _ . - */
export function blockName(text: string, what: string): Checked<string> {
  if (!/^[A-Za-z0-9_.-]{1,32}$/.test(text))
    return no(`${what} must be 1 to 32 letters, digits, '_', '.' or '-'`);
  return ok(text);
}
