/**
 * interface_up_down_delays, as keepalived 2.2.7's update_interface_flags
 * debounces link changes: a change of an interface that has been up before
 * takes effect only after its delay (down_delay, up_delay), and not at all if
 * the link goes back first ("Delay timer for eth0 cancelled"). An interface's
 * first state, and its first time up, count at once. Pure: the clock and the
 * consumer are given.
 */
import type { Clock, TimerHandle } from '../checkers/clock';

export interface UpDownDelays {
  readonly downMs: number;
  readonly upMs: number;
}

/**
 * The delays of `interface_up_down_delays` lines (IF DOWN [UP], seconds; no
 * UP means 0, as keepalived 2.2.7's parser has it, whatever its man page
 * says), clamped as keepalived clamps them for each instance on the
 * interface: under (down_timer_adverts - 1) advert intervals, by 1/256 of
 * one, or 0 with down_timer_adverts 1. Otherwise a backup would time out and
 * take over before this side's FAULT.
 */
export function upDownDelays(
  lines: readonly (readonly string[])[],
  instances: readonly {
    readonly interface: string | undefined;
    readonly advertIntervalCs: number;
    readonly downTimerAdverts: number;
  }[],
): Record<string, UpDownDelays> {
  // A plain record: the config is compared as JSON at a reload.
  const out: Record<string, UpDownDelays> = {};
  for (const [ifname, down, up] of lines) {
    if (!ifname || down === undefined) continue;
    let downMs = Math.round(Number(down) * 1000);
    let upMs = up === undefined ? 0 : Math.round(Number(up) * 1000);
    for (const ic of instances) {
      if (ic.interface !== ifname) continue;
      const advertMs = ic.advertIntervalCs * 10;
      const limit = (ic.downTimerAdverts - 1) * advertMs;
      const clamp = (ms: number): number =>
        ic.downTimerAdverts <= 1 ? 0 : ms >= limit ? limit - advertMs / 256 : ms;
      downMs = clamp(downMs);
      upMs = clamp(upMs);
    }
    if (downMs > 0 || upMs > 0) out[ifname] = { downMs, upMs };
  }
  return out;
}

export class LinkDebounce {
  /** The state the instances see. */
  private readonly effective = new Map<string, boolean>();
  private readonly seenUp = new Set<string>();
  private readonly pending = new Map<string, { up: boolean; timer: TimerHandle }>();

  constructor(
    private readonly clock: Pick<Clock, 'setTimer' | 'clearTimer'>,
    private delays: Readonly<Record<string, UpDownDelays>>,
    /** A change the instances act on ("Netlink reports eth0 down"). */
    private readonly changed: (ifname: string, up: boolean) => void,
    private readonly log: (message: string) => void,
  ) {}

  /** A reload's delays: for the changes heard from now on. */
  setDelays(delays: Readonly<Record<string, UpDownDelays>>): void {
    this.delays = delays;
  }

  isUp(ifname: string): boolean | undefined {
    return this.effective.get(ifname);
  }

  /** The link monitor heard `ifname` go up or down. */
  heard(ifname: string, up: boolean): void {
    const p = this.pending.get(ifname);
    if (p) {
      if (p.up === up) return;
      // Back to what the instances see: the change never happened for them.
      this.clock.clearTimer(p.timer);
      this.pending.delete(ifname);
      this.log(`Delay timer for ${ifname} cancelled`);
    }
    const was = this.effective.get(ifname);
    if (was === up) return;
    const d = Object.hasOwn(this.delays, ifname) ? this.delays[ifname] : undefined;
    const ms = d ? (up ? d.upMs : d.downMs) : 0;
    if (was !== undefined && this.seenUp.has(ifname) && ms > 0) {
      const timer = this.clock.setTimer(ms, () => {
        this.pending.delete(ifname);
        this.apply(ifname, up);
      });
      this.pending.set(ifname, { up, timer });
      this.log(
        `${ifname}: ${up ? 'up' : 'down'} delayed by ${ms / 1000} s (interface_up_down_delays)`,
      );
      return;
    }
    this.apply(ifname, up);
  }

  private apply(ifname: string, up: boolean): void {
    this.effective.set(ifname, up);
    if (up) this.seenUp.add(ifname);
    this.changed(ifname, up);
  }

  dispose(): void {
    for (const p of this.pending.values()) this.clock.clearTimer(p.timer);
    this.pending.clear();
  }
}
