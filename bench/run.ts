/**
 * make bench: the walking skeleton's numbers, side by side with keepalived in
 * the same run where there is a keepalived counterpart, written to
 * bench/results/skeleton.json. Times are medians; compare ratios, not seconds.
 *
 *  - executable size (x64, arm64)
 *  - start-up time and peak RSS of `halb version` vs `keepalived -v`
 *  - firmware image size, and boot time to `halb run` started (TCG)
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Vm, firmwareDir, ROOT } from '../test/rigs/vm';
import { runBench, writeResults } from './report';
import { median, ratio } from './stats';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS; // adds ~50 ms to Node 20 starts; unset for both sides

function timeRun(argv: string[]): { ms: number; rssKb: number } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', ...argv], { env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
  const rssKb = Number(r.stderr.trim().split('\n').pop());
  return { ms, rssKb };
}

function startup(argv: string[]): { medianMs: number; medianRssKb: number } {
  timeRun(argv); // warm the page cache (and unpack addons once)
  const samples = Array.from({ length: RUNS }, () => timeRun(argv));
  return {
    medianMs: Math.round(median(samples.map((s) => s.ms)) * 10) / 10,
    medianRssKb: median(samples.map((s) => s.rssKb)),
  };
}

async function bootTime(
  board: string,
): Promise<{ toHalbRunMs: number; toStartupCompleteMs: number }> {
  const vm = await Vm.boot({ board });
  try {
    await vm.waitFor('halb-init: starting halb run', 300000);
    const toHalbRunMs = Date.now() - vm.bootStartedAt;
    await vm.waitFor('halb: Startup complete', 300000);
    const toStartupCompleteMs = Date.now() - vm.bootStartedAt;
    return { toHalbRunMs, toStartupCompleteMs };
  } finally {
    await vm.dispose();
  }
}

function firmwareSizes(board: string): Record<string, number> {
  const dir = firmwareDir(board);
  const out: Record<string, number> = {};
  for (const f of ['kernel', 'initramfs.cpio.gz', 'rootfs.squashfs'])
    out[f] = fs.statSync(path.join(dir, f)).size;
  out.total = Object.values(out).reduce((a, b) => a + b, 0);
  return out;
}

async function main(): Promise<void> {
  const addonDir = fs.mkdtempSync(path.join(os.tmpdir(), 'halb-bench-'));
  env.HALB_ADDON_DIR = addonDir;
  const bin = (a: string): string => path.join(ROOT, 'dist', `halb-linux-${a}`);
  const halb = startup([bin('x64'), 'version']);
  const keepalived = startup(['keepalived', '-v']);
  const results = {
    date: new Date().toISOString(),
    host: { cpus: os.cpus().length, kernel: os.release(), runs: RUNS },
    executable: {
      x64Bytes: fs.statSync(bin('x64')).size,
      arm64Bytes: fs.statSync(bin('arm64')).size,
      keepalivedBytes: fs.statSync('/usr/sbin/keepalived').size,
    },
    startup: {
      halbVersion: halb,
      keepalivedVersion: keepalived,
      timeRatioHalbToKeepalived: ratio(halb.medianMs, keepalived.medianMs),
      rssRatioHalbToKeepalived: ratio(halb.medianRssKb, keepalived.medianRssKb),
    },
    firmware: {
      'qemu-x86_64': { bytes: firmwareSizes('qemu-x86_64'), boot: await bootTime('qemu-x86_64') },
      'qemu-arm64': { bytes: firmwareSizes('qemu-arm64'), boot: await bootTime('qemu-arm64') },
    },
  };
  fs.rmSync(addonDir, { recursive: true, force: true });
  const mib = (n: number): string => `${(n / 1048576).toFixed(1)} MiB`;
  console.log(
    `executable: x64 ${mib(results.executable.x64Bytes)}, arm64 ${mib(results.executable.arm64Bytes)} (keepalived ${mib(results.executable.keepalivedBytes)})`,
  );
  console.log(
    `start-up: halb version ${halb.medianMs} ms / ${halb.medianRssKb} KiB RSS; keepalived -v ${keepalived.medianMs} ms / ${keepalived.medianRssKb} KiB; ratios time x${results.startup.timeRatioHalbToKeepalived}, RSS x${results.startup.rssRatioHalbToKeepalived}`,
  );
  for (const [b, f] of Object.entries(results.firmware)) {
    console.log(
      `firmware ${b}: ${mib(f.bytes.total)} (rootfs ${mib(f.bytes['rootfs.squashfs'] ?? 0)}); boot to 'halb run' ${f.boot.toHalbRunMs} ms, to 'Startup complete' ${f.boot.toStartupCompleteMs} ms (TCG)`,
    );
  }
  writeResults('skeleton', results);
}

runBench(main);
