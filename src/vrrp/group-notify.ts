/**
 * A sync group's notifications (keepalived's send_group_notifies): when all
 * its members are in one state, its notify_master / notify_backup /
 * notify_fault script, its generic `notify` script with `GROUP NAME STATE 0`,
 * and `GROUP "NAME" STATE 0` on the notify FIFO; never the same state twice
 * in a row. At shutdown every group says STOP (notify_stop).
 */
import type { NotifyScript } from '../config/access';
import type { SyncGroupConfig } from '../config/vrrp-config';

export type GroupState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP';

const STATES: Record<string, GroupState> = { master: 'MASTER', backup: 'BACKUP', fault: 'FAULT' };

export class GroupNotifier {
  /** The state last announced, by group name. */
  private readonly last = new Map<string, GroupState>();

  constructor(
    private readonly fifo: (line: string) => void,
    private readonly run: (script: NotifyScript, group: string) => void,
    private readonly announced: (group: string, state: GroupState) => void = () => {},
  ) {}

  /** After a member moved: the states of the members running. */
  moved(g: SyncGroupConfig, states: readonly string[]): void {
    if (states.length !== g.members.length) return;
    const state = STATES[states[0] ?? ''];
    if (state && states.every((s) => STATES[s] === state)) this.announce(g, state);
  }

  /** The state last announced for a group (KEEPALIVED-MIB's vrrpSyncGroupState); undefined before any. */
  stateOf(name: string): GroupState | undefined {
    return this.last.get(name);
  }

  stopping(groups: readonly SyncGroupConfig[]): void {
    for (const g of groups) this.announce(g, 'STOP');
  }

  /** A reload removed the group: a later one of that name starts afresh. */
  forget(name: string): void {
    this.last.delete(name);
  }

  private announce(g: SyncGroupConfig, state: GroupState): void {
    if (this.last.get(g.name) === state) return;
    this.last.set(g.name, state);
    const n = g.notify;
    const specific = { MASTER: n.master, BACKUP: n.backup, FAULT: n.fault, STOP: n.stop }[state];
    if (specific) this.run(specific, g.name);
    if (n.any) this.run({ ...n.any, argv: [...n.any.argv, 'GROUP', g.name, state, '0'] }, g.name);
    this.fifo(`GROUP "${g.name}" ${state} 0`);
    this.announced(g.name, state);
  }
}
