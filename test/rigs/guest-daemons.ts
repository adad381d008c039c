/**
 * For VM tests of lvs_sync_daemon: the kernel's sync daemons in the guest as
 * Debian's ipvsadm lists them (`ipvsadm -L --daemon`), and the lowest halb
 * pid there (the supervisor, whose SIGHUP reloads and SIGTERM stops).
 */
import { IPVSADM } from './ipvs-tools';
import type { Vm } from './vm';

/** "master sync daemon (mcast=eth0, syncid=51, ...)" lines, in the kernel's order. */
export async function syncDaemonLines(vm: Vm): Promise<string[]> {
  const r = await vm.run(`${IPVSADM} -L --daemon`);
  if (r.code !== 0) throw new Error(`ipvsadm -L --daemon: ${r.output}`);
  return r.output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /sync daemon/.test(l));
}

/** The states of the running sync daemons, sorted ("backup", "master"). */
export function daemonStates(lines: readonly string[]): string[] {
  return lines.map((l) => /^(master|backup) sync daemon/.exec(l)?.[1] ?? l).sort();
}

export const SUPERVISOR_PID = "$(pidof halb | tr ' ' '\\n' | sort -n | head -1)";
