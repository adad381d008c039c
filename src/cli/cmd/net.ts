/**
 * `halb net apply` (hidden): rcS brings up the interfaces with the addresses
 * saved on the console (interfaces.conf on the data partition). Nothing saved
 * is not an error; one line per change or problem.
 */
import { createLogger } from '../../core/log';
import { NetSettings } from '../../netconf/settings';
import { nodeStoreFs } from '../../store/store-fs';

export async function netApplyCommand(dataDir: string, out: (s: string) => void): Promise<number> {
  const log = createLogger({ ident: 'halb', detail: false, sink: out });
  for (const line of await new NetSettings(dataDir, nodeStoreFs(), log).applyAll()) out(line);
  return 0;
}
