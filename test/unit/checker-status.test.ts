/**
 * `halb status` with health checkers: each real server's health, weight and
 * last result, suspended checks; the IPVS sync daemons.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { formatStatus, ledView, type DaemonStatus } from '../../src/core/status';

const base: DaemonStatus = {
  version: '0.1.0',
  pid: 1,
  startedAt: '2026-11-22T00:00:00.000Z',
  uptimeS: 5,
  configFile: '/etc/keepalived/keepalived.conf',
  configGeneration: 1,
  configBlocks: {},
  lastReloadError: null,
  board: null,
  subsystems: { vrrp: true, check: true },
  instances: [],
  led: ledView('idle'),
};

describe('halb status with real servers', () => {
  it('lists each checked real server; nothing when there are none', () => {
    const text = formatStatus({
      ...base,
      realServers: [
        {
          service: '[192.0.2.10]:tcp:80',
          server: '[192.0.2.21]:tcp:80',
          up: true,
          detail: 'connected',
          at: 1,
        },
        {
          service: '[192.0.2.10]:tcp:80',
          server: '[192.0.2.22]:tcp:80',
          up: false,
          weight: 5,
          detail: 'HTTP status 503 on url /',
          at: 2,
        },
      ],
    });
    const lines = text.split('\n');
    const head = lines.findIndex((l) => l.startsWith('VIRTUAL SERVER'));
    assert.ok(head > 0, text);
    assert.match(
      lines[head + 1] ?? '',
      /^\[192\.0\.2\.10\]:tcp:80 +\[192\.0\.2\.21\]:tcp:80 +up +- connected$/,
    );
    assert.match(
      lines[head + 2] ?? '',
      /\[192\.0\.2\.22\]:tcp:80 +down +5 HTTP status 503 on url \/$/,
    );
    assert.ok(!formatStatus(base).includes('REAL SERVER'));
  });

  it('says when the checks are suspended (ha_suspend) and which sync daemons run', () => {
    const text = formatStatus({
      ...base,
      realServers: [
        {
          service: '[192.0.2.100]:tcp:80',
          server: '[192.0.2.21]:tcp:80',
          up: true,
          detail: 'connected',
          at: 1,
          suspended: true,
        },
      ],
      syncDaemons: [
        { state: 'backup', interface: 'eth0', syncId: 51, maxLen: 1400, port: 8848, ttl: 2 },
      ],
    });
    assert.match(
      text,
      /\[192\.0\.2\.21\]:tcp:80 +up +- checks suspended \(ha_suspend: VIP not here\); last: connected$/m,
    );
    assert.match(
      text,
      /^IPVS sync daemons: backup on eth0 \(syncid 51, maxlen 1400, port 8848, ttl 2\)$/m,
    );
    assert.match(formatStatus({ ...base, syncDaemons: [] }), /^IPVS sync daemons: none$/m);
    assert.ok(!formatStatus(base).includes('sync daemons'));
  });
});
