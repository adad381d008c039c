/**
 * A test-only data disk for the firmware VM: the host's ipvsadm and keepalived
 * (Debian's, the reference implementations) with the libraries they need that
 * the firmware lacks, under /data/tools, plus the test's own files under
 * /data/cases. The product image stays as it ships; the VM boots with this
 * disk as its data partition.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const TOOLS = ['/usr/sbin/ipvsadm', '/usr/sbin/keepalived'];
/** The firmware ships these (Debian's libc6, the same release as the host's). */
const IN_FIRMWARE = /^(libc|libm|libpthread|libdl|librt|ld-linux-x86-64)\.so/;

/** Runs a tool inside the VM: `${TOOL_ENV} /data/tools/bin/ipvsadm -Ln`. */
export const TOOL_ENV = 'LD_LIBRARY_PATH=/data/tools/lib';
export const IPVSADM = `${TOOL_ENV} /data/tools/bin/ipvsadm`;
export const KEEPALIVED = `${TOOL_ENV} /data/tools/bin/keepalived`;

function libsOf(binary: string): string[] {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  return [...out.matchAll(/=>\s+(\/\S+)/g)].map((m) => m[1] as string);
}

export interface ToolsDisk {
  readonly image: string;
  dispose(): void;
}

/** cases: file name -> content, written to /data/cases/NAME. */
export function toolsDisk(cases: Record<string, string>): ToolsDisk {
  for (const t of TOOLS)
    if (!fs.existsSync(t)) throw new Error(`${t} missing: run scripts/setup.sh (test oracle)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halb-ipvs-tools-'));
  const stage = path.join(dir, 'stage');
  const bin = path.join(stage, 'tools', 'bin');
  const lib = path.join(stage, 'tools', 'lib');
  const casesDir = path.join(stage, 'cases');
  for (const d of [bin, lib, casesDir]) fs.mkdirSync(d, { recursive: true });
  for (const t of TOOLS) {
    fs.copyFileSync(t, path.join(bin, path.basename(t)));
    fs.chmodSync(path.join(bin, path.basename(t)), 0o755);
    for (const l of libsOf(t)) {
      const name = path.basename(l);
      if (!IN_FIRMWARE.test(name)) fs.copyFileSync(l, path.join(lib, name));
    }
  }
  for (const [name, text] of Object.entries(cases))
    fs.writeFileSync(path.join(casesDir, name), text);
  const image = path.join(dir, 'data.img');
  fs.writeFileSync(image, '');
  fs.truncateSync(image, 256 * 1024 * 1024);
  execFileSync('mkfs.ext4', ['-q', '-F', '-L', 'halb-data', '-d', stage, image]);
  return {
    image,
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
