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

  constructor(
    private readonly globals: VrrpGlobals,
    private readonly log: Logger,
  ) {}

  /** Who scripts run as (when halb runs as root), as keepalived decides it. */
  spawnAs(): { uid: number; gid: number } | undefined {
    if (process.getuid?.() !== 0) return undefined;
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

  /**
   * enable_script_security: a script someone other than root (or its user)
   * could change is refused; without it, it runs with a warning, as keepalived.
   */
  refusal(argv: readonly string[]): string | undefined {
    const program = argv[0];
    if (!program) return 'no script given';
    const why = insecureBecause(program, this.spawnAs()?.uid ?? 0);
    if (!why) return undefined;
    if (this.globals.scriptSecurity) return `${why} (enable_script_security)`;
    this.log.warn(
      `script ${program} is unsafe: ${why}; running it because enable_script_security is off`,
    );
    return undefined;
  }
}
