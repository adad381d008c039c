/** How the store reaches the running daemon: its status over the control socket, SIGHUP to reload. */
import { request } from '../control/client';
import { socketPath } from '../control/protocol';
import type { DaemonStatus } from '../core/status';

export interface DaemonLink {
  /** The daemon's status, or null when no daemon answers. */
  status(): Promise<DaemonStatus | null>;
  reload(pid: number): void;
}

export interface Clock {
  nowMs(): number;
  sleep(ms: number): Promise<void>;
}

export const monotonicClock: Clock = {
  nowMs: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export function controlSocketLink(runtimeDir: string): DaemonLink {
  return {
    async status() {
      try {
        return (await request(socketPath(runtimeDir), { op: 'status' }, 2000)) as DaemonStatus;
      } catch {
        return null;
      }
    },
    reload(pid) {
      process.kill(pid, 'SIGHUP');
    },
  };
}

export type ReloadOutcome =
  | { readonly kind: 'running'; readonly generation: number | null }
  | { readonly kind: 'refused'; readonly error: string }
  | { readonly kind: 'not-running' };

/**
 * SIGHUPs the daemon and waits until it has read generation `generation`
 * (null: a file not written by the store, the shipped defaults): `running`
 * when it now runs it, `refused` when it kept the old config or did not
 * answer in time.
 */
export async function reloadAndWait(
  link: DaemonLink,
  clock: Clock,
  generation: number | null,
  timeoutMs = 15000,
): Promise<ReloadOutcome> {
  const first = await link.status();
  if (!first) return { kind: 'not-running' };
  link.reload(first.pid);
  const deadline = clock.nowMs() + timeoutMs;
  for (;;) {
    const st = await link.status();
    const store = st?.configStore;
    if (st && store) {
      if (st.configGeneration > first.configGeneration && store.running === generation)
        return { kind: 'running', generation };
      if (generation !== null && store.attempted === generation && store.running !== generation)
        return { kind: 'refused', error: st.lastReloadError ?? 'reload failed' };
    }
    if (clock.nowMs() >= deadline) {
      return {
        kind: 'refused',
        error: `the daemon did not load generation ${generation ?? '(defaults)'} within ${timeoutMs} ms`,
      };
    }
    await clock.sleep(100);
  }
}
