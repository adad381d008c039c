/**
 * keepalived's quorum announcements (ipwrapper.c): quorum_up / quorum_down,
 * "Starting with quorum", real servers removed by a reload, omega at stop —
 * the pure events, and the notifier running the scripts and sending the mails.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lvsConfig, type LvsConfig } from '../../src/config/lvs-config';
import { loadConfig } from '../../src/config/load';
import type { ModelBlock } from '../../src/config/validate';
import { desiredTable } from '../../src/ipvs/desired';
import { health, rs, VS } from '../rigs/health-table';
import { lvsEvents, shutdownEvents, type LvsEvent } from '../../src/lvs/quorum-events';
import { LvsNotifier } from '../../src/daemon/lvs-notify';
import type { Alert } from '../../src/mail/alerts';
import { createLogger } from '../../src/core/log';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halb-quorum-events-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

function load(text: string): { lvs: LvsConfig; model: ModelBlock } {
  const f = path.join(dir, `k${Math.random().toString(36).slice(2)}.conf`);
  fs.writeFileSync(f, text);
  const model = loadConfig(f).model;
  return { lvs: lvsConfig(model), model };
}

const server = (n: number, extra = ''): string => `  real_server 192.0.2.${n} 80 {
    weight 1
    ${extra}
    TCP_CHECK {
    }
  }
`;
const conf = (opts: string, servers: number[], rsExtra = ''): string =>
  `virtual_server 192.0.2.100 80 {
  protocol TCP
  quorum 2
  ${opts}
${servers.map((n) => server(n, rsExtra)).join('')}}
`;

const brief = (e: LvsEvent): string =>
  e.kind === 'rs' ? `rs ${e.rsId} ${e.why}` : `vs ${e.up ? 'up' : 'down'} ${e.why}`;

describe('LVS quorum events', () => {
  it('a change from a check is gained / lost; one from a reload is "starting"', () => {
    const { lvs } = load(conf('', [21, 22]));
    const s0 = desiredTable(lvs, health({})).states;
    // keepalived starts it without quorum and marks its servers alive: "Starting with quorum up".
    assert.deepEqual(lvsEvents(undefined, undefined, lvs, s0, true).map(brief), ['vs up starting']);
    const q = (s: typeof s0) => new Map([...s].map(([k, v]) => [k, v.quorumUp]));
    const s1 = desiredTable(lvs, health({ 21: false, 22: true }), q(s0)).states;
    assert.deepEqual(lvsEvents(lvs, s0, lvs, s1, false).map(brief), ['vs down lost']);
    const s2 = desiredTable(lvs, health({ 21: true, 22: true }), q(s1)).states;
    assert.deepEqual(lvsEvents(lvs, s1, lvs, s2, false).map(brief), ['vs up gained']);
    // A reload raising the quorum above the weights.
    const { lvs: higher } = load(conf('', [21, 22]).replace('quorum 2', 'quorum 3'));
    const s3 = desiredTable(higher, health({ 21: true, 22: true }), q(s2)).states;
    assert.deepEqual(lvsEvents(lvs, s2, higher, s3, true).map(brief), ['vs down starting']);
  });

  it('alpha with a sorry server starts with quorum down (its FIFO line too); without one, silent', () => {
    const { lvs } = load(conf('alpha\n  sorry_server 192.0.2.9 80', [21, 22]));
    const s0 = desiredTable(lvs, health({})).states;
    const ev = lvsEvents(undefined, undefined, lvs, s0, true);
    assert.deepEqual(ev.map(brief), ['vs down starting']);
    assert.equal(ev[0]?.kind === 'vs' && ev[0].fifoLine, true);
    const { lvs: bare } = load(conf('alpha', [21, 22]));
    assert.deepEqual(
      lvsEvents(undefined, undefined, bare, desiredTable(bare, health({})).states, true),
      [],
    );
  });

  it('a reload removing an up real server says "removing"; removing the virtual server loses its quorum', () => {
    const { lvs } = load(conf('', [21, 22, 23]));
    const s0 = desiredTable(lvs, health({ 21: true, 22: true, 23: false })).states;
    const { lvs: fewer } = load(conf('', [21]));
    const s1 = desiredTable(fewer, health({ 21: true }), new Map([[VS, true]])).states;
    assert.deepEqual(lvsEvents(lvs, s0, fewer, s1, true).map(brief), [
      `rs ${rs(22)} removing`,
      'vs down lost',
    ]);
    const { lvs: none } = load('');
    assert.deepEqual(lvsEvents(lvs, s0, none, new Map(), true).map(brief), [
      `rs ${rs(21)} removing`,
      `rs ${rs(22)} removing`,
      'vs down lost',
    ]);
  });

  it('at stop only omega speaks: its up servers (not with lvs_flush_on_stop), then the service', () => {
    const { lvs } = load(conf('omega', [21, 22]));
    const s = desiredTable(lvs, health({ 21: true, 22: false })).states;
    assert.deepEqual(shutdownEvents(lvs, s, false).map(brief), [
      `rs ${rs(21)} shutting-down`,
      'vs down shutting-down',
    ]);
    assert.deepEqual(shutdownEvents(lvs, s, true).map(brief), ['vs down shutting-down']);
    const { lvs: plain } = load(conf('', [21, 22]));
    assert.deepEqual(shutdownEvents(plain, s, false), []);
  });
});

describe('LVS notifier: scripts and mails of the quorum events', () => {
  const marks = path.join(dir, 'marks');
  const script = path.join(dir, 'mark.sh');
  fs.writeFileSync(script, `#!/bin/sh\necho "$*" >> ${marks}\n`, { mode: 0o755 });
  const globals = `global_defs {
  router_id LB1
  notification_email {
    ops@example.org
  }
  smtp_server 192.0.2.25
  smtp_alert_checker
}
`;
  const waitFor = async (n: number): Promise<string[]> => {
    for (let i = 0; i < 200; i++) {
      const lines = fs.existsSync(marks) ? fs.readFileSync(marks, 'utf8').trim().split('\n') : [];
      if (lines.length >= n) return lines;
      await new Promise((r) => setTimeout(r, 10));
    }
    return [];
  };

  it('quorum_down / quorum_up run on a change; omega runs notify_down and quorum_down at stop', async () => {
    const text =
      globals +
      conf(
        `omega\n  quorum_up "${script} up"\n  quorum_down "${script} down"`,
        [21, 22],
        `notify_down "${script} rs-down"`,
      );
    const { lvs, model } = load(text);
    const mails: Alert[] = [];
    const n = new LvsNotifier(
      createLogger({ ident: 't', detail: false, sink: () => undefined }),
      async (_s, a) => {
        mails.push(a);
        return true;
      },
    );
    n.configure(model.global_defs as ModelBlock);
    n.update(lvs, health({}), true);
    assert.deepEqual(await waitFor(1), ['up'], 'Starting with quorum up');
    n.update(lvs, health({ 21: false, 22: true }));
    assert.deepEqual(await waitFor(2), ['up', 'down']);
    n.update(lvs, health({ 21: true, 22: true }));
    assert.deepEqual(await waitFor(3), ['up', 'down', 'up']);
    await n.stopping(false);
    const lines = await waitFor(6);
    assert.deepEqual(lines.slice(3).sort(), ['down', 'rs-down', 'rs-down']);
    n.update(lvs, health({ 21: false, 22: false }));
    assert.equal((await waitFor(6)).length, 6, 'nothing after the stop');
    assert.deepEqual(
      mails.map((m) => `${m.subject} | ${m.body}`),
      [
        `[LB1] Virtualserver ${VS} - UP | => Starting with quorum up 2+0=2 <= 2 <=`,
        `[LB1] Virtualserver ${VS} - DOWN | => Lost quorum 2+0=2 <= 1 <=`,
        `[LB1] Virtualserver ${VS} - UP | => Gained quorum 2+0=2 <= 2 <=`,
        `[LB1] Realserver ${rs(21)} of virtual server ${VS} - DOWN | => Shutting down <=`,
        `[LB1] Realserver ${rs(22)} of virtual server ${VS} - DOWN | => Shutting down <=`,
        `[LB1] Virtualserver ${VS} - DOWN | => Shutting down <=`,
      ],
    );
    n.dispose();
  });
});
