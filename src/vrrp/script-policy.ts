/**
 * Who a VRRP script or notify runs as, and whether it may run at all: the
 * engine's side of keepalived's script security (script_user,
 * enable_script_security), with the file checks in script-security.ts.
 */
import type { VrrpGlobals } from '../config/vrrp-config';
import type { Logger } from '../core/log';
import { insecureBecause, scriptUser, type RunAs } from './script-security';

export class ScriptPolicy {
  private runAs: RunAs | undefined;
  /** A script's own user [group] (vrrp_script `user`, a notify's USER [GROUP]), by name. */
  private readonly own = new Map<string, RunAs | Error>();

  constructor(
    private readonly globals: VrrpGlobals,
    private readonly log: Logger,
  ) {}

  /**
   * Who scripts run as (when halb runs as root), as keepalived decides it: the
   * script's own user when it names one, else script_user, else
   * keepalived_script, else root. Undefined when halb is not root.
   */
  spawnAs(user?: readonly string[]): { uid: number; gid: number } | undefined {
    if (process.getuid?.() !== 0) return undefined;
    if (user && user.length > 0) {
      const r = this.ownUser(user);
      return r instanceof Error ? undefined : { uid: r.uid, gid: r.gid };
    }
    if (!this.runAs) {
      try {
        this.runAs = scriptUser(this.globals.scriptUser);
      } catch (err) {
        this.log.error(`${(err as Error).message}; scripts run as root`);
        this.runAs = { uid: 0, gid: 0, name: 'root' };
      }
    }
    return { uid: this.runAs.uid, gid: this.runAs.gid };
  }

  /** At a reload: users and groups are looked up again. */
  forgetUsers(): void {
    this.own.clear();
  }

  private ownUser(user: readonly string[]): RunAs | Error {
    const key = user.join(':');
    let r = this.own.get(key);
    if (!r) {
      try {
        r = scriptUser(user);
      } catch (err) {
        r = err as Error;
      }
      this.own.set(key, r);
    }
    return r;
  }

  /**
   * enable_script_security: a script someone other than root (or its user)
   * could change is refused; without it, it runs with a warning, as keepalived.
   * A script whose own user does not exist never runs (keepalived ignores it).
   */
  refusal(argv: readonly string[], user?: readonly string[]): string | undefined {
    const program = argv[0];
    if (!program) return 'no script given';
    if (user && user.length > 0 && process.getuid?.() === 0) {
      const r = this.ownUser(user);
      if (r instanceof Error)
        return `invalid user/group: ${r.message.replace(/^script_user /, '')}`;
    }
    const why = insecureBecause(program, this.spawnAs(user)?.uid ?? 0);
    if (!why) return undefined;
    if (this.globals.scriptSecurity) return `${why} (enable_script_security)`;
    this.log.warn(
      `script ${program} is unsafe: ${why}; running it because enable_script_security is off`,
    );
    return undefined;
  }
}
