/**
 * The netns lab: N hosts on one virtual LAN (a bridge in a "switch" namespace,
 * a veth per host), commands run in a host, packet captures, taps for QEMU
 * guests on the same LAN. Nothing touches the root namespace's network; every
 * namespace is named for this run and deleted on dispose, on process exit, and
 * by `scripts/lab-clean.sh` if a run was killed outright.
 *
 * Addresses come only from the documentation ranges: host i (from 1) is
 * 192.0.2.(10+i)/24 and 2001:db8::(10+i)/64 unless the caller says otherwise.
 */
import { execFileSync, type SpawnOptions } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mustRun, run, type ExecResult } from './exec';
import { Proc } from './process';

export const NS_PREFIX = 'halbt';

export interface LabHost {
  readonly name: string;
  readonly ns: string;
  readonly ifname: string;
  readonly ipv4: string;
  readonly ipv6: string;
  readonly prefix4: number;
  readonly prefix6: number;
}

export interface LabOptions {
  /** Host names, in order; addresses follow the order. */
  readonly hosts: readonly string[];
  /** First three octets of the IPv4 LAN: one of the documentation /24s. */
  readonly lan4?: '192.0.2' | '198.51.100' | '203.0.113';
  /** IPv6 /64 prefix inside 2001:db8::/32, written with a trailing '::'. */
  readonly lan6?: string;
}

const live = new Set<Lab>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const lab of live) lab.disposeSync();
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      for (const lab of live) lab.disposeSync();
      process.exit(130);
    });
  }
}

export class Lab {
  readonly id: string;
  readonly switchNs: string;
  readonly hosts = new Map<string, LabHost>();
  readonly dir: string;
  private readonly procs = new Set<Proc>();
  private namespaces: string[] = [];
  private disposed = false;
  private tapCount = 0;

  private constructor() {
    this.id = `${NS_PREFIX}${process.pid.toString(36)}${crypto.randomBytes(2).toString('hex')}`;
    this.switchNs = `${this.id}-sw`;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `${this.id}-`));
  }

  static async create(opts: LabOptions): Promise<Lab> {
    const lab = new Lab();
    live.add(lab);
    installExitHook();
    try {
      await lab.build(opts);
    } catch (err) {
      await lab.dispose();
      throw err;
    }
    return lab;
  }

  private async addNs(name: string): Promise<void> {
    await mustRun(['ip', 'netns', 'add', name]);
    this.namespaces.push(name);
    await mustRun(['ip', '-n', name, 'link', 'set', 'lo', 'up']);
    // Addresses are usable at once: no duplicate address detection delay.
    await run([
      'ip',
      'netns',
      'exec',
      name,
      'sysctl',
      '-qw',
      'net.ipv6.conf.all.accept_dad=0',
      'net.ipv6.conf.default.accept_dad=0',
    ]);
  }

  private async build(opts: LabOptions): Promise<void> {
    const lan4 = opts.lan4 ?? '192.0.2';
    const lan6 = opts.lan6 ?? '2001:db8::';
    if (!lan6.toLowerCase().startsWith('2001:db8:'))
      throw new Error(`lab: ${lan6} is outside 2001:db8::/32`);
    await this.addNs(this.switchNs);
    await mustRun([
      'ip',
      '-n',
      this.switchNs,
      'link',
      'add',
      'br0',
      'type',
      'bridge',
      'stp_state',
      '0',
      'forward_delay',
      '0',
    ]);
    await mustRun(['ip', '-n', this.switchNs, 'link', 'set', 'br0', 'up']);
    let i = 0;
    for (const name of opts.hosts) {
      i++;
      if (!/^[a-z0-9]{1,12}$/.test(name))
        throw new Error(`lab: host name '${name}' must be 1-12 lowercase letters/digits`);
      const ns = `${this.id}-${name}`;
      await this.addNs(ns);
      const port = `p${i}`;
      await mustRun([
        'ip',
        '-n',
        this.switchNs,
        'link',
        'add',
        port,
        'type',
        'veth',
        'peer',
        'name',
        'eth0',
        'netns',
        ns,
      ]);
      await mustRun(['ip', '-n', this.switchNs, 'link', 'set', port, 'master', 'br0', 'up']);
      const host: LabHost = {
        name,
        ns,
        ifname: 'eth0',
        ipv4: `${lan4}.${10 + i}`,
        ipv6: `${lan6}${(10 + i).toString(16)}`,
        prefix4: 24,
        prefix6: 64,
      };
      await mustRun(['ip', '-n', ns, 'addr', 'add', `${host.ipv4}/24`, 'dev', 'eth0']);
      await mustRun(['ip', '-n', ns, 'addr', 'add', `${host.ipv6}/64`, 'dev', 'eth0', 'nodad']);
      await mustRun(['ip', '-n', ns, 'link', 'set', 'eth0', 'up']);
      this.hosts.set(name, host);
    }
  }

  host(name: string): LabHost {
    const h = this.hosts.get(name);
    if (!h) throw new Error(`lab: no host '${name}'`);
    return h;
  }

  /** Runs a command in a host's namespace and waits for it. */
  exec(
    name: string,
    argv: readonly string[],
    opts: { timeoutMs?: number; input?: string } = {},
  ): Promise<ExecResult> {
    return run(['ip', 'netns', 'exec', this.host(name).ns, ...argv], opts);
  }

  /** Starts a long-running command in a host; it is killed on dispose. */
  spawn(name: string, argv: readonly string[], opts: SpawnOptions = {}): Proc {
    const proc = new Proc(['ip', 'netns', 'exec', this.nsOf(name), ...argv], opts);
    this.procs.add(proc);
    void proc.exited.then(() => this.procs.delete(proc));
    return proc;
  }

  private nsOf(name: string): string {
    return name === 'switch' ? this.switchNs : this.host(name).ns;
  }

  async linkSet(name: string, up: boolean): Promise<void> {
    await mustRun(['ip', '-n', this.host(name).ns, 'link', 'set', 'eth0', up ? 'up' : 'down']);
  }

  /**
   * Extra interfaces in a host, named as a config expects (eth1, eno1...): each
   * is one end of a veth pair whose other end stays in the same namespace (the
   * host kernel has no dummy driver).
   */
  async addInterfaces(name: string, ifnames: readonly string[]): Promise<void> {
    const ns = this.host(name).ns;
    let n = 0;
    for (const ifname of ifnames) {
      const peer = `xp${n++}`;
      await mustRun(['ip', '-n', ns, 'link', 'add', ifname, 'type', 'veth', 'peer', 'name', peer]);
      await mustRun(['ip', '-n', ns, 'link', 'set', ifname, 'up']);
      await mustRun(['ip', '-n', ns, 'link', 'set', peer, 'up']);
    }
  }

  /**
   * Deletes a host's eth0 (its veth pair: the switch port goes with it) and
   * makes it again, on the switch, with its addresses and up: the same name,
   * a new index (what a network script does to a VLAN or bond).
   */
  /** `bare`: the new eth0 stays down without addresses until configureEth0(). */
  async recreateEth0(name: string, opts: { bare?: boolean } = {}): Promise<void> {
    const host = this.host(name);
    const port = this.portOf(name);
    await mustRun(['ip', '-n', host.ns, 'link', 'del', 'eth0']);
    await mustRun([
      'ip',
      '-n',
      this.switchNs,
      'link',
      'add',
      port,
      'type',
      'veth',
      'peer',
      'name',
      'eth0',
      'netns',
      host.ns,
    ]);
    await mustRun(['ip', '-n', this.switchNs, 'link', 'set', port, 'master', 'br0', 'up']);
    if (!opts.bare) await this.configureEth0(name);
  }

  /** A made-again eth0's addresses, and up. */
  async configureEth0(name: string): Promise<void> {
    const host = this.host(name);
    await mustRun(['ip', '-n', host.ns, 'addr', 'add', `${host.ipv4}/24`, 'dev', 'eth0']);
    await mustRun(['ip', '-n', host.ns, 'addr', 'add', `${host.ipv6}/64`, 'dev', 'eth0', 'nodad']);
    await mustRun(['ip', '-n', host.ns, 'link', 'set', 'eth0', 'up']);
  }

  /**
   * A veth pair inside a host, `name` and `${name}p`, both up: an interface
   * with carrier that only the test touches (no dummy driver on every kernel);
   * the peer down takes the carrier away.
   */
  async addVeth(host: string, name: string): Promise<void> {
    const ns = this.host(host).ns;
    await mustRun([
      'ip',
      '-n',
      ns,
      'link',
      'add',
      name,
      'type',
      'veth',
      'peer',
      'name',
      `${name}p`,
    ]);
    await mustRun(['ip', '-n', ns, 'link', 'set', `${name}p`, 'up']);
    await mustRun(['ip', '-n', ns, 'link', 'set', name, 'up']);
  }

  /** Interface names in a host's namespace. */
  async interfaces(name: string): Promise<Set<string>> {
    const out = await mustRun(['ip', '-n', this.host(name).ns, '-o', 'link', 'show']);
    return new Set(
      out
        .split('\n')
        .map((l) => /^\d+: ([^:@]+)/.exec(l)?.[1])
        .filter((x): x is string => Boolean(x)),
    );
  }

  /**
   * Cuts a host off the LAN while its link stays up (carrier on): its switch
   * port leaves the bridge. heal() puts it back.
   */
  async partition(name: string): Promise<void> {
    await mustRun(['ip', '-n', this.switchNs, 'link', 'set', this.portOf(name), 'nomaster']);
  }

  async heal(name: string): Promise<void> {
    await mustRun(['ip', '-n', this.switchNs, 'link', 'set', this.portOf(name), 'master', 'br0']);
  }

  private portOf(name: string): string {
    const i = [...this.hosts.keys()].indexOf(name);
    if (i < 0) throw new Error(`lab: no host '${name}'`);
    return `p${i + 1}`;
  }

  /** A tap on the LAN's bridge for a QEMU guest; QEMU must run in the switch namespace. */
  async addTap(): Promise<string> {
    const tap = `tap${this.tapCount++}`;
    await mustRun(['ip', '-n', this.switchNs, 'tuntap', 'add', 'dev', tap, 'mode', 'tap']);
    await mustRun(['ip', '-n', this.switchNs, 'link', 'set', tap, 'master', 'br0', 'up']);
    return tap;
  }

  /** Starts tcpdump on a host's interface (eth0 unless said); stop() returns the packets as tshark JSON. */
  async capture(name: string, filter = '', ifname = 'eth0'): Promise<Capture> {
    const file = path.join(
      this.dir,
      `${name}-${Date.now()}-${crypto.randomBytes(2).toString('hex')}.pcap`,
    );
    const args = ['tcpdump', '-i', ifname, '--immediate-mode', '-U', '-n', '-w', file];
    if (filter) args.push(...filter.split(/\s+/));
    const proc = this.spawn(name, args);
    await proc.waitFor(/listening on/, 10000, 'tcpdump to start');
    return new Capture(proc, file);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await Promise.all([...this.procs].map((p) => p.kill('SIGTERM', 3000)));
    for (const ns of [...this.namespaces].reverse()) await run(['ip', 'netns', 'del', ns]);
    this.namespaces = [];
    fs.rmSync(this.dir, { recursive: true, force: true });
    live.delete(this);
  }

  /** For exit hooks: kills by PID and deletes namespaces without awaiting. */
  disposeSync(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const p of this.procs) {
      if (p.pid !== undefined && p.running) {
        try {
          process.kill(p.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
    for (const ns of this.namespaces) {
      try {
        execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
      } catch {
        /* gone */
      }
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
    live.delete(this);
  }
}

export class Capture {
  constructor(
    private readonly proc: Proc,
    readonly file: string,
  ) {}

  /** Stops the capture, leaving the pcap file to read (readPcap / readArp). */
  async end(): Promise<void> {
    await this.proc.kill('SIGINT', 3000);
  }

  /** Stops the capture and decodes it with tshark (-T json). */
  async stop(): Promise<Array<Record<string, unknown>>> {
    await this.end();
    const r = await run(['tshark', '-r', this.file, '-T', 'json'], { timeoutMs: 60000 });
    if (r.code !== 0) throw new Error(`tshark failed: ${r.stderr}`);
    const packets = JSON.parse(r.stdout || '[]') as Array<{
      _source: { layers: Record<string, unknown> };
    }>;
    return packets.map((p) => p._source.layers);
  }
}
