/** interfaces.conf on the data partition: read, change one interface, apply all at boot. */
import * as path from 'node:path';
import type { Logger } from '../core/log';
import { halbSys } from '../platform/halb-sys';
import { INTERFACES_FILE } from '../store/secrets';
import { SettingsFile } from '../store/settings-file';
import type { StoreFs } from '../store/store-fs';
import { InterfaceAddresses } from './apply';
import { formatAddress, parseSettings, type IfAddress } from './model';

export interface InterfaceView {
  readonly name: string;
  /** What the data partition says (applied at boot). */
  readonly saved: readonly IfAddress[];
  /** What the kernel has now (VIPs included). */
  readonly live: readonly string[];
}

export class NetSettings {
  private readonly file: SettingsFile;

  constructor(
    dataDir: string,
    sfs: StoreFs,
    private readonly log: Logger,
  ) {
    this.file = new SettingsFile(path.join(dataDir, INTERFACES_FILE), sfs, log);
  }

  saved(): Map<string, IfAddress[]> {
    const { interfaces, problems } = parseSettings(this.file.all());
    for (const p of problems) this.log.warn(`interfaces: ${p}; skipped`);
    return interfaces;
  }

  view(names: readonly string[]): InterfaceView[] {
    const saved = this.saved();
    // From the kernel whatever the link's state (os.networkInterfaces() leaves out
    // an interface without carrier, as if the addresses just set had not been).
    const sys = halbSys();
    const live = sys.addresses();
    const indexOf = (name: string): number | undefined => {
      try {
        return sys.ifNameToIndex(name);
      } catch {
        return undefined;
      }
    };
    return names.map((name) => {
      const index = indexOf(name);
      return {
        name,
        saved: saved.get(name) ?? [],
        live: live.filter((a) => a.index === index).map((a) => `${a.address}/${a.prefix}`),
      };
    });
  }

  /** Saves first (the next boot has it even if applying fails), then applies the change. */
  async set(name: string, after: readonly IfAddress[]): Promise<string[]> {
    const before = this.saved().get(name) ?? [];
    this.file.set(name, after.length === 0 ? undefined : after.map(formatAddress).join(' '));
    const rt = new InterfaceAddresses();
    try {
      return await rt.apply(name, before, after);
    } finally {
      rt.dispose();
    }
  }

  /** At boot: every saved interface up with its addresses. One line per change or problem. */
  async applyAll(): Promise<string[]> {
    const rt = new InterfaceAddresses();
    const lines: string[] = [];
    try {
      for (const [name, addrs] of this.saved()) {
        try {
          lines.push(...(await rt.apply(name, [], addrs)));
        } catch (e) {
          lines.push(`${name}: ${(e as Error).message}`);
        }
      }
    } finally {
      rt.dispose();
    }
    return lines;
  }
}
