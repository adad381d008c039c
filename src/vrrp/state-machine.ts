/**
 * The VRRP state machine of RFC 5798 §6 (RFC 3768 §6 for v2), with keepalived's
 * FAULT state: a pure function of (parameters, state, event, now) returning
 * the new state and the actions a driver carries out. Time is a monotonic
 * number of milliseconds given by the caller, so every timer is exact in tests.
 */
import { ipBytes } from './checksum';

export type VrrpState = 'init' | 'backup' | 'master' | 'fault';

export interface InstanceParams {
  readonly name: string;
  readonly version: 2 | 3;
  /** Configured priority; 255 is the address owner. */
  readonly priority: number;
  readonly advertIntervalCs: number;
  readonly nopreempt: boolean;
  readonly preemptDelayMs: number;
  /** Our primary address on the interface: the tie-break of RFC 5798 §6.4.3. */
  readonly primaryAddress: string;
  /** keepalived down_timer_adverts (3 in the RFC). */
  readonly downTimerAdverts: number;
  /**
   * vrrp_startup_delay: until this time (on the same clock) a BACKUP's
   * Master_Down_Timer counts from it, not from now, as keepalived does; 0: none.
   */
  readonly startDelayUntil?: number;
  /** keepalived lower_prio_no_advert: no advert in answer to a lower priority while MASTER. */
  readonly lowerPrioNoAdvert?: boolean;
  /** keepalived higher_prio_send_advert: one advert before stepping down to a higher priority. */
  readonly higherPrioSendAdvert?: boolean;
  /**
   * `state MASTER` (not the address owner, not nopreempt): at startup the
   * first BACKUP waits one advert interval plus the smallest skew, enough to
   * hear a master if there is one, instead of the whole Master_Down_Interval
   * (keepalived's vrrp_init_state).
   */
  readonly wantMaster?: boolean;
}

export interface Machine {
  readonly state: VrrpState;
  readonly effectivePriority: number;
  /** Learned from the master in v3 (RFC 5798 §6.4.2); our own interval in v2. */
  readonly masterAdvertIntervalCs: number;
  readonly masterDownAt: number | null;
  readonly advertAt: number | null;
  /** preempt_delay: when a pending preemption may go ahead. */
  readonly preemptAt: number | null;
  readonly masterAddress: string | null;
  readonly lastTransition: {
    readonly to: VrrpState;
    readonly at: number;
    readonly why: string;
  } | null;
}

export type VrrpEvent =
  | { readonly type: 'startup' }
  | { readonly type: 'shutdown' }
  | { readonly type: 'timer' }
  | {
      readonly type: 'advert';
      readonly from: string;
      readonly priority: number;
      readonly advertIntervalCs: number;
    }
  | { readonly type: 'fault'; readonly faulty: boolean; readonly why: string }
  | { readonly type: 'priority'; readonly effective: number }
  /** vrrp_sync_group: a member moved, and the group moves with it. */
  | { readonly type: 'sync'; readonly to: 'master' | 'backup'; readonly why: string };

export type VrrpAction =
  | { readonly type: 'send-advert'; readonly priority: number }
  | { readonly type: 'add-vips' }
  | { readonly type: 'remove-vips' }
  /** Gratuitous ARP / unsolicited NA for every VIP: the driver runs the bursts. */
  | { readonly type: 'announce' }
  /** garp_lower_prio_repeat: a MASTER re-announces after hearing a lower priority. */
  | { readonly type: 'announce-lower-priority' }
  | { readonly type: 'stop-announcing' }
  | { readonly type: 'notify'; readonly state: 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP' }
  | { readonly type: 'log'; readonly message: string; readonly detail?: boolean };

export interface Step {
  readonly machine: Machine;
  readonly actions: VrrpAction[];
}

export function initialMachine(p: InstanceParams): Machine {
  return {
    state: 'init',
    effectivePriority: p.priority,
    masterAdvertIntervalCs: p.advertIntervalCs,
    masterDownAt: null,
    advertAt: null,
    preemptAt: null,
    masterAddress: null,
    lastTransition: null,
  };
}

/** Skew_Time (RFC 5798 §6.1; RFC 3768: (256 - Priority) / 256 seconds). */
export function skewMs(
  p: InstanceParams,
  m: Pick<Machine, 'effectivePriority' | 'masterAdvertIntervalCs'>,
): number {
  if (p.version === 2) return ((256 - m.effectivePriority) * 1000) / 256;
  return ((256 - m.effectivePriority) * m.masterAdvertIntervalCs * 10) / 256;
}

/** keepalived's VRRP_TIMER_SKEW_MIN: the skew of priority 255. */
function skewMinMs(p: InstanceParams, m: Pick<Machine, 'masterAdvertIntervalCs'>): number {
  return p.version === 2 ? 1000 / 256 : (m.masterAdvertIntervalCs * 10) / 256;
}

/** Master_Down_Interval = 3 x Master_Adver_Interval + Skew_Time. */
export function masterDownMs(
  p: InstanceParams,
  m: Pick<Machine, 'effectivePriority' | 'masterAdvertIntervalCs'>,
): number {
  return p.downTimerAdverts * m.masterAdvertIntervalCs * 10 + skewMs(p, m);
}

/** Where a BACKUP's Master_Down_Timer starts: now, or the end of vrrp_startup_delay. */
function downFrom(p: InstanceParams, now: number): number {
  const until = p.startDelayUntil ?? 0;
  return until > now ? until : now;
}

/** The earliest of the machine's deadlines (runs per received advert: no allocation). */
export function nextDeadline(m: Machine): number | null {
  let d: number | null = m.masterDownAt;
  if (m.advertAt !== null && (d === null || m.advertAt < d)) d = m.advertAt;
  if (m.preemptAt !== null && (d === null || m.preemptAt < d)) d = m.preemptAt;
  return d;
}

/** Compares addresses as unsigned integers in network byte order. */
export function compareAddresses(a: string, b: string): number {
  const x = ipBytes(a);
  const y = ipBytes(b);
  if (x.length !== y.length) return x.length - y.length;
  return Buffer.compare(x, y);
}

const ENTER: Record<'master' | 'backup' | 'fault', (p: InstanceParams) => VrrpAction[]> = {
  // RFC 5798 §6.4.1/§6.4.2: advertise first so the old master steps down, then announce
  // and take the addresses. keepalived adds the VIPs before its GARP; announcing first
  // tells the neighbours a fraction of a millisecond sooner, and loses nothing: until
  // the VIPs are in (within that same event-loop turn) their traffic would have gone
  // to the old master's MAC and been lost either way.
  master: (p) => [
    { type: 'announce' },
    { type: 'log', message: `(${p.name}) Entering MASTER STATE` },
    { type: 'add-vips' },
    { type: 'notify', state: 'MASTER' },
  ],
  backup: (p) => [
    { type: 'log', message: `(${p.name}) Entering BACKUP STATE` },
    { type: 'notify', state: 'BACKUP' },
  ],
  fault: (p) => [
    { type: 'log', message: `(${p.name}) Entering FAULT STATE` },
    { type: 'notify', state: 'FAULT' },
  ],
};

const LEAVE_MASTER: VrrpAction[] = [{ type: 'stop-announcing' }, { type: 'remove-vips' }];

function to(
  p: InstanceParams,
  m: Machine,
  state: 'master' | 'backup' | 'fault',
  now: number,
  why: string,
  extra: Partial<Machine> = {},
): Step {
  const leaving = m.state === 'master' && state !== 'master' ? LEAVE_MASTER : [];
  const base: Machine = { ...m, ...extra, state, lastTransition: { to: state, at: now, why } };
  let machine: Machine;
  const actions: VrrpAction[] = [...leaving];
  if (state === 'master') {
    actions.push({ type: 'send-advert', priority: m.effectivePriority });
    machine = {
      ...base,
      masterDownAt: null,
      preemptAt: null,
      masterAddress: p.primaryAddress,
      advertAt: now + p.advertIntervalCs * 10,
    };
  } else if (state === 'backup') {
    const reset = {
      ...base,
      advertAt: null,
      masterAdvertIntervalCs:
        extra.masterAdvertIntervalCs ??
        (m.state === 'master' ? p.advertIntervalCs : m.masterAdvertIntervalCs),
    };
    machine = {
      ...reset,
      masterDownAt: extra.masterDownAt ?? downFrom(p, now) + masterDownMs(p, reset),
    };
  } else {
    machine = { ...base, advertAt: null, masterDownAt: null, preemptAt: null, masterAddress: null };
  }
  return { machine, actions: [...actions, ...ENTER[state](p)] };
}

function onAdvertInBackup(
  p: InstanceParams,
  m: Machine,
  e: Extract<VrrpEvent, { type: 'advert' }>,
  now: number,
): Step {
  if (e.priority === 0) {
    // §6.4.2: the master is leaving; take over after Skew_Time only.
    return {
      machine: { ...m, masterDownAt: now + skewMs(p, m) },
      actions: [
        {
          type: 'log',
          message: `(${p.name}) Backup received priority 0 advertisement`,
          detail: true,
        },
      ],
    };
  }
  const accept = p.nopreempt || e.priority >= m.effectivePriority;
  if (!accept) {
    // A lower-priority master: we will preempt, after preempt_delay when one is set.
    if (p.preemptDelayMs > 0) {
      const preemptAt = m.preemptAt ?? now + p.preemptDelayMs;
      if (now < preemptAt) return { machine: restart(p, m, e, now, preemptAt), actions: [] };
    }
    return {
      machine: m,
      actions: [
        {
          type: 'log',
          message: `(${p.name}) received lower priority (${e.priority}) advert from ${e.from} - discarding`,
          detail: true,
        },
      ],
    };
  }
  return { machine: restart(p, m, e, now, null), actions: [] };
}

/** §6.4.2: accept the master: learn its interval (v3) and restart Master_Down_Timer. */
function restart(
  p: InstanceParams,
  m: Machine,
  e: Extract<VrrpEvent, { type: 'advert' }>,
  now: number,
  preemptAt: number | null = m.preemptAt,
): Machine {
  // Once per received advert per instance: one copy of the machine, no more.
  const learned = p.version === 3 ? e.advertIntervalCs : m.masterAdvertIntervalCs;
  const downMs = masterDownMs(p, {
    effectivePriority: m.effectivePriority,
    masterAdvertIntervalCs: learned,
  });
  // Spelt out rather than spread: this is the hot path of every backup.
  return {
    state: m.state,
    effectivePriority: m.effectivePriority,
    masterAdvertIntervalCs: learned,
    masterDownAt: downFrom(p, now) + downMs,
    advertAt: m.advertAt,
    preemptAt,
    masterAddress: e.from,
    lastTransition: m.lastTransition,
  };
}

function onAdvertInMaster(
  p: InstanceParams,
  m: Machine,
  e: Extract<VrrpEvent, { type: 'advert' }>,
  now: number,
): Step {
  if (e.priority === 0) {
    // §6.4.3: another router is leaving: answer at once so backups keep us.
    return {
      machine: { ...m, advertAt: now + p.advertIntervalCs * 10 },
      actions: [{ type: 'send-advert', priority: m.effectivePriority }],
    };
  }
  const higher = e.priority > m.effectivePriority;
  const tieWon =
    e.priority === m.effectivePriority && compareAddresses(e.from, p.primaryAddress) > 0;
  if (higher || tieWon) {
    const why = higher
      ? `Master received advert from ${e.from} with higher priority ${e.priority}, ours ${m.effectivePriority}`
      : `Master received advert from ${e.from} with same priority ${e.priority} but higher IP address than ours`;
    const learned = p.version === 3 ? e.advertIntervalCs : m.masterAdvertIntervalCs;
    const backupView = { ...m, masterAdvertIntervalCs: learned };
    const step = to(p, m, 'backup', now, why, {
      masterAdvertIntervalCs: learned,
      masterAddress: e.from,
      masterDownAt: now + masterDownMs(p, backupView),
    });
    const first: VrrpAction[] = p.higherPrioSendAdvert
      ? [{ type: 'send-advert', priority: m.effectivePriority }]
      : [];
    return {
      machine: step.machine,
      actions: [...first, { type: 'log', message: `(${p.name}) ${why}` }, ...step.actions],
    };
  }
  if (p.lowerPrioNoAdvert)
    return {
      machine: m,
      actions: [
        {
          type: 'log',
          message: `(${p.name}) Received advert from ${e.from} with lower priority ${e.priority}, ours ${m.effectivePriority}`,
        },
        { type: 'announce-lower-priority' },
      ],
    };
  // keepalived: a lower priority master is told at once who is master ("forcing new election").
  return {
    machine: { ...m, advertAt: now + p.advertIntervalCs * 10 },
    actions: [
      {
        type: 'log',
        message: `(${p.name}) Received advert from ${e.from} with lower priority ${e.priority}, ours ${m.effectivePriority}, forcing new election`,
      },
      { type: 'send-advert', priority: m.effectivePriority },
      { type: 'announce-lower-priority' },
    ],
  };
}

export function step(p: InstanceParams, m: Machine, e: VrrpEvent, now: number): Step {
  switch (e.type) {
    case 'startup': {
      if (m.state !== 'init') return { machine: m, actions: [] };
      // keepalived: every instance enters BACKUP first; the address owner becomes master at once.
      if (m.effectivePriority === 255)
        return to(p, m, 'master', now, 'address owner (priority 255)');
      if (p.wantMaster)
        return to(p, m, 'backup', now, 'startup (state MASTER)', {
          masterDownAt: downFrom(p, now) + m.masterAdvertIntervalCs * 10 + skewMinMs(p, m),
        });
      return to(p, m, 'backup', now, 'startup');
    }
    case 'shutdown': {
      const actions: VrrpAction[] = [];
      if (m.state === 'master') actions.push({ type: 'send-advert', priority: 0 }, ...LEAVE_MASTER);
      actions.push(
        { type: 'log', message: `(${p.name}) Stopped` },
        { type: 'notify', state: 'STOP' },
      );
      return {
        machine: { ...initialMachine(p), lastTransition: { to: 'init', at: now, why: 'shutdown' } },
        actions,
      };
    }
    case 'fault': {
      if (e.faulty) {
        if (m.state === 'fault') return { machine: m, actions: [] };
        // Leaving MASTER for FAULT: one priority-0 advert first, as keepalived does.
        const pre: VrrpAction[] =
          m.state === 'master' ? [{ type: 'send-advert', priority: 0 }] : [];
        const s = to(p, m, 'fault', now, e.why);
        return { machine: s.machine, actions: [...pre, ...s.actions] };
      }
      if (m.state !== 'fault') return { machine: m, actions: [] };
      return to(p, m, 'backup', now, `recovered: ${e.why}`);
    }
    case 'priority': {
      // The owner's 255 is never moved by trackers (keepalived), and never reached by them.
      const effective = p.priority === 255 ? 255 : Math.max(1, Math.min(254, e.effective));
      return { machine: { ...m, effectivePriority: effective }, actions: [] };
    }
    case 'sync':
      if (e.to === 'master' && m.state === 'backup') return to(p, m, 'master', now, e.why);
      if (e.to === 'backup' && m.state === 'master') return to(p, m, 'backup', now, e.why);
      return { machine: m, actions: [] };
    case 'advert':
      if (m.state === 'backup') return onAdvertInBackup(p, m, e, now);
      if (m.state === 'master') return onAdvertInMaster(p, m, e, now);
      return { machine: m, actions: [] };
    case 'timer': {
      if (m.state === 'backup' && m.masterDownAt !== null && now >= m.masterDownAt) {
        return to(
          p,
          m,
          'master',
          now,
          m.masterAddress
            ? `no advert from ${m.masterAddress} for the master-down interval`
            : 'no master seen',
        );
      }
      if (m.state === 'backup' && m.preemptAt !== null && now >= m.preemptAt) {
        return to(p, m, 'master', now, 'preempting a lower-priority master after preempt_delay');
      }
      if (m.state === 'master' && m.advertAt !== null && now >= m.advertAt) {
        // The hot path of every master: no spread, one action.
        return {
          machine: {
            state: m.state,
            effectivePriority: m.effectivePriority,
            masterAdvertIntervalCs: m.masterAdvertIntervalCs,
            masterDownAt: m.masterDownAt,
            advertAt: now + p.advertIntervalCs * 10,
            preemptAt: m.preemptAt,
            masterAddress: m.masterAddress,
            lastTransition: m.lastTransition,
          },
          actions: [{ type: 'send-advert', priority: m.effectivePriority }],
        };
      }
      return { machine: m, actions: [] };
    }
  }
}
