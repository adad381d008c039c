/** The supervisor's view as `halb status` prints it, and how status finds it. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SupervisorView } from './supervisor';

/** RUNTIME/supervisor.json, when a supervisor runs (an appliance). */
export function readSupervisorView(runtimeDir: string): SupervisorView | null {
  try {
    return JSON.parse(
      fs.readFileSync(path.join(runtimeDir, 'supervisor.json'), 'utf8'),
    ) as SupervisorView;
  } catch {
    return null;
  }
}

export function formatSupervisorView(v: SupervisorView): string {
  const lines = [`supervisor pid ${v.pid}`];
  const w = v.watchdog;
  if (w) {
    lines.push(
      `watchdog ${w.device} (${w.identity || 'unnamed'}) timeout ${w.timeoutS} s: ` +
        (w.feeding ? 'fed' : `NOT fed (${w.withheldBecause ?? 'stopped'})`) +
        (w.lastRebootByWatchdog ? "; the last reboot was the watchdog's" : ''),
    );
  } else {
    lines.push('watchdog: none');
  }
  for (const c of v.children) {
    lines.push(
      `  ${c.name.padEnd(10)} ${c.running ? `pid ${c.pid}` : 'not running'}, restarts ${c.restarts}` +
        (c.loopDelayMs !== null ? `, event-loop delay ${c.loopDelayMs} ms` : '') +
        (c.lastExit ? `, last exit: ${c.lastExit}` : ''),
    );
  }
  if (v.rebootPending) lines.push(`REBOOT PENDING: ${v.rebootPending}`);
  return lines.join('\n');
}
