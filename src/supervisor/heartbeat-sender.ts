/**
 * The child's side of supervision: when started by the supervisor (it says
 * so with HALB_HEARTBEAT_FD), die with it (PR_SET_PDEATHSIG) and write one
 * line a second on the heartbeat pipe: the event-loop delay since the last
 * line and what this child vouches for that is stale (e.g. its checkers
 * process). A hung event loop writes nothing: that is the point.
 */
import * as fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { halbSys } from '../platform/halb-sys';

export interface HeartbeatLine {
  readonly loopDelayMs: number;
  readonly stale: readonly string[];
}

export function parseHeartbeat(line: string): HeartbeatLine | undefined {
  try {
    const v = JSON.parse(line) as Partial<HeartbeatLine>;
    if (typeof v.loopDelayMs !== 'number' || !Array.isArray(v.stale)) return undefined;
    return { loopDelayMs: v.loopDelayMs, stale: v.stale.map(String) };
  } catch {
    return undefined;
  }
}

export interface Supervised {
  /** The event-loop delay (p99 over the last second, ms), for status. */
  loopDelayMs(): number;
  stop(): void;
}

export function startHeartbeat(stale: () => string[] = () => []): Supervised | undefined {
  const fdText = process.env.HALB_HEARTBEAT_FD;
  if (!fdText) return undefined;
  const fd = Number(fdText);
  const expected = Number(process.env.HALB_SUPERVISOR_PID ?? 0);
  const parent = halbSys().dieWithParent(9);
  if (expected && parent !== expected) process.exit(1); // the supervisor died before we could ask
  const h = monitorEventLoopDelay({ resolution: 20 });
  h.enable();
  let last = 0;
  const timer = setInterval(() => {
    last = Math.round((h.percentile(99) / 1e6) * 10) / 10;
    h.reset();
    const line: HeartbeatLine = { loopDelayMs: last, stale: stale() };
    try {
      fs.writeSync(fd, JSON.stringify(line) + '\n');
    } catch {
      process.exit(1); // the supervisor is gone
    }
  }, 1000);
  return {
    loopDelayMs: () => last,
    stop: () => {
      clearInterval(timer);
      h.disable();
    },
  };
}
