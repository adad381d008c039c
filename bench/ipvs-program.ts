/**
 * Programming 100 virtual servers x 100 real servers (10,000 destinations)
 * into the kernel's IPVS, in the qemu-x86_64 firmware VM (TCG): halb
 * (`halb ipvs-apply big.conf`), keepalived 2.2.7 (`keepalived -C`, checker
 * process only, the servers have no checkers so all go in at start) and
 * `ipvsadm -R` on the same table. Each run starts from an empty table and is
 * timed from the process start to the last destination being in: for halb and
 * ipvsadm the process's exit; for keepalived, which keeps running, the first
 * line of its configuration dump (-d), which its checker process writes right
 * after init_services() has put the whole table in (-l -G: to its stdout, not
 * to syslog, which would spill onto the serial console). The shell waits for that
 * line on a FIFO with its own `read` (no process started while keepalived
 * works: polling with ipvsadm every 50 ms took CPU from keepalived and made it
 * look 40 % slower). Runs alternate. Medians; compare ratios.
 *
 * Then the floor under halb's time, in the same VM: Node's start (`halb
 * version`, median of three) and the kernel's own work with the acks (one
 * HALB_TIMING run: its apply stage less the warm encoding, cli/cmd/ipvs.ts).
 * No design that starts a Node process and programs the table one request a
 * destination (IPVS has no bulk add) can go below their sum.
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
/** keepalived's checker, t1 taken when its config dump begins (the table is in by then). */
const KEEPALIVED_UNTIL_DUMP =
  `rm -f /tmp/ka.fifo; mkfifo /tmp/ka.fifo; ` +
  `${KEEPALIVED} -n -l -G -d -C -f /data/cases/big.conf -p /tmp/ka.pid -c /tmp/kc.pid >/tmp/ka.fifo 2>&1 & ` +
  `exec 3</tmp/ka.fifo; ` +
  `while read -r line <&3; do case "$line" in *"LVS Topology"*) break;; esac; done; ` +
  `read t1 _ </proc/uptime; cat <&3 >/dev/null 2>&1 & exec 3<&-; ` +
  `echo "@@at-dump $(${IPVSADM} -Ln | grep -c -- '->')"`;

/** One `HALB_TIMING=1 halb ipvs-apply` into an empty table: its stages in ms. */
async function halbStages(vm: Vm): Promise<Record<string, number>> {
  await vm.run(`${IPVSADM} -C`);
  const r = await vm.run(
    'HALB_TIMING=1 halb ipvs-apply /data/cases/big.conf 2>&1 >/dev/null',
    600000,
  );
  const out: Record<string, number> = {};
  for (const m of r.output.matchAll(/timing: (.+?) ([\d.]+) ms/g))
    out[m[1] as string] = Number(m[2]);
  if (out.apply === undefined) throw new Error(`no timing from halb: ${r.output}`);
  return out;
}

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
    const r = await vm.run(
      `unset t1; t0=$(${UPTIME}); ${cmd}; t1=\${t1:-$(${UPTIME})}; echo "@@ $t0 $t1"`,
      600000,
    );
    const m = /@@ ([\d.]+) ([\d.]+)/.exec(r.output);
    if (!m) throw new Error(`${label}: ${r.output}`);
    const atDump = /@@at-dump (\d+)/.exec(r.output);
    if (atDump && Number(atDump[1]) !== VS * RS + 1)
      throw new Error(`${label}: the table was not complete at the dump: ${atDump[1]} lines`);
    const n = await vm.run(`${IPVSADM} -Ln | grep -c -- '->'`);
    if (Number(n.output.trim()) !== VS * RS + 1)
      throw new Error(`${label}: table incomplete: ${n.output}`);
    times[label].push(Math.round((Number(m[2]) - Number(m[1])) * 1000));
    console.log(`${label}: ${times[label].at(-1)} ms`);
  };
  let stagesMs: Record<string, number> = {};
  const nodeStartMs: number[] = [];
  try {
    await vm.waitFor('halb: Startup complete', 300000);
    for (let i = 0; i < RUNS; i++) {
      await timed('halb', 'halb ipvs-apply /data/cases/big.conf >/dev/null');
      await timed('keepalived', KEEPALIVED_UNTIL_DUMP);
      await vm.run('kill $(cat /tmp/ka.pid); while [ -e /tmp/ka.pid ]; do sleep 0.2; done', 120000);
      await timed('ipvsadmRestore', `${IPVSADM} -R < /data/cases/big.rules`);
    }
    stagesMs = await halbStages(vm);
    for (let i = 0; i < 3; i++) {
      const r = await vm.run(
        `t0=$(${UPTIME}); halb version >/dev/null; echo "@@ $t0 $(${UPTIME})"`,
      );
      const m = /@@ ([\d.]+) ([\d.]+)/.exec(r.output);
      if (m) nodeStartMs.push(Math.round((Number(m[2]) - Number(m[1])) * 1000));
    }
  } finally {
    await vm.dispose();
    disk.dispose();
  }
  const med = (k: keyof typeof times): number => median(times[k]);
  const kernelMs = Math.round(
    (stagesMs.apply ?? NaN) - (stagesMs['encode warm (not sent)'] ?? NaN),
  );
  const floorMs = median(nodeStartMs) + kernelMs;
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
    targetMs: Math.round(med('keepalived') / 2),
    floor: {
      what: "Node's start (halb version) plus the kernel's work and acks (HALB_TIMING apply less the warm encoding)",
      nodeStartMs,
      kernelAndAcksMs: kernelMs,
      floorMs,
      floorOverKeepalived: ratio(floorMs, med('keepalived')),
    },
    halbStagesMs: stagesMs,
    // The machine is shared: a busy host makes TCG times noisy.
    hostLoadAverage1m: os.loadavg()[0],
  });
});
