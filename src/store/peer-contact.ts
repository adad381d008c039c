/**
 * "Contact with the VRRP peer", from the daemon's status counters: some
 * instance received an advert in the last `windowMs`. Only a master's peer is
 * silent by design (backups do not advertise), so a MASTER whose apply is not
 * confirmed counts as out of contact. Pure: samples in, verdict out.
 */
import type { DaemonStatus } from '../core/status';

export interface ContactTracker {
  readonly received: number | null;
  readonly lastIncreaseMs: number | null;
}

export const NO_CONTACT_YET: ContactTracker = { received: null, lastIncreaseMs: null };

export function advertsReceived(s: Pick<DaemonStatus, 'instances'>): number {
  return s.instances.reduce((sum, i) => sum + (i.stats?.advertsReceived ?? 0), 0);
}

/** Folds one status sample (or none: the daemon did not answer) into the tracker. */
export function observe(t: ContactTracker, nowMs: number, received: number | null): ContactTracker {
  if (received === null) return t;
  const increased = t.received !== null && received > t.received;
  return { received, lastIncreaseMs: increased ? nowMs : t.lastIncreaseMs };
}

export function inContact(t: ContactTracker, nowMs: number, windowMs: number): boolean {
  return t.lastIncreaseMs !== null && nowMs - t.lastIncreaseMs <= windowMs;
}
