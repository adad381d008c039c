/**
 * Load-time checks of a vrrp_instance's auth_hmac block, with keepalived
 * 2.4's rules and halb's stricter choice: where keepalived logs an error and
 * runs without the extension (no active key, a key it cannot use), halb
 * refuses the config — a typo must not turn advert authentication off.
 */
import { decodeHmacKey, type ReadSecret } from './hmac-keys';
import type { BlockReport, ModelBlock } from './validate';

export function checkAuthHmac(
  vi: ModelBlock,
  where: string,
  strict: boolean,
  read: ReadSecret | undefined,
  report: BlockReport,
): void {
  const b = vi.auth_hmac as ModelBlock | undefined;
  if (!b) return;
  const ids = new Set<number>();
  for (const [idText, value] of (b.key ?? []) as string[][]) {
    const id = Number(idText);
    if (!/^\d+$/.test(idText ?? '') || id < 1 || id > 255) {
      report(b, 'key', 'error', `${where}: auth_hmac key id '${idText}' must be between 1 and 255`);
      continue;
    }
    if (ids.has(id)) {
      report(
        b,
        'key',
        'error',
        `${where}: duplicate auth_hmac key id ${id}; give each key its own id`,
      );
      continue;
    }
    ids.add(id);
    const d = decodeHmacKey(value ?? '', read);
    if (d.ok === false) report(b, 'key', 'error', `${where}: auth_hmac key ${id}: ${d.error}`);
    else if (d.ok === true && d.warning)
      report(b, 'key', 'warning', `${where}: auth_hmac key ${id}: ${d.warning}`);
  }
  const active = b.active_key as number | undefined;
  if (active === undefined)
    report(
      b,
      undefined,
      'error',
      `${where}: auth_hmac has no active_key; add 'active_key ID' naming the key to sign with`,
    );
  else if (!ids.has(active))
    report(
      b,
      'active_key',
      'error',
      `${where}: auth_hmac active_key ${active} is not defined; add 'key ${active} ...' or name one of ${[...ids].join(', ') || 'its keys'}`,
    );
  if (vi.authentication !== undefined)
    report(
      vi,
      'authentication',
      'warning',
      `${where}: auth_hmac cannot be combined with authentication; the authentication block is ignored (as keepalived does)`,
    );
  const mode = b.mode as string | undefined;
  if (strict && mode !== undefined && mode !== 'enforce')
    report(
      b,
      'mode',
      'warning',
      `${where}: strict mode requires auth_hmac mode enforce; running with enforce`,
    );
}
