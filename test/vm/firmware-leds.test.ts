/**
 * The front panel in the qemu-x86_64 firmware: a second serial port (ttyS1)
 * is a QEMU chardev socket with the panel simulator on the host end. A halb
 * daemon in the guest, with a board file naming that panel, shows BACKUP,
 * MASTER and FAULT as its VRRP instance goes through them; after it is
 * killed, `halb leds fault` (what halb-service runs) turns the panel red.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Vm } from '../rigs/vm';
import { until } from '../rigs/pty-pair';
import { connectUnix } from '../../src/leds/panel/transport';
import { PanelSimulator } from '../../src/leds/sim/panel-sim';

const CONF = [
  'vrrp_instance VI_1 {',
  ' state BACKUP',
  ' interface dummy0',
  ' virtual_router_id 51',
  ' priority 100',
  ' advert_int 3',
  ' virtual_ipaddress {',
  '  192.0.2.77/24',
  ' }',
  '}',
].join('\\n');

describe('qemu-x86_64 firmware: serial front panel', () => {
  let vm: Vm;
  let sim: PanelSimulator;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halb-vm-panel-'));
  const sock = path.join(dir, 'panel.sock');
  before(async () => {
    vm = await Vm.boot({
      board: 'qemu-x86_64',
      extraArgs: [
        '-chardev',
        `socket,id=panel,path=${sock},server=on,wait=off`,
        '-device',
        'isa-serial,chardev=panel',
      ],
    });
    await until(() => fs.existsSync(sock), 30000, 'QEMU listening on the panel socket');
    sim = new PanelSimulator(await connectUnix(sock));
  });
  after(async () => {
    await sim?.close();
    await vm?.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const row = (n: number): string => sim.state().rows[n]!.trimEnd();
  const shows = async (color: string, role: string, what: string): Promise<void> =>
    until(
      () => sim.state().leds[0] === color && row(1) === role,
      30000,
      `${what} (panel: ${JSON.stringify(sim.state())})`,
    );

  it('follows a halb daemon through BACKUP, MASTER and FAULT', async () => {
    await vm.waitFor('halb: Startup complete');
    let r = await vm.run(
      `sed 's|"leds": {}|"leds": {"panel": {"device": "/dev/ttyS1", "baud": 115200}}|' ` +
        `/etc/halb/board.json > /tmp/b.json && printf '${CONF}\\n' > /tmp/k.conf && ` +
        '(ip link show dummy0 >/dev/null 2>&1 || ip link add dummy0 type dummy) && ' +
        'ip link set dummy0 up && ip addr add 192.0.2.1/24 dev dummy0',
    );
    assert.equal(r.code, 0, r.output);
    r = await vm.run(
      'halb run -l -f /tmp/k.conf --board /tmp/b.json --runtime-dir /tmp/rt2 -p /tmp/h2.pid ' +
        '> /tmp/h2.log 2>&1 &',
    );
    assert.equal(r.code, 0, r.output);
    const roles: string[] = [];
    sim.onChange((st) => {
      const role = st.rows[1]!.trimEnd();
      if (role && roles[roles.length - 1] !== role) roles.push(role);
    });
    await shows('green', 'BACKUP', 'BACKUP on the panel');
    await shows('green', 'MASTER', 'MASTER on the panel after the master-down timer');
    assert.equal(row(2), '192.0.2.77/24');
    r = await vm.run('ip -4 addr show dev dummy0');
    assert.match(r.output, /192\.0\.2\.77\/24/, 'the VIP is installed while the panel says MASTER');

    r = await vm.run('ip link set dummy0 down');
    assert.equal(r.code, 0, r.output);
    await shows('red', 'FAULT', 'FAULT on the panel when the interface goes down');
    assert.deepEqual(roles, ['BACKUP', 'MASTER', 'FAULT']);
  });

  it("shows fault once halb is dead: 'halb leds fault', as halb-service runs it", async () => {
    let r = await vm.run('kill -9 $(cat /tmp/h2.pid) && ip link set dummy0 up');
    assert.equal(r.code, 0, r.output);
    r = await vm.run('halb leds fault --board /tmp/b.json');
    assert.equal(r.code, 0, r.output);
    await shows('red', 'HALB NOT RUNNING', 'the dead-daemon fault pattern');
    const log = await vm.run('cat /tmp/h2.log');
    assert.match(log.output, /LEDs: panel reset/);
  });
});
