/**
 * Programming 100 virtual servers x 100 real servers (10,000 destinations)
 * into the kernel's IPVS, in the qemu-x86_64 firmware VM (TCG): halb
 * (`halb ipvs-apply big.conf`), keepalived 2.2.7 (`keepalived -C`, checker
 * process only, the servers have no checkers so all go in at start) and
 * `ipvsadm -R` on the same table. Each run starts from an empty table and is
 * timed from the process start to the last destination being in (for halb and
 * ipvsadm the process's exit; for keepalived, which keeps running, a poll of
 * the last service every 50 ms). Runs alternate. Medians; compare ratios.
 */
import * as os from 'node:os';
import { IPVSADM, KEEPALIVED, toolsDisk } from '../test/rigs/ipvs-tools';
import { Vm } from '../test/rigs/vm';
import { bigConf, RS, VS } from './ipvs-big-conf';
import { runBench, writeResults } from './report';
import { median, ratio } from './stats';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function bigRules(): string {
  let s = '';
  for (let v = 1; v <= VS; v++) {
    s += `-A -t 192.0.2.${v}:80 -s wlc\n`;
    for (let r = 1; r <= RS; r++)
      s += `-a -t 192.0.2.${v}:80 -r 198.51.100.${r}:${8000 + v} -m -w 1\n`;
  }
  return s;
}

const UPTIME = "cut -d' ' -f1 /proc/uptime";
const LAST_FULL = `[ "$(${IPVSADM} -Ln -t 192.0.2.${VS}:80 2>/dev/null | grep -c -- '->')" -ge ${RS + 1} ]`;

runBench(async () => {
  const disk = toolsDisk({ 'big.conf': bigConf(), 'big.rules': bigRules() });
  const vm = await Vm.boot({ board: 'qemu-x86_64', dataImage: disk.image });
  const times: Record<'halb' | 'keepalived' | 'ipvsadmRestore', number[]> = {
    halb: [],
    keepalived: [],
    ipvsadmRestore: [],
  };
  const timed = async (label: keyof typeof times, cmd: string): Promise<void> => {
    await vm.run(`${IPVSADM} -C`);
    const r = await vm.run(`t0=$(${UPTIME}); ${cmd}; t1=$(${UPTIME}); echo "@@ $t0 $t1"`, 600000);
    const m = /@@ ([\d.]+) ([\d.]+)/.exec(r.output);
    if (!m) throw new Error(`${label}: ${r.output}`);
    const n = await vm.run(`${IPVSADM} -Ln | grep -c -- '->'`);
    if (Number(n.output.trim()) !== VS * RS + 1)
      throw new Error(`${label}: table incomplete: ${n.output}`);
    times[label].push(Math.round((Number(m[2]) - Number(m[1])) * 1000));
    console.log(`${label}: ${times[label].at(-1)} ms`);
  };
  try {
    await vm.waitFor('halb: Startup complete', 300000);
    for (let i = 0; i < RUNS; i++) {
      await timed('halb', 'halb ipvs-apply /data/cases/big.conf >/dev/null');
      await timed(
        'keepalived',
        `${KEEPALIVED} -n -l -C -f /data/cases/big.conf -p /tmp/ka.pid -c /tmp/kc.pid >/tmp/ka.log 2>&1 & ` +
          `until ${LAST_FULL}; do sleep 0.05; done`,
      );
      await vm.run('kill $(cat /tmp/ka.pid); while [ -e /tmp/ka.pid ]; do sleep 0.2; done', 120000);
      await timed('ipvsadmRestore', `${IPVSADM} -R < /data/cases/big.rules`);
    }
  } finally {
    await vm.dispose();
    disk.dispose();
  }
  const med = (k: keyof typeof times): number => median(times[k]);
  writeResults('ipvs-program', {
    what: `${VS} virtual servers x ${RS} real servers into IPVS, qemu-x86_64 firmware under TCG, ${RUNS} runs alternated`,
    medianMs: {
      halb: med('halb'),
      keepalived: med('keepalived'),
      ipvsadmRestore: med('ipvsadmRestore'),
    },
    runsMs: times,
    halbOverKeepalived: ratio(med('halb'), med('keepalived')),
    target: 'halb at most half of keepalived',
    // The machine is shared: a busy host makes TCG times noisy.
    hostLoadAverage1m: os.loadavg()[0],
  });
});
