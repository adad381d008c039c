/**
 * The box's own facts for the status screen, from `systeminformation`: CPU,
 * load, memory, temperatures, NIC links and speeds, uptime. Each part that
 * fails or is slow says so instead of holding the screen up.
 */
import * as os from 'node:os';

type Si = typeof import('systeminformation');

function within<T>(p: Promise<T>, ms: number): Promise<T | null> {
  return Promise.race([
    p.catch(() => null),
    new Promise<null>((r) => setTimeout(() => r(null), ms).unref()),
  ]);
}

const mib = (bytes: number): string => `${Math.round(bytes / 1048576)} MiB`;

export function formatUptime(s: number): string {
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${d > 0 ? `${d}d ` : ''}${h}h ${m}m`;
}

export async function systemLines(timeoutMs = 4000): Promise<string[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const si = require('systeminformation') as Si;
  const [cpu, load, mem, temp, nics, stats] = await Promise.all([
    within(si.cpu(), timeoutMs),
    within(si.currentLoad(), timeoutMs),
    within(si.mem(), timeoutMs),
    within(si.cpuTemperature(), timeoutMs),
    within(si.networkInterfaces(), timeoutMs),
    within(si.networkStats('*'), timeoutMs),
  ]);
  const lines = ['SYSTEM'];
  lines.push(
    cpu
      ? `cpu: ${cpu.manufacturer} ${cpu.brand}`.trim() +
          `, ${cpu.cores} cores` +
          (load ? `, load ${load.currentLoad.toFixed(0)}%` : '') +
          `, load average ${os
            .loadavg()
            .map((l) => l.toFixed(2))
            .join(' ')}`
      : 'cpu: unknown',
  );
  lines.push(
    mem
      ? `memory: ${mib(mem.total - mem.available)} used of ${mib(mem.total)}`
      : `memory: ${mib(os.totalmem() - os.freemem())} used of ${mib(os.totalmem())}`,
  );
  const t =
    temp && temp.main !== null && temp.main !== undefined && temp.main > -273
      ? `${temp.main} C`
      : 'no sensor';
  lines.push(`temperature: ${t}`);
  lines.push(`uptime: ${formatUptime(os.uptime())}`);
  const list = Array.isArray(nics) ? nics : nics ? [nics] : [];
  for (const n of list) {
    if (n.iface === 'lo') continue;
    const st = Array.isArray(stats) ? stats.find((x) => x.iface === n.iface) : undefined;
    const speed = n.speed ? `${n.speed} Mb/s` : 'speed unknown';
    lines.push(
      `nic ${n.iface.padEnd(10)} ${n.operstate.padEnd(5)} ${speed.padEnd(14)} ${n.mac}  ${[n.ip4, n.ip6].filter(Boolean).join(' ')}` +
        (st ? `  rx ${st.rx_bytes} tx ${st.tx_bytes} bytes` : ''),
    );
  }
  return lines;
}
