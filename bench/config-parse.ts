/**
 * Parsing a big config: 100 virtual servers x 100 real servers (10,000 real
 * servers, each with a TCP_CHECK), `halb check` (the executable) against
 * `keepalived -t`, same file, same run, medians of several runs, as a ratio.
 * Also the in-process load time (what a reload costs the daemon).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../src/config/load';
import { ROOT } from '../test/rigs/vm';
import { writeResults } from './report';
import { median, ratio } from './stats';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

export function bigConfig(vs: number, rs: number): string {
  const out = ['global_defs {', '    router_id bench', '}'];
  for (let v = 0; v < vs; v++) {
    out.push(
      `virtual_server 198.51.100.${(v % 250) + 1} ${8000 + Math.floor(v / 250) * 1000 + v} {`,
    );
    out.push('    delay_loop 10', '    lb_algo wrr', '    lb_kind NAT', '    protocol TCP');
    for (let r = 0; r < rs; r++) {
      out.push(`    real_server 203.0.${113 + Math.floor(r / 250)}.${(r % 250) + 1} ${9000 + v} {`);
      out.push(
        '        weight 1',
        '        TCP_CHECK {',
        '            connect_timeout 3',
        '            retry 2',
        '        }',
        '    }',
      );
    }
    out.push('}');
  }
  return out.join('\n') + '\n';
}

function time(argv: string[], okCodes: number[]): number {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0] as string, argv.slice(1), {
    env,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (!okCodes.includes(r.status ?? -1))
    throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  return ms;
}

export function benchConfigParse(): Record<string, unknown> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halb-parse-'));
  try {
    const file = path.join(dir, 'big.conf');
    fs.writeFileSync(file, bigConfig(100, 100));
    const halbBin = path.join(ROOT, 'dist', 'halb-linux-x64');
    const env = { HALB_ADDON_DIR: path.join(dir, 'addons') };
    Object.assign(process.env, env);
    const halb = median(
      Array.from({ length: RUNS }, () => time([halbBin, 'check', '-f', file], [0])),
    );
    const keepalived = median(
      Array.from({ length: RUNS }, () => time(['keepalived', '-t', '-f', file], [0])),
    );
    const inProcess = median(
      Array.from({ length: RUNS }, () => {
        const t0 = process.hrtime.bigint();
        const r = loadConfig(file, { configId: 'bench' });
        if (r.diagnostics.some((d) => d.severity === 'error'))
          throw new Error('the bench config has errors');
        return Number(process.hrtime.bigint() - t0) / 1e6;
      }),
    );
    return {
      config: {
        virtualServers: 100,
        realServers: 10000,
        bytes: fs.statSync(file).size,
        runs: RUNS,
      },
      halbCheckMs: Math.round(halb),
      keepalivedTestMs: Math.round(keepalived),
      halbInProcessLoadMs: Math.round(inProcess),
      ratioHalbToKeepalived: ratio(halb, keepalived),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const r = benchConfigParse();
  console.log(
    `10,000 real servers: halb check ${String(r.halbCheckMs)} ms, keepalived -t ${String(r.keepalivedTestMs)} ms (ratio x${String(r.ratioHalbToKeepalived)}); in-process load ${String(r.halbInProcessLoadMs)} ms`,
  );
  writeResults('config-parse', { date: new Date().toISOString(), ...r });
}
