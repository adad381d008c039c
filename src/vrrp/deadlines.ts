/**
 * One Node timer for the deadlines of every VRRP instance: a min-heap of
 * (time, owner) and a single setTimeout armed for the earliest. When it fires,
 * every owner whose deadline has come runs, earliest first, in that one
 * event-loop turn — 250 masters on advert_int 1 cost one timer callback a
 * second instead of 250 Timeout objects and Node timer-list operations.
 * Times are the injected monotonic clock's milliseconds; nothing here
 * allocates per deadline once an owner has been seen.
 *
 * A deadline can be made a mere check (relax()): a backup's master-down time
 * moves later with every advert, and instead of moving it in the heap the
 * instance leaves the old time armed and checks when it comes. Checks due
 * within CHECK_SLACK_MS of a firing run in that same turn, early: a check
 * only re-arms for the real time, so running it early is harmless, and a
 * backup hearing adverts spread over the second (keepalived's masters send
 * them so) then wakes about 1 / CHECK_SLACK_MS times a second for its checks
 * instead of once per instance per master-down interval.
 */
/** How far ahead of the clock a firing also runs checks (relaxed deadlines). */
export const CHECK_SLACK_MS = 100;

export interface DeadlineOwner {
  /** Its deadline has come (it is no longer armed: set() again for another). */
  onDeadline(): void;
}

export class Deadlines {
  private readonly times: number[] = [];
  private readonly owners: DeadlineOwner[] = [];
  /** Per heap slot: the armed time is a check only (relax()). */
  private readonly checks: boolean[] = [];
  /** Where each armed owner sits in the heap. */
  private readonly slot = new Map<DeadlineOwner, number>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private running = false;

  constructor(private readonly now: () => number) {}

  /** Arms (or moves) the owner's one deadline. */
  set(owner: DeadlineOwner, at: number): void {
    const i = this.slot.get(owner);
    if (i === undefined) {
      this.times.push(at);
      this.owners.push(owner);
      this.checks.push(false);
      this.slot.set(owner, this.times.length - 1);
      this.up(this.times.length - 1);
    } else {
      const was = this.times[i] as number;
      this.times[i] = at;
      this.checks[i] = false;
      if (at < was) this.up(i);
      else this.down(i);
    }
    this.arm();
  }

  /**
   * The owner's armed time is only a check now (its real deadline moved
   * later): it may run up to CHECK_SLACK_MS early, with other owners' deadlines.
   */
  relax(owner: DeadlineOwner): void {
    const i = this.slot.get(owner);
    if (i !== undefined) this.checks[i] = true;
  }

  clear(owner: DeadlineOwner): void {
    const i = this.slot.get(owner);
    if (i === undefined) return;
    this.removeAt(i);
    this.arm();
  }

  /** How many owners are armed (for tests). */
  get size(): number {
    return this.times.length;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    this.times.length = 0;
    this.owners.length = 0;
    this.checks.length = 0;
    this.slot.clear();
  }

  private arm(): void {
    if (this.running) return; // fire() arms once it is done
    const first = this.times.length > 0 ? (this.times[0] as number) : Infinity;
    if (first === this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = first;
    if (first === Infinity) return;
    this.timer = setTimeout(() => this.fire(), Math.max(0, first - this.now()));
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    this.running = true;
    try {
      const horizon = this.now() + CHECK_SLACK_MS;
      // The clock is read again for each: deadlines that come while earlier owners run
      // (a few microseconds apart) go in the same turn instead of another timer each.
      // Never early, but for checks: a real deadline runs only once the clock has reached
      // it, and the first real one still to come ends the turn (checks behind it wait).
      while (this.times.length > 0) {
        const at = this.times[0] as number;
        if (at > horizon || (at > this.now() && !(this.checks[0] as boolean))) break;
        const owner = this.owners[0] as DeadlineOwner;
        this.removeAt(0);
        owner.onDeadline();
      }
    } finally {
      this.running = false;
      this.arm();
    }
  }

  private removeAt(i: number): void {
    const owner = this.owners[i] as DeadlineOwner;
    this.slot.delete(owner);
    const lastTime = this.times.pop() as number;
    const lastOwner = this.owners.pop() as DeadlineOwner;
    const lastCheck = this.checks.pop() as boolean;
    if (i === this.times.length) return;
    this.times[i] = lastTime;
    this.owners[i] = lastOwner;
    this.checks[i] = lastCheck;
    this.slot.set(lastOwner, i);
    this.up(i);
    this.down(i);
  }

  private swap(i: number, j: number): void {
    const t = this.times[i] as number;
    const o = this.owners[i] as DeadlineOwner;
    const c = this.checks[i] as boolean;
    this.times[i] = this.times[j] as number;
    this.owners[i] = this.owners[j] as DeadlineOwner;
    this.checks[i] = this.checks[j] as boolean;
    this.times[j] = t;
    this.owners[j] = o;
    this.checks[j] = c;
    this.slot.set(this.owners[i] as DeadlineOwner, i);
    this.slot.set(o, j);
  }

  private up(start: number): void {
    let i = start;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if ((this.times[p] as number) <= (this.times[i] as number)) return;
      this.swap(i, p);
      i = p;
    }
  }

  private down(start: number): void {
    let i = start;
    const n = this.times.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && (this.times[l] as number) < (this.times[m] as number)) m = l;
      if (r < n && (this.times[r] as number) < (this.times[m] as number)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
