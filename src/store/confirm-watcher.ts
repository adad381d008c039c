/**
 * The driver of the commit-confirm machine: a detached process started by
 * `halb config save --confirm-within S`. Once a second it reads the pending
 * file (a `halb config confirm` marks it confirmed) and the daemon's status
 * (peer contact), steps the machine, carries out a rollback, and records the
 * outcome in the pending file for `halb config pending` to show. While the
 * apply is pending only the CLI writes that file; the watcher writes it once.
 */
import * as path from 'node:path';
import type { Logger } from '../core/log';
import type { ConfigStore } from './config-store';
import { startConfirm, stepConfirm, type ConfirmEvent, type ConfirmState } from './confirm-machine';
import { reloadAndWait, type Clock, type DaemonLink } from './daemon-link';
import { advertsReceived, inContact, NO_CONTACT_YET, observe } from './peer-contact';
import { atomicWrite, type StoreFs } from './store-fs';

export const PENDING_FILE = 'config-pending.json';

export interface PendingRecord {
  readonly generation: number;
  readonly previous: number;
  readonly confirmWithinS: number;
  readonly peerWindowS: number;
  readonly watcherPid: number | null;
  readonly confirmRequested: boolean;
  /** pending, confirmed (user | peer-contact) or rolled-back, with why. */
  readonly state: string;
}

export function pendingPath(runtimeDir: string): string {
  return path.join(runtimeDir, PENDING_FILE);
}

export function readPending(sfs: StoreFs, runtimeDir: string): PendingRecord | null {
  const text = sfs.readFile(pendingPath(runtimeDir));
  if (text === null) return null;
  try {
    return JSON.parse(text) as PendingRecord;
  } catch {
    return null;
  }
}

export function writePending(sfs: StoreFs, runtimeDir: string, rec: PendingRecord): void {
  sfs.mkdirp(runtimeDir);
  atomicWrite(sfs, pendingPath(runtimeDir), JSON.stringify(rec) + '\n', 0o644);
}

function describe(s: ConfirmState): string {
  switch (s.kind) {
    case 'pending':
      return 'pending';
    case 'confirmed':
      return `confirmed (${s.by})`;
    case 'rolled-back':
      return `rolled back to generation ${s.previous}: ${s.why}`;
  }
}

/** A newer save, rollback or factory reset ends the wait: the watcher must not undo it. */
export function supersedePending(sfs: StoreFs, runtimeDir: string, by: string): void {
  const rec = readPending(sfs, runtimeDir);
  if (rec && rec.state === 'pending')
    writePending(sfs, runtimeDir, { ...rec, state: `superseded by ${by}` });
}

export async function watchConfirm(opts: {
  store: ConfigStore;
  sfs: StoreFs;
  link: DaemonLink;
  clock: Clock;
  log: Logger;
  runtimeDir: string;
  pollMs?: number;
}): Promise<ConfirmState | { readonly kind: 'superseded' }> {
  const { store, sfs, link, clock, log, runtimeDir } = opts;
  const rec = readPending(sfs, runtimeDir);
  if (!rec) throw new Error('no pending apply to watch');
  let state = startConfirm(rec.generation, rec.previous, clock.nowMs(), rec.confirmWithinS * 1000);
  let contact = NO_CONTACT_YET;
  log.info(
    `config store: generation ${rec.generation} applied; confirm within ${rec.confirmWithinS} s or lose peer contact and it rolls back to ${rec.previous}`,
  );
  while (state.kind === 'pending') {
    const now = clock.nowMs();
    const cur = readPending(sfs, runtimeDir);
    const events: ConfirmEvent[] = [];
    if (!cur || cur.generation !== rec.generation || cur.state !== 'pending') {
      log.info(
        `config store: generation ${rec.generation} no longer pending (${cur?.state ?? 'record gone'})`,
      );
      store.clearUnconfirmed();
      return { kind: 'superseded' };
    }
    if (cur.confirmRequested) events.push({ type: 'confirm' });
    const st = await link.status();
    if (
      st?.configStore &&
      st.configStore.attempted === rec.generation &&
      st.configStore.running !== rec.generation
    )
      events.push({ type: 'reload-failed', error: st.lastReloadError ?? 'reload failed' });
    contact = observe(contact, now, st ? advertsReceived(st) : null);
    events.push({
      type: 'tick',
      nowMs: now,
      peerContact: inContact(contact, now, rec.peerWindowS * 1000),
    });
    for (const e of events) {
      const step = stepConfirm(state, e);
      state = step.state;
      for (const a of step.actions) {
        const back = store.rollback(a.to);
        log.error(`config store: ${describe(state)}; now generation ${back.generation}`);
        const outcome = await reloadAndWait(link, clock, back.generation);
        if (outcome.kind === 'refused')
          log.error(`config store: rollback reload: ${outcome.error}`);
      }
    }
    if (state.kind === 'pending') await clock.sleep(opts.pollMs ?? 1000);
  }
  // Written once, when decided: a write while pending could undo a confirm
  // or a supersede that another process made since this loop read the file.
  const latest = readPending(sfs, runtimeDir);
  if (latest?.generation === rec.generation && latest.state === 'pending')
    writePending(sfs, runtimeDir, { ...latest, state: describe(state) });
  store.clearUnconfirmed();
  if (state.kind === 'confirmed')
    log.info(`config store: generation ${rec.generation} ${describe(state)}`);
  return state;
}
