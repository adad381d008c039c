/**
 * BFD_CHECK: a real server follows a bfd_instance session (keepalived's
 * check_bfd.c). The sessions run in the daemon (bfd/service.ts), which sends
 * their states to the checker process on every change; a check here waits
 * for its session to change and reports at once, with no retry, as
 * keepalived applies each BFD event straight to the server.
 */
import { fail, ok, type Check } from '../check';

/** The sessions' states as the daemon last sent them (absent: not Up). */
export class BfdView {
  private states: ReadonlyMap<string, boolean> = new Map();
  private readonly waiters = new Set<() => void>();

  update(states: Readonly<Record<string, boolean>>): void {
    this.states = new Map(Object.entries(states));
    const woken = [...this.waiters];
    this.waiters.clear();
    for (const w of woken) w();
  }

  isUp(name: string): boolean {
    return this.states.get(name) === true;
  }

  /** Resolves at the next update, or when cancelled. */
  next(): { promise: Promise<void>; cancel: () => void } {
    let wake: () => void = () => undefined;
    const promise = new Promise<void>((resolve) => (wake = resolve));
    this.waiters.add(wake);
    return {
      promise,
      cancel: () => {
        this.waiters.delete(wake);
        wake();
      },
    };
  }
}

export function bfdCheck(name: string, view: BfdView): Check {
  let last: boolean | undefined;
  let waiting: (() => void) | undefined;
  let disposed = false;
  return {
    async run() {
      // The first attempt says the state now; each later one waits until it changes.
      while (last !== undefined && view.isUp(name) === last && !disposed) {
        const n = view.next();
        waiting = n.cancel;
        await n.promise;
        waiting = undefined;
      }
      last = view.isUp(name);
      return last ? ok(`BFD ${name} is UP`) : fail(`BFD ${name} is DOWN`);
    },
    dispose() {
      disposed = true;
      waiting?.();
    },
  };
}
