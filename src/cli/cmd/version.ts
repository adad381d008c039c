/** `halb version`: what this build is, and whether its native addons load here. */
import { buildInfo, versionLine } from '../../core/build-info';
import { probeAddons } from '../../platform/native-addons';
import { halbSys } from '../../platform/halb-sys';

export function versionCommand(json: boolean, out: (s: string) => void): number {
  const info = buildInfo();
  const addons = probeAddons();
  let kernel: string;
  try {
    const u = halbSys().uname();
    kernel = `${u.sysname} ${u.release} ${u.machine}`;
  } catch (err) {
    kernel = `unknown (${(err as Error).message})`;
  }
  if (json) {
    out(
      JSON.stringify(
        { ...info, node: process.version, arch: process.arch, kernel, addons },
        null,
        2,
      ),
    );
  } else {
    out(versionLine(info));
    out(`kernel ${kernel}`);
    for (const a of addons) {
      out(
        'error' in a
          ? `addon ${a.name}: FAILED ${a.error}`
          : `addon ${a.name}: ${a.source} ${a.path}`,
      );
    }
  }
  return addons.some((a) => 'error' in a) ? 1 : 0;
}
