/**
 * The processes' scheduling keywords on the real kernel, with the real
 * executable: vrrp_cpu_affinity pins every thread of the VRRP daemon,
 * checker_cpu_affinity and checker_priority the checker process (read back
 * from /proc). A reload that drops them puts the defaults back (every CPU,
 * nice 0) without restarting anything: the instance keeps its state.
 * max_auto_priority: a daemon stopped (SIGSTOP) past min_auto_priority_delay
 * goes to SCHED_RR 1, then one level up at each late run, to the maximum.
 * process_names and umask: the comm and Umask /proc shows for both processes.
 * *_no_swap and vrrp_rlimit_rttime: VmLck and the realtime timeout limit /proc
 * shows, and a reload that drops them takes them back.
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { Appliance, until } from '../rigs/appliance';
import { Lab } from '../rigs/netns-lab';
import { masterInstance } from '../rigs/vrrp-conf';
import { cpuProblem } from '../../src/platform/scheduling';

const VRRP = `${masterInstance()}virtual_server 192.0.2.100 80 {
    delay_loop 5
    real_server 192.0.2.11 80 {
        TCP_CHECK {
            connect_timeout 1
        }
    }
}
`;

/** Each thread's Cpus_allowed_list, distinct values. */
function cpusOf(pid: number): string[] {
  const lists = fs
    .readdirSync(`/proc/${pid}/task`)
    .map(
      (t) =>
        /Cpus_allowed_list:\s*(\S+)/.exec(
          fs.readFileSync(`/proc/${pid}/task/${t}/status`, 'utf8'),
        )?.[1] ?? '?',
    );
  return [...new Set(lists)];
}

function niceOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

/** The main thread's scheduling policy (0 SCHED_OTHER, 2 SCHED_RR) and realtime priority. */
function policyOf(pid: number): string {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return `${f[38]}/${f[37]}`;
}

/** This process may raise a hard limit (CAP_SYS_RESOURCE, bit 24): containers may lack it. */
const sysResource =
  (BigInt(
    '0x' + (/CapEff:\s*([0-9a-f]+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0'),
  ) >>
    24n) &
  1n
    ? true
    : false;

function childOf(pid: number): number | undefined {
  for (const p of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) return Number(p);
    } catch {
      /* gone */
    }
  }
  return undefined;
}

/** Starts the appliance and waits for MASTER and its checker process. */
async function startedWithChecker(app: Appliance): Promise<{ pid: number; checker: number }> {
  app.start();
  await until(
    'MASTER',
    15000,
    () => app.state(),
    (s) => s === 'master',
  );
  const pid = app.proc!.pid as number;
  const checker = await until(
    'the checker process',
    10000,
    async () => childOf(pid),
    (c) => c !== undefined,
  );
  return { pid, checker: checker as number };
}

describe('process scheduling', () => {
  let lab: Lab;
  after(async () => {
    await lab?.dispose();
  });

  it('a CPU the box lacks is named', () => {
    assert.equal(cpuProblem([0, 1], 2), undefined);
    assert.equal(cpuProblem([2], 2), 'this box has CPUs 0-1, not 2');
    assert.equal(cpuProblem([], 2), 'no CPU given');
  });

  it('pins the daemon and the checker process, and a reload puts the defaults back', async () => {
    const last = os.cpus().length - 1;
    const all = last === 0 ? '0' : `0-${last}`;
    lab = await Lab.create({ hosts: ['a'] });
    const a = new Appliance(
      lab,
      'a',
      `global_defs {
    vrrp_cpu_affinity ${last}
    checker_cpu_affinity 0
    checker_priority 5
}
${VRRP}`,
    );
    const { pid, checker } = await startedWithChecker(a);
    await until(
      'the checker pinned',
      10000,
      async () => cpusOf(checker),
      (c) => c.join() === '0',
    );
    assert.deepEqual(cpusOf(pid), [String(last)], 'every thread of the daemon');
    assert.equal(niceOf(checker), 5);
    assert.match(a.proc!.output, new RegExp(`The VRRP process runs on CPU ${last}`));

    fs.writeFileSync(a.conf, VRRP);
    process.kill(pid, 'SIGHUP');
    await until(
      'the daemon on every CPU again',
      10000,
      async () => cpusOf(pid),
      (c) => c.join() === all,
    );
    await until(
      'the checker on every CPU, nice 0',
      10000,
      async () => `${cpusOf(checker).join()} ${niceOf(checker)}`,
      (s) => s === `${all} 0`,
    );
    assert.equal(await a.state(), 'master');
    assert.equal(a.proc!.output.match(/Entering MASTER STATE/g)?.length, 1, 'no flap');
  });

  it("the checker process does not inherit the VRRP process's CPUs or nice value", async () => {
    const last = os.cpus().length - 1;
    const all = last === 0 ? '0' : `0-${last}`;
    const lab2 = await Lab.create({ hosts: ['b'] });
    try {
      const b = new Appliance(
        lab2,
        'b',
        `global_defs {
    vrrp_cpu_affinity ${last}
    vrrp_priority 3
}
${VRRP}`,
      );
      const { pid, checker } = await startedWithChecker(b);
      await until(
        'the checker back on every CPU, nice 0',
        10000,
        async () => `${cpusOf(checker).join()} ${niceOf(checker)}`,
        (st) => st === `${all} 0`,
      );
      assert.deepEqual(cpusOf(pid), [String(last)]);
      assert.equal(niceOf(pid), 3);
    } finally {
      await lab2.dispose();
    }
  });

  it('max_auto_priority: a late run raises SCHED_RR one level, up to the maximum', async () => {
    const lab3 = await Lab.create({ hosts: ['c'] });
    try {
      const c = new Appliance(
        lab3,
        'c',
        `global_defs {
    max_auto_priority 2
    min_auto_priority_delay 200000
}
${VRRP}`,
      );
      const proc = c.start();
      await until(
        'MASTER',
        15000,
        () => c.state(),
        (st) => st === 'master',
      );
      const pid = proc.pid as number;
      assert.equal(policyOf(pid), '0/0', 'SCHED_OTHER until a run is late');
      const stall = async (): Promise<void> => {
        process.kill(pid, 'SIGSTOP');
        await new Promise((r) => setTimeout(r, 1200));
        process.kill(pid, 'SIGCONT');
      };
      await stall();
      await proc.waitFor(
        /A thread timer expired 0\.\d{6} seconds ago|A thread timer expired 1\.\d{6} seconds ago/,
        5000,
        'the late run',
      );
      await proc.waitFor('Set realtime priority 1', 5000, 'SCHED_RR 1');
      assert.equal(policyOf(pid), '2/1');
      await stall();
      await proc.waitFor('Set realtime priority 2', 5000, 'SCHED_RR 2');
      await stall();
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(policyOf(pid), '2/2', 'never past max_auto_priority');
      assert.doesNotMatch(proc.output, /Set realtime priority 3/);
    } finally {
      await lab3.dispose();
    }
  });

  it('vrrp_no_swap, checker_no_swap, vrrp_rlimit_rttime; a reload without them takes them back', async () => {
    const lab5 = await Lab.create({ hosts: ['e'] });
    try {
      const e = new Appliance(
        lab5,
        'e',
        `global_defs {
    vrrp_no_swap
    checker_no_swap
    vrrp_rt_priority 10
    vrrp_rlimit_rttime 400000
}
${VRRP}`,
      );
      const { pid, checker } = await startedWithChecker(e);
      const locked = (p: number): number =>
        Number(/VmLck:\s*(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'))?.[1]);
      const rtLimit = (p: number): string =>
        /Max realtime timeout\s+(\S+)\s+(\S+)/
          .exec(fs.readFileSync(`/proc/${p}/limits`, 'utf8'))
          ?.slice(1)
          .join('/') ?? '?';
      assert.ok(locked(pid) > 0, `daemon VmLck ${locked(pid)} kB`);
      await until(
        'the checker locked',
        10000,
        async () => locked(checker),
        (k) => k > 0,
      );
      assert.equal(policyOf(pid), '2/10');
      assert.equal(rtLimit(pid), '200000/400000', 'soft at half, as keepalived');
      // The checker process inherits the daemon's limit; the daemon puts it back, which
      // needs CAP_SYS_RESOURCE (a box's root has it). Without it, it applies only to SCHED_RR.
      if (sysResource)
        assert.equal(rtLimit(checker), 'unlimited/unlimited', 'no checker_rlimit_rttime');
      else
        assert.equal(policyOf(checker), '0/0', 'the inherited limit does nothing without SCHED_RR');
      assert.doesNotMatch(e.proc!.output, /cannot set realtime rlimit/);
      assert.match(e.proc!.output, /The VRRP process.s \d+ file mappings are locked in memory/);

      fs.writeFileSync(e.conf, VRRP);
      process.kill(pid, 'SIGHUP');
      await until(
        'the daemon unlocked',
        10000,
        async () => locked(pid),
        (k) => k === 0,
      );
      await until(
        'the checker unlocked',
        10000,
        async () => locked(checker),
        (k) => k === 0,
      );
      assert.equal(policyOf(pid), '0/0');
      if (sysResource) assert.equal(rtLimit(pid), 'unlimited/unlimited');
      assert.equal(await e.state(), 'master');
      assert.equal(e.proc!.output.match(/Entering MASTER STATE/g)?.length, 1, 'no flap');
    } finally {
      await lab5.dispose();
    }
  });

  it("process_names and umask: keepalived's names for the daemon and the checker process, their umask", async () => {
    const lab4 = await Lab.create({ hosts: ['d'] });
    try {
      const d = new Appliance(
        lab4,
        'd',
        `global_defs {\n    process_names\n    umask 027\n}\n${VRRP}`,
      );
      const { pid, checker } = await startedWithChecker(d);
      const comm = (p: number): string => fs.readFileSync(`/proc/${p}/comm`, 'utf8').trim();
      const umask = (p: number): string | undefined =>
        /Umask:\s*(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'))?.[1];
      assert.equal(comm(pid), 'keepalived_vrrp');
      assert.equal(umask(pid), '0027');
      await until(
        'the checker process named',
        10000,
        async () => comm(checker),
        (n) => n === 'keepalived_lvs',
      );
      assert.equal(umask(checker), '0027', 'inherited from the daemon');
      // The command line stays halb's: only the comm changes.
      assert.match(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'), /run/);
    } finally {
      await lab4.dispose();
    }
  });
});
