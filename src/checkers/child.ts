/**
 * The checker process itself (`halb checkers`, started by the daemon): reads
 * setups on stdin, runs the checks, writes reports on stdout and keepalived
 * log lines on stderr. It ends when stdin closes (the parent is gone) or on
 * SIGTERM, stopping every check first.
 */
import { compactPeriodically } from '../platform/heap';
import { setNetlinkBufferSizes } from '../platform/netlink-guard';
import { Scheduler } from '../platform/scheduling';
import { nameProcess } from '../platform/process-name';
import { trimSoon } from '../platform/trim';
import { createLogger } from '../core/log';
import { BfdView } from './checks/bfd';
import { Pinger } from './checks/ping';
import { realClock } from './clock';
import { CheckerEngine } from './engine';
import { decodeToChild, encodeLine, LineSplitter, type FromChild } from './protocol';
import { ScriptRunner } from './scripts';
import { LocalAddresses } from './local-addresses';
import { haSuspendProblems, suspendedServices, usesHaSuspend } from './suspend';
import type { CheckerSetup } from './setup';

export const CHECKERS_IDENT = 'halb_healthcheckers';
export const ALIVE_INTERVAL_MS = 1000;

export function runCheckerChild(opts: { logDetail: boolean }): Promise<number> {
  const log = createLogger({
    ident: CHECKERS_IDENT,
    detail: opts.logDetail,
    sink: (line) => process.stderr.write(line + '\n'),
  });
  const send = (m: FromChild): void => void process.stdout.write(encodeLine(m));
  const pinger = new Pinger();
  const scripts = new ScriptRunner({ scriptUser: undefined, scriptSecurity: false });
  const bfd = new BfdView();
  const engine = new CheckerEngine(
    realClock(),
    Math.random,
    log,
    { scripts, pinger, bfd },
    {
      report: (report) => send({ type: 'report', report }),
      removed: (key) => send({ type: 'removed', key }),
    },
  );
  // checker_priority, checker_rt_priority, checker_cpu_affinity: at each setup.
  const scheduler = new Scheduler('checker', log);
  // ha_suspend: the box's addresses, watched once a setup uses it (keepalived's netlink reflector).
  let local: ReadonlySet<string> | undefined;
  let current: CheckerSetup | undefined;
  let addresses: LocalAddresses | undefined;
  const resuspend = (): void => {
    if (current) engine.setSuspended(suspendedServices(current.lvs, local));
  };
  const splitter = new LineSplitter();
  log.info('Starting Healthcheck child process');
  const heartbeat = setInterval(() => send({ type: 'alive' }), ALIVE_INTERVAL_MS);
  return new Promise((resolve) => {
    let stopped = false;
    const stop = (why: string): void => {
      if (stopped) return;
      stopped = true;
      clearInterval(heartbeat);
      log.info(`Stopping (${why})`);
      addresses?.dispose();
      engine.dispose();
      scripts.killAll();
      process.stdin.pause();
      resolve(0);
    };
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) =>
      splitter.push(chunk, (line) => {
        const m = decodeToChild(line);
        if (!m) {
          log.error(`checker process: unreadable message from the daemon: ${line.slice(0, 80)}`);
          return;
        }
        if (m.type === 'bfd') {
          bfd.update(m.states);
          return;
        }
        scripts.setPolicy({
          scriptUser: m.setup.scriptUser,
          scriptSecurity: m.setup.scriptSecurity,
        });
        current = m.setup;
        scheduler.apply(m.setup.scheduling);
        setNetlinkBufferSizes(m.setup.netlinkBuffers?.requests, m.setup.netlinkBuffers?.events);
        if (m.setup.processName) nameProcess(m.setup.processName, log);
        for (const p of haSuspendProblems(m.setup.lvs)) log.error(p);
        resuspend();
        engine.apply(m.setup, m.known);
        trimSoon();
        compactPeriodically();
        if (!addresses && usesHaSuspend(m.setup.lvs)) {
          addresses = new LocalAddresses(
            (a) => {
              local = a;
              resuspend();
            },
            (e) => log.error(e),
          );
          addresses.start();
        }
        send({ type: 'ready', keys: [...engine.table().keys()] });
      }),
    );
    process.stdin.on('end', () => stop('the daemon closed the pipe'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    // Reloads come on stdin; a hangup sent to the whole group must not kill the checks.
    process.on('SIGHUP', () => undefined);
    // Nor the data and statistics signals keepalived users send (whose default would kill it).
    process.on('SIGUSR1', () => undefined);
    process.on('SIGUSR2', () => undefined);
  });
}
