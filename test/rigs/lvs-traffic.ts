/**
 * A lab for live traffic through a load balancer that runs in a VM guest on
 * the lab's LAN (192.0.2.0/24): a client, two real servers and a sorry
 * server in namespaces, each server a small HTTP server answering its own
 * name (traffic-peers.ts).
 *
 * - NAT: the client also has 198.51.100.10/24 on the same wire and talks to
 *   NAT_VIP (198.51.100.100); the servers' default route is the balancer's
 *   own address (LB_ADDRESS), so their replies to 198.51.100.10 go back
 *   through it.
 * - DR: the client talks to DR_VIP (192.0.2.100) from its LAN address; the
 *   real servers carry DR_VIP on lo with arp_ignore 1 / arp_announce 2 and
 *   answer the client directly.
 */
import * as path from 'node:path';
import { Lab } from './netns-lab';
import type { Proc } from './process';

export const LB_ADDRESS = '192.0.2.201';
/** The balancer's address on the client's subnet. */
export const LB_CLIENT_SIDE = '198.51.100.1';
export const CLIENT_NAT = '198.51.100.10';
export const NAT_VIP = '198.51.100.100';
export const DR_VIP = '192.0.2.100';

const PEERS = path.join(__dirname, 'traffic-peers.js');
export const REAL_SERVERS = ['rs1', 'rs2'] as const;

export class TrafficLab {
  private readonly servers = new Map<string, Proc>();

  private constructor(readonly lab: Lab) {}

  static async create(): Promise<TrafficLab> {
    const lab = await Lab.create({ hosts: ['client', 'rs1', 'rs2', 'sorry'] });
    const t = new TrafficLab(lab);
    try {
      await t.must('client', ['ip', 'addr', 'add', `${CLIENT_NAT}/24`, 'dev', 'eth0']);
      for (const host of [...REAL_SERVERS, 'sorry'])
        await t.must(host, ['ip', 'route', 'add', 'default', 'via', LB_ADDRESS]);
      for (const host of REAL_SERVERS) {
        await t.must(host, ['ip', 'addr', 'add', `${DR_VIP}/32`, 'dev', 'lo']);
        await t.must(host, [
          'sysctl',
          '-qw',
          'net.ipv4.conf.all.arp_ignore=1',
          'net.ipv4.conf.all.arp_announce=2',
          'net.ipv4.conf.eth0.arp_ignore=1',
          'net.ipv4.conf.eth0.arp_announce=2',
        ]);
      }
    } catch (err) {
      await lab.dispose();
      throw err;
    }
    return t;
  }

  private async must(host: string, argv: readonly string[]): Promise<void> {
    const r = await this.lab.exec(host, argv);
    if (r.code !== 0) throw new Error(`${host}: ${argv.join(' ')}: ${r.stderr.trim()}`);
  }

  /** A host's LAN address. */
  ip(host: string): string {
    return this.lab.host(host).ipv4;
  }

  /** Starts the host's server (answering the host's name on port 80). */
  async serve(host: string): Promise<void> {
    const p = this.lab.spawn(host, [process.execPath, PEERS, 'serve', host, '80']);
    this.servers.set(host, p);
    await p.waitFor('listening', 20000, `${host}'s server`);
  }

  /** Stops the host's server at once (its port then refuses connections). */
  async stop(host: string): Promise<void> {
    await this.servers.get(host)?.kill('SIGKILL');
    this.servers.delete(host);
  }

  /** n requests from the client, each on a new connection: who answered each. */
  async get(vip: string, n: number): Promise<string[]> {
    const r = await this.lab.exec(
      'client',
      [process.execPath, PEERS, 'get', `http://${vip}/`, String(n)],
      { timeoutMs: 10000 + n * 11000 },
    );
    return r.stdout.split('\n').filter(Boolean);
  }

  /** A keep-alive connection from the client to the VIP. */
  async keep(vip: string): Promise<KeptConnection> {
    const p = this.lab.spawn('client', [process.execPath, PEERS, 'keep', `http://${vip}/`]);
    await p.waitFor('ready', 20000, 'the keep-alive client');
    return new KeptConnection(p);
  }

  async dispose(): Promise<void> {
    await this.lab.dispose();
  }
}

/** One TCP connection kept open: each ask() is a request on it. */
export class KeptConnection {
  private seq = 0;

  constructor(private readonly proc: Proc) {}

  /** Who answered, and the client's local port (the same port: the same connection). */
  async ask(): Promise<{ name: string; port: number }> {
    const n = ++this.seq;
    this.proc.write('\n');
    const m = await this.proc.waitFor(
      new RegExp(`#${n} (\\S+(?: \\S+)?) (\\d+)\\n`),
      30000,
      `answer #${n}`,
    );
    return { name: m[1] as string, port: Number(m[2]) };
  }

  async close(): Promise<void> {
    await this.proc.kill('SIGTERM', 2000);
  }
}
