/**
 * Commit-confirm as a pure state machine, driven by an injected monotonic
 * clock: after an apply the store is `pending` until the user confirms or the
 * deadline passes. At the deadline an unconfirmed apply stays only if the box
 * still has contact with its VRRP peer; without contact it is rolled back
 * (the apply may be what cut the box off). A reload the daemon refused rolls
 * back at once.
 *
 *   pending ──confirm──────────────────────────► confirmed (user)
 *      │ ──tick ≥ deadline, peer contact───────► confirmed (peer-contact)
 *      │ ──tick ≥ deadline, no peer contact────► rolled-back   + rollback
 *      └──reload-failed────────────────────────► rolled-back   + rollback
 */
export type ConfirmState =
  | {
      readonly kind: 'pending';
      readonly generation: number;
      readonly previous: number;
      readonly deadlineMs: number;
    }
  | {
      readonly kind: 'confirmed';
      readonly generation: number;
      readonly by: 'user' | 'peer-contact';
    }
  | {
      readonly kind: 'rolled-back';
      readonly generation: number;
      readonly previous: number;
      readonly why: string;
    };

export type ConfirmEvent =
  | { readonly type: 'confirm' }
  | { readonly type: 'tick'; readonly nowMs: number; readonly peerContact: boolean }
  | { readonly type: 'reload-failed'; readonly error: string };

export type ConfirmAction = { readonly type: 'rollback'; readonly to: number };

export function startConfirm(
  generation: number,
  previous: number,
  nowMs: number,
  confirmWithinMs: number,
): ConfirmState {
  return { kind: 'pending', generation, previous, deadlineMs: nowMs + confirmWithinMs };
}

export function stepConfirm(
  s: ConfirmState,
  e: ConfirmEvent,
): { state: ConfirmState; actions: ConfirmAction[] } {
  if (s.kind !== 'pending') return { state: s, actions: [] };
  const rollBack = (why: string): { state: ConfirmState; actions: ConfirmAction[] } => ({
    state: { kind: 'rolled-back', generation: s.generation, previous: s.previous, why },
    actions: [{ type: 'rollback', to: s.previous }],
  });
  switch (e.type) {
    case 'confirm':
      return { state: { kind: 'confirmed', generation: s.generation, by: 'user' }, actions: [] };
    case 'reload-failed':
      return rollBack(`the daemon refused generation ${s.generation}: ${e.error}`);
    case 'tick':
      if (e.nowMs < s.deadlineMs) return { state: s, actions: [] };
      if (e.peerContact)
        return {
          state: { kind: 'confirmed', generation: s.generation, by: 'peer-contact' },
          actions: [],
        };
      return rollBack(
        `generation ${s.generation} was not confirmed in time and the peer is silent`,
      );
  }
}
