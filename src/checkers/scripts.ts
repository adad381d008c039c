/**
 * Running the checkers' scripts (MISC_CHECK, notify_up / notify_down) as
 * keepalived does: as script_user (else keepalived_script, else root; a
 * MISC_CHECK's own `user` first), refused under enable_script_security when
 * someone else could change them, killed with their process group at timeout.
 */
import { spawn } from 'node:child_process';
import { insecureBecause, scriptUser, type RunAs } from '../vrrp/script-security';

export interface ScriptPolicy {
  readonly scriptUser: readonly string[] | undefined;
  readonly scriptSecurity: boolean;
}

export type ScriptOutcome =
  | { readonly kind: 'exit'; readonly code: number }
  | { readonly kind: 'signal'; readonly signal: string }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'error'; readonly message: string };

export class ScriptRunner {
  private cache = new Map<string, RunAs>();
  /** Process groups of the scripts running now. */
  private readonly running = new Set<number>();

  constructor(private policy: ScriptPolicy) {}

  /** A reload's script_user / enable_script_security. */
  setPolicy(policy: ScriptPolicy): void {
    this.policy = policy;
    this.cache.clear();
  }

  /** uid/gid to run as; undefined when halb is not root (it cannot switch). */
  runAs(user: readonly string[] | undefined): { uid: number; gid: number } | undefined {
    if (process.getuid?.() !== 0) return undefined;
    const who = user ?? this.policy.scriptUser;
    const key = (who ?? []).join(':');
    let r = this.cache.get(key);
    if (!r) {
      try {
        r = scriptUser(who);
      } catch {
        r = { uid: 0, gid: 0, name: 'root' };
      }
      this.cache.set(key, r);
    }
    return { uid: r.uid, gid: r.gid };
  }

  /**
   * Why this script must not run: a USER [GROUP] of its own that does not
   * exist (keepalived ignores such a script; never run as root instead), or,
   * under enable_script_security, a file someone else could change.
   */
  refusal(argv: readonly string[], user?: readonly string[]): string | undefined {
    const program = argv[0];
    if (!program) return 'no script given';
    if (user && user.length > 0 && process.getuid?.() === 0) {
      try {
        scriptUser(user);
      } catch (err) {
        return `invalid user/group: ${(err as Error).message.replace(/^script_user /, '')}`;
      }
    }
    if (!this.policy.scriptSecurity) return undefined;
    return insecureBecause(program, this.runAs(user)?.uid ?? 0);
  }

  /** At stop: no script outlives the checker process. */
  killAll(): void {
    for (const pid of this.running) killGroup(pid);
    this.running.clear();
  }

  run(
    argv: readonly string[],
    timeoutMs: number,
    user?: readonly string[],
  ): Promise<ScriptOutcome> {
    return new Promise((resolve) => {
      let child;
      try {
        child = spawn(argv[0] as string, argv.slice(1), {
          stdio: 'ignore',
          detached: true,
          ...(this.runAs(user) ?? {}),
        });
      } catch (err) {
        resolve({ kind: 'error', message: (err as Error).message });
        return;
      }
      let done = false;
      const pid = child.pid;
      if (pid) this.running.add(pid);
      const finish = (o: ScriptOutcome): void => {
        if (done) return;
        done = true;
        if (pid) this.running.delete(pid);
        clearTimeout(timer);
        resolve(o);
      };
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              if (pid) killGroup(pid);
              finish({ kind: 'timeout' });
            }, timeoutMs)
          : undefined;
      child.on('error', (err) => finish({ kind: 'error', message: err.message }));
      child.on('exit', (code, signal) =>
        finish(signal ? { kind: 'signal', signal } : { kind: 'exit', code: code ?? 0 }),
      );
    });
  }
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}
