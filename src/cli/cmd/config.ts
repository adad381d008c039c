/**
 * `halb config <save|confirm|rollback|generations|show|pending|factory-reset|recover>`:
 * the config store from the shell and the console menu. Hidden from the usage
 * text. `confirm-watch` is the detached commit-confirm watcher that `save
 * --confirm-within` starts.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatDiagnostic } from '../../config/diagnostics';
import { createLogger, type Logger } from '../../core/log';
import { applyBody, describeApply, previousOf, validateConfigFile } from '../../store/apply';
import { ConfigStore } from '../../store/config-store';
import { controlSocketLink, monotonicClock, reloadAndWait } from '../../store/daemon-link';
import { defaultsFor } from '../../store/defaults-layer';
import {
  readPending,
  supersedePending,
  watchConfirm,
  writePending,
} from '../../store/confirm-watcher';
import { pidAlive } from '../../store/saver-lock';
import { nodeStoreFs } from '../../store/store-fs';
import type { ConfigOptions } from '../commands';

type Out = (s: string) => void;

export async function configCommand(
  o: ConfigOptions,
  entry: string[],
  out: Out,
  err: Out,
): Promise<number> {
  const sfs = nodeStoreFs();
  const log = createLogger({ ident: 'halb', detail: false, sink: err });
  const store = new ConfigStore(
    { liveFile: o.liveFile, dataDir: o.dataDir, runtimeDir: o.runtimeDir, keep: o.keep },
    sfs,
    log,
    defaultsFor(sfs, o.liveFile, o.defaultsFile),
  );
  const link = controlSocketLink(o.runtimeDir);
  switch (o.sub) {
    case 'save':
      return save(o, store, entry, out, err, log);
    case 'rollback': {
      supersedePending(sfs, o.runtimeDir, 'a rollback');
      const back = store.rollback(o.arg === undefined ? undefined : Number(o.arg));
      out(
        `rolled back from generation ${back.from} to ${back.to}: now generation ${back.generation}`,
      );
      return reloaded(await reloadAndWait(link, monotonicClock, back.generation), out, err);
    }
    case 'generations': {
      const gens = store.generations();
      const cur = store.read();
      if (o.json)
        out(
          JSON.stringify(
            { current: cur.generation, source: cur.source, generations: gens },
            null,
            2,
          ),
        );
      else {
        out(
          `current: ${cur.generation ?? 'none'} (${cur.source}${cur.problem ? `: ${cur.problem}` : ''})`,
        );
        for (const g of gens)
          out(
            `${String(g.generation).padStart(6)}  ${g.ok ? `${g.savedAt}  ${g.reason}` : `BAD (${g.problem})`}`,
          );
      }
      return 0;
    }
    case 'show': {
      const cur = store.read();
      if (o.json) out(JSON.stringify(cur, null, 2));
      else process.stdout.write(cur.body);
      return cur.source === 'none' ? 1 : 0;
    }
    case 'recover': {
      const cur = store.recover();
      out(`config store: generation ${cur.generation ?? 'none'} (${cur.source})`);
      return cur.source === 'none' && cur.problem ? 1 : 0;
    }
    case 'factory-reset': {
      supersedePending(sfs, o.runtimeDir, 'a factory reset');
      store.factoryReset();
      out('factory defaults restored');
      return reloaded(await reloadAndWait(link, monotonicClock, null), out, err);
    }
    case 'confirm': {
      const rec = readPending(sfs, o.runtimeDir);
      if (!rec || rec.state !== 'pending') {
        err(`halb: no apply is waiting for confirmation${rec ? ` (last: ${rec.state})` : ''}`);
        return 1;
      }
      writePending(sfs, o.runtimeDir, { ...rec, confirmRequested: true });
      const deadline = Date.now() + 15000;
      for (;;) {
        let now = readPending(sfs, o.runtimeDir);
        // A watcher not yet recorded (null) counts as alive: `save` records it after the spawn.
        const pid = now?.watcherPid ?? null;
        const watcherGone = pid !== null && !pidAlive(pid);
        // Read again once it is gone: it may have decided just before it ended.
        if (watcherGone) now = readPending(sfs, o.runtimeDir);
        if (now && now.state !== 'pending') {
          out(`generation ${now.generation}: ${now.state}`);
          return now.state.startsWith('confirmed') ? 0 : 1;
        }
        if (now && watcherGone) {
          // Nobody is left to roll back: the confirmation is the decision.
          store.clearUnconfirmed();
          writePending(sfs, o.runtimeDir, { ...now, state: 'confirmed (user)' });
          out(`generation ${now.generation}: confirmed (user); the watcher was gone`);
          return 0;
        }
        if (Date.now() > deadline) {
          err('halb: confirmation recorded; the watcher has not answered yet');
          return 1;
        }
        await monotonicClock.sleep(100);
      }
    }
    case 'pending': {
      const rec = readPending(sfs, o.runtimeDir);
      out(rec ? JSON.stringify(rec, null, o.json ? 2 : undefined) : 'nothing pending');
      return 0;
    }
    case 'confirm-watch': {
      const state = await watchConfirm({
        store,
        sfs,
        link,
        clock: monotonicClock,
        log,
        runtimeDir: o.runtimeDir,
      });
      return state.kind === 'confirmed' ? 0 : 1;
    }
  }
}

async function save(
  o: ConfigOptions,
  store: ConfigStore,
  entry: string[],
  out: Out,
  err: Out,
  log: Logger,
): Promise<number> {
  const file = path.resolve(o.arg as string);
  const v = validateConfigFile(file);
  for (const d of v.diagnostics) err(formatDiagnostic(d));
  if (!v.ok) {
    err(`halb: ${v.reason}; nothing saved`);
    return 2;
  }
  const sfs = nodeStoreFs();
  const link = controlSocketLink(o.runtimeDir);
  supersedePending(sfs, o.runtimeDir, 'a newer save');
  const r = await applyBody(store, link, monotonicClock, v.body, `save ${path.basename(file)}`);
  out(describeApply(r));
  if (r.kind !== 'applied' || o.confirmWithinS === undefined)
    return r.kind === 'rolled-back' ? 3 : 0;
  const previous = r.previous ?? previousOf(store, r.generation);
  if (previous === null) {
    err('halb: nothing to roll back to; no confirmation needed');
    return 0;
  }
  store.markUnconfirmed(r.generation, previous);
  writePending(sfs, o.runtimeDir, {
    generation: r.generation,
    previous,
    confirmWithinS: o.confirmWithinS,
    peerWindowS: o.peerWindowS,
    watcherPid: null,
    confirmRequested: false,
    state: 'pending',
  });
  const logFd = fs.openSync(path.join(o.runtimeDir, 'config-confirm.log'), 'a');
  const args = [
    'config',
    'confirm-watch',
    '-f',
    o.liveFile,
    '--data-dir',
    o.dataDir,
    '--runtime-dir',
    o.runtimeDir,
  ];
  const child = spawn(entry[0] as string, [...entry.slice(1), ...args], {
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  child.unref();
  fs.closeSync(logFd);
  const rec = readPending(sfs, o.runtimeDir);
  if (rec && rec.state === 'pending' && child.pid !== undefined)
    writePending(sfs, o.runtimeDir, { ...rec, watcherPid: child.pid });
  log.info(
    `config store: confirm with 'halb config confirm' within ${o.confirmWithinS} s (watcher pid ${child.pid})`,
  );
  return 0;
}

function reloaded(r: Awaited<ReturnType<typeof reloadAndWait>>, out: Out, err: Out): number {
  if (r.kind === 'not-running') out('halb is not running; the change takes effect at start');
  else if (r.kind === 'running') out(`halb runs generation ${r.generation ?? '(defaults)'}`);
  else {
    err(`halb: reload failed: ${r.error}`);
    return 3;
  }
  return 0;
}
