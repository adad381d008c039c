/** Runs the real halb executable as an appliance in a lab host, and asks it for its status. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DaemonStatus, InstanceStatus } from '../../src/core/status';
import { binaryPath } from './binary';
import type { Lab } from './netns-lab';
import type { Proc } from './process';

export class Appliance {
  proc: Proc | undefined;
  readonly conf: string;
  readonly runtime: string;

  constructor(
    readonly lab: Lab,
    readonly host: string,
    config: string,
  ) {
    this.conf = path.join(lab.dir, `${host}.conf`);
    this.runtime = path.join(lab.dir, `${host}-run`);
    fs.writeFileSync(this.conf, config);
  }

  start(): Proc {
    this.proc = this.lab.spawn(
      this.host,
      [binaryPath('x64'), 'run', '-D', '-f', this.conf, '--runtime-dir', this.runtime],
      {
        env: {
          ...process.env,
          HALB_ADDON_DIR: path.join(this.lab.dir, 'addons'),
          // The proc connector (track_process) exists in the initial network namespace only:
          // this test's, since PID 1's is closed to us here.
          HALB_INIT_NETNS: `/proc/${process.pid}/ns/net`,
        },
      },
    );
    return this.proc;
  }

  /** `halb status --json`, or undefined while the daemon does not answer. */
  async status(): Promise<DaemonStatus | undefined> {
    const r = await this.lab.exec(
      this.host,
      [binaryPath('x64'), 'status', '--json', '--runtime-dir', this.runtime],
      { timeoutMs: 5000 },
    );
    if (r.code !== 0) return undefined;
    return JSON.parse(r.stdout) as DaemonStatus;
  }

  async instances(): Promise<InstanceStatus[]> {
    return [...((await this.status())?.instances ?? [])];
  }

  async state(): Promise<string> {
    if (!this.proc?.running) return 'down';
    return (await this.instances())[0]?.state ?? 'none';
  }

  /** Addresses on one of the host's interfaces (eth0 unless said). */
  async addresses(dev = 'eth0'): Promise<string[]> {
    const r = await this.lab.exec(this.host, ['ip', '-o', 'addr', 'show', 'dev', dev]);
    return [...r.stdout.matchAll(/inet6? ([0-9a-f.:]+)\//g)].map((m) => m[1] as string);
  }
}

/** Polls until `check` holds, or fails with what it saw last. */
export async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T>,
  check: (v: T) => boolean,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!check(last)) {
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)}`,
      );
    await new Promise((r) => setTimeout(r, 100));
    last = await probe();
  }
  return last;
}

/** Waits until the appliances' first-instance states are exactly `want` (fails with what it saw). */
export async function reach(
  nodes: readonly Appliance[],
  want: readonly string[],
  what: string,
  timeoutMs: number,
): Promise<void> {
  const same = (x: readonly string[]): boolean =>
    x.length === want.length && x.every((v, i) => v === want[i]);
  await until(what, timeoutMs, () => Promise.all(nodes.map((n) => n.state())), same);
}
