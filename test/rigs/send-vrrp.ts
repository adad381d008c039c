/** Hand-made VRRP packets sent from a lab host (through test/rigs/vrrp-sender, on the host's eth0). */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Lab } from './netns-lab';

export async function sendFrom(
  lab: Lab,
  host: string,
  ttl: number,
  dst: string,
  ...payloads: Buffer[]
): Promise<void> {
  const sender = path.join(__dirname, 'vrrp-sender.js');
  const r = await lab.exec(host, [
    process.execPath,
    sender,
    'eth0',
    String(ttl),
    dst,
    ...payloads.map((p) => p.toString('hex')),
  ]);
  assert.equal(r.code, 0, r.stderr);
}
