/**
 * Memory of the whole appliance runtime on the box itself: the qemu-x86_64
 * firmware (Debian's 6.1 kernel, the squashfs root the executable is mapped
 * from) under TCG, running the same appliance as bench/appliance-memory.ts
 * (bench/appliance-conf.ts: 250 VRRP instances, MASTER, advert_int 1, on the
 * VM's LAN port, and 20 virtual servers x 5 real servers, TCP_CHECK every
 * second, against busybox httpd in the guest). The supervisor started by the
 * firmware's init, its VRRP daemon and its checker process; PSS (and its
 * anonymous and file-backed parts) the largest of samples every 5 s over 40
 * s after a 25 s settle, as the host bench. The host's kernel maps a large
 * page-cache folio of the executable per fault, so file-backed PSS is larger
 * there than on the firmware's kernel; this is the number for the box.
 */
import { until } from '../test/rigs/appliance';
import { toolsDisk } from '../test/rigs/ipvs-tools';
import { Lab } from '../test/rigs/netns-lab';
import { Vm } from '../test/rigs/vm';
import { INSTANCES, lvsConf, RS_PORTS, vrrpConf } from './appliance-conf';
import { runBench, writeResults } from './report';

const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 25000);
const SAMPLE_MS = Number(process.env.BENCH_SAMPLE_MS ?? 40000);
const SAMPLE_EVERY_MS = 5000;

interface Sample {
  readonly pid: number;
  readonly process: string;
  readonly pssKb: number;
  readonly rssKb: number;
  readonly pssAnonKb: number;
  readonly pssFileKb: number;
}

const SAMPLE_CMD =
  `for p in $(pidof halb); do printf '@@ %s %s | ' $p "$(tr '\\0' ' ' < /proc/$p/cmdline | cut -c1-40)"; ` +
  `awk '/^(Rss|Pss|Pss_Anon|Pss_File):/ {printf "%s %s ", $1, $2}' /proc/$p/smaps_rollup; echo; done`;

function parse(output: string): Sample[] {
  const out: Sample[] = [];
  for (const line of output.split('\n')) {
    const m = /^@@ (\d+) (.*?) \| (.*)$/.exec(line.trim());
    if (!m) continue;
    const kb = (k: string): number => Number(new RegExp(`${k}: (\\d+)`).exec(m[3] as string)?.[1]);
    out.push({
      pid: Number(m[1]),
      process: (m[2] as string).trim().replace(/^\S*\//, ''),
      pssKb: kb('Pss'),
      rssKb: kb('Rss'),
      pssAnonKb: kb('Pss_Anon'),
      pssFileKb: kb('Pss_File'),
    });
  }
  return out;
}

runBench(async () => {
  const conf = vrrpConf() + lvsConf('127.0.0.1');
  const disk = toolsDisk({ 'memory.conf': conf });
  const lab = await Lab.create({ hosts: ['peer'] });
  const vm = await Vm.boot({ board: 'qemu-x86_64', lab, dataImage: disk.image });
  try {
    await vm.waitFor('halb: Startup complete', 300000);
    const servers = RS_PORTS.map((p) => `httpd -p 127.0.0.1:${p} -h /tmp/www`).join(' && ');
    let r = await vm.run(
      `mkdir -p /tmp/www && ${servers} && ` +
        'cp /data/cases/memory.conf /etc/keepalived/keepalived.conf && ' +
        'ip addr add 192.0.2.201/24 dev eth0 && ip link set eth0 up && ' +
        `kill -HUP $(pidof halb | tr ' ' '\\n' | sort -n | head -1) && echo ok`,
    );
    if (!r.output.includes('ok')) throw new Error(`setup: ${r.output}`);
    await until(
      `${INSTANCES} masters`,
      300000,
      async () => {
        const s = await vm.run(`halb status --json | grep -c '"state": *"master"'`);
        return Number(s.output.trim().split('\n').pop());
      },
      (n) => n >= INSTANCES,
    );
    r = await vm.run(`halb status | grep -c -i ' up ' || true`);
    console.log(`real servers up (status lines): ${r.output.trim().split('\n').pop()}`);
    await new Promise((res) => setTimeout(res, SETTLE_MS));
    let worst: Sample[] = [];
    const samplesPssKb: number[] = [];
    for (let t = 0; t <= SAMPLE_MS; t += SAMPLE_EVERY_MS) {
      if (t > 0) await new Promise((res) => setTimeout(res, SAMPLE_EVERY_MS));
      const s = parse((await vm.run(SAMPLE_CMD)).output);
      const total = s.reduce((a, x) => a + x.pssKb, 0);
      samplesPssKb.push(total);
      console.log(
        `+${SETTLE_MS + t} ms: ${total} kB PSS (${s.map((x) => `${x.pid} ${x.pssAnonKb}+${x.pssFileKb}`).join(', ')}: anon+file)`,
      );
      if (total >= Math.max(0, ...samplesPssKb)) worst = s;
    }
    const sum = (k: keyof Sample): number => worst.reduce((a, x) => a + (x[k] as number), 0);
    const total = {
      pssKb: sum('pssKb'),
      rssKb: sum('rssKb'),
      pssAnonKb: sum('pssAnonKb'),
      pssFileKb: sum('pssFileKb'),
    };
    console.log(`halb whole runtime in the firmware VM: ${JSON.stringify(total)}`);
    writeResults('appliance-memory-vm', {
      date: new Date().toISOString(),
      command: 'node build/bench/appliance-memory-vm.js',
      what: `qemu-x86_64 firmware (TCG): ${INSTANCES} VRRP instances (MASTER, advert_int 1) + 20 virtual servers x 5 real servers (TCP_CHECK every 1 s, busybox httpd in the guest); supervisor from init, VRRP daemon, checker process; PSS the largest of samples every ${SAMPLE_EVERY_MS} ms from ${SETTLE_MS} to ${SETTLE_MS + SAMPLE_MS} ms after all were MASTER`,
      target: 'whole runtime within 64 MB PSS',
      results: { total, processes: worst, samplesPssKb },
    });
  } finally {
    await vm.dispose();
    await lab.dispose();
    disk.dispose();
  }
});
