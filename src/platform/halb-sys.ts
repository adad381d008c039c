/** Typed face of the project's own addon (native/halb_sys.c). */
import { loadAddon } from './native-addons';

export interface HalbSys {
  ifNameToIndex(name: string): number;
  uname(): { sysname: string; release: string; machine: string };
}

export function halbSys(): HalbSys {
  return loadAddon<HalbSys>('halb_sys');
}
