/** Where the built executables are, and a helper that runs one (arm64 under qemu-user). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run, type ExecResult } from './exec';
import { ROOT } from './vm';

export function binaryPath(arch: 'x64' | 'arm64' = 'x64'): string {
  const p = path.join(ROOT, 'dist', `halb-linux-${arch}`);
  if (!fs.existsSync(p)) throw new Error(`${p} missing: run 'make binary ARCH=${arch}'`);
  return p;
}

/** The arm64 sysroot: Debian's cross C libraries (libc6-arm64-cross, libstdc++6-arm64-cross). */
export const ARM64_SYSROOT = '/usr/aarch64-linux-gnu';

export function runBinary(
  arch: 'x64' | 'arm64',
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<ExecResult> {
  const bin = binaryPath(arch);
  const argv =
    arch === 'arm64'
      ? ['env', `QEMU_LD_PREFIX=${ARM64_SYSROOT}`, 'qemu-aarch64-static', bin, ...args]
      : [bin, ...args];
  const envArgs = Object.entries(env).map(([k, v]) => `${k}=${v ?? ''}`);
  return run(envArgs.length > 0 ? ['env', ...envArgs, ...argv] : argv, { timeoutMs: 120000 });
}
