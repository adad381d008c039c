/** Debian's keepalived 2.2.7 as a peer in a lab host: started, stopped, its state read from its log. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Lab } from './netns-lab';
import type { Proc } from './process';

export class KeepalivedPeer {
  proc: Proc | undefined;
  readonly conf: string;
  private starts = 0;

  constructor(
    readonly lab: Lab,
    readonly host: string,
    config: string,
  ) {
    this.conf = path.join(lab.dir, `${host}-keepalived.conf`);
    fs.writeFileSync(this.conf, config);
  }

  start(): Proc {
    const p = (n: string) => path.join(this.lab.dir, `${this.host}-${this.starts}-${n}.pid`);
    this.starts++;
    this.proc = this.lab.spawn(this.host, [
      'keepalived',
      '-n',
      '-l',
      '-D',
      '-P',
      '-f',
      this.conf,
      '-p',
      p('k'),
      '-r',
      p('v'),
      '-c',
      p('c'),
      // Its BFD process, when the config has bfd_instance blocks.
      '-b',
      p('b'),
    ]);
    return this.proc;
  }

  /**
   * Kills keepalived as a crash would: its children first (they would
   * otherwise get SIGTERM from the parent's death and leave gracefully: the BFD
   * child sends Down), then the parent. The parent is stopped first: a running
   * one restarts a killed child at once, and under load the new child lived
   * long enough to see the parent die and leave gracefully (CI, session 17:
   * halb's BFD session went Down on keepalived's word instead of expiring).
   */
  async kill(signal: NodeJS.Signals): Promise<void> {
    const pid = this.proc?.pid;
    if (pid === undefined) return;
    if (signal === 'SIGKILL') {
      try {
        process.kill(pid, 'SIGSTOP');
      } catch {
        /* gone */
      }
      const r = await this.lab.exec(this.host, ['pgrep', '-P', String(pid)]);
      for (const child of r.stdout.split('\n').filter(Boolean)) {
        try {
          process.kill(Number(child), 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
    await this.proc?.kill(signal);
  }

  /** The state of VI_1 from the last transition keepalived logged. */
  state(instance = 'VI_1'): string {
    if (!this.proc?.running) return 'down';
    const all = [
      ...this.proc.output.matchAll(
        new RegExp(`\\(${instance}\\) Entering (MASTER|BACKUP|FAULT) STATE`, 'g'),
      ),
    ];
    return (all.at(-1)?.[1] ?? 'init').toLowerCase();
  }

  /** The last logged state of every instance. */
  states(): Map<string, string> {
    const out = new Map<string, string>();
    for (const m of (this.proc?.output ?? '').matchAll(
      /\((\S+)\) Entering (MASTER|BACKUP|FAULT) STATE/g,
    )) {
      out.set(m[1] as string, (m[2] as string).toLowerCase());
    }
    return out;
  }

  /** Lines where keepalived complains about what it received. */
  complaints(): string[] {
    return (this.proc?.output ?? '')
      .split('\n')
      .filter(
        (l) =>
          /invalid|bad |mismatch|error|wrong|ignoring|discard|checksum|already processed/i.test(
            l,
          ) && !/lower priority/.test(l),
      );
  }
}
