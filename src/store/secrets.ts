/**
 * Secrets (the console password hash...) live beside the generations, never in
 * keepalived.conf. A file that fails its checksum reads as no secrets, loudly,
 * so the console asks for a new password instead of trusting a torn one.
 */
import * as path from 'node:path';
import type { Logger } from '../core/log';
import { SettingsFile } from './settings-file';
import type { StoreFs } from './store-fs';

export const SECRETS_FILE = 'secrets.conf';
/** The box's own interface addresses (src/netconf), beside the secrets. */
export const INTERFACES_FILE = 'interfaces.conf';

export class SecretStore extends SettingsFile {
  constructor(dataDir: string, sfs: StoreFs, log: Logger) {
    super(path.join(dataDir, SECRETS_FILE), sfs, log);
  }
}
