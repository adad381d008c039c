/**
 * The setup menu on the firmware's serial console, as a technician meets it:
 * first boot asks for the console password; the box gets its LAN address and
 * a VRRP instance from the HA wizard; bad answers (VRID, priority, VIP) are
 * refused with a message and a config with a bad VIP is not saved; after a
 * reboot the login works and the box comes up as configured: MASTER, its VIP
 * answering a client on the LAN.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { until } from '../rigs/appliance';
import { Lab } from '../rigs/netns-lab';
import { Vm } from '../rigs/vm';

const PASSWORD = 'rack-42-setup';
const BOX = '192.0.2.201/24';
const VIP = '192.0.2.200';

describe('serial console setup menu (qemu-x86_64)', () => {
  let lab: Lab;
  let vm: Vm;

  before(async () => {
    lab = await Lab.create({ hosts: ['client'] });
    vm = await Vm.boot({ board: 'qemu-x86_64', lab, nics: 1, consoleMenu: true });
  });
  after(async () => {
    await vm?.dispose();
    await lab?.dispose();
  });

  /** Waits for a prompt, then types a line (Enter is CR, as a terminal sends it). */
  const answer = async (
    prompt: RegExp | string,
    line: string,
    timeoutMs = 60000,
  ): Promise<void> => {
    await vm.waitFor(prompt, timeoutMs, `the console to ask ${String(prompt)}`);
    vm.console.write(`${line}\r`);
  };
  const menu = (option: string): Promise<void> => answer('Enter an option: ', option);
  /** The generation the next menu header shows (each header is read once). */
  let shown = -1;
  const header = async (): Promise<number> => {
    const m = await vm.waitFor(/config generation (\d+|none)/, 30000, 'the menu header');
    shown = m[1] === 'none' ? -1 : Number(m[1]);
    return shown;
  };
  const pingVip = async (): Promise<boolean> =>
    (await lab.exec('client', ['ping', '-c', '1', '-W', '2', VIP])).code === 0;

  it('first boot: sets the console password', async () => {
    await answer('New console password: ', 'short', 240000);
    await vm.waitFor('at least 8 characters', 10000);
    await answer('New console password: ', PASSWORD);
    await answer('Again: ', PASSWORD);
    await vm.waitFor('Console password saved.', 20000);
  });

  it('sets the LAN address of eth0 from the menu', async () => {
    await vm.waitFor('halb: Startup complete', 120000, 'halb to start beside the console');
    vm.console.write('\r'); // Enter alone: the menu again (its prompt may be behind us)
    await menu('2');
    await answer(/Interface to set \(eth0\) \[eth0\]: /, '');
    await answer(/Addresses .*: /, '192.0.2.201');
    await vm.waitFor('needs its prefix length', 10000);
    await answer(/Addresses .*: /, BOX);
    await answer(/Set eth0 to .*\? \[y\/N\]: /, 'y');
    await vm.waitFor(`eth0: added ${BOX}`, 20000);
  });

  it("the status page shows the box's own facts (systeminformation, a chunk of its own)", async () => {
    await menu('1');
    await vm.waitFor(/cpu: .*, \d+ cores, load \d+%/, 30000, 'the CPU line');
    await vm.waitFor(/memory: \d+ MiB used of \d+ MiB/, 10000, 'the memory line');
    await vm.waitFor(/nic eth0 +up /, 10000, 'the NIC line');
  });

  it('the HA wizard refuses a bad VRID, priority and VIP, and Ctrl-C saves nothing', async () => {
    const before = await header();
    await menu('3');
    await answer(/Instance name \[VI_1\]: /, '');
    await answer(/Role of this box .*: /, 'master');
    await answer(/Interface .*: /, 'eth0');
    await answer(/Virtual router ID .*: /, '256');
    await vm.waitFor('the VRID 256 is out of range: use 1 to 255', 10000);
    await answer(/Virtual router ID .*: /, '51');
    await answer(/Priority .*: /, '300');
    await vm.waitFor('priority 300 is out of range: use 1 to 254', 10000);
    await answer(/Priority .*: /, '200');
    await answer(/Virtual IPs .*: /, '192.0.2.256/24');
    await vm.waitFor("'192.0.2.256' is not an IPv4 or IPv6 address", 10000);
    await vm.waitFor(/Virtual IPs .*: /, 10000);
    vm.console.write('\x03');
    await vm.waitFor('Cancelled: nothing was changed.', 10000);
    assert.equal(await header(), before, 'a cancelled wizard saved nothing');
  });

  it('a raw edit with a bad VIP is refused with file:line and nothing is saved', async () => {
    const before = shown;
    await menu('6');
    await answer('edit> ', 'a');
    vm.console.write(
      [
        'vrrp_instance BAD {',
        '    interface eth0',
        '    virtual_router_id 9',
        '    priority 100',
        '    virtual_ipaddress {',
        '        192.0.2.999/24',
        '    }',
        '}',
        '.',
        '',
      ].join('\r'),
    );
    await answer('edit> ', 's');
    // Up to the line's end: the serial line delivers it in pieces.
    const m = await vm.waitFor(
      /keepalived\.conf:(\d+):\d+: error: [^\r\n]*\r?\n/,
      20000,
      'the error',
    );
    assert.match(m[0], /192\.0\.2\.999/);
    await vm.waitFor('nothing was saved', 10000);
    await answer('edit> ', 'q');
    assert.equal(await header(), before, 'the refused edit saved nothing');
  });

  it('the HA wizard saves and applies a VRRP instance: the box becomes MASTER', async () => {
    const before = shown;
    await menu('3');
    await answer(/Instance name \[VI_1\]: /, '');
    await answer(/Role of this box .*: /, 'master');
    await answer(/Interface .*: /, 'eth0');
    await answer(/Virtual router ID .*: /, '51');
    await answer(/Priority .*: /, '200');
    await answer(/Virtual IPs .*: /, `${VIP}/24`);
    await answer(/VRRP version .*: /, '');
    await answer(/Advertisement interval .*: /, '1');
    await answer(/Unicast peers .*: /, '');
    await answer(/Authenticate adverts .*: /, 'y');
    await answer(/VRRP password .*: /, 'halbpass');
    await answer(/Save and apply .*: /, 'y');
    await vm.waitFor(/generation (\d+) saved and running/, 60000, 'the apply');
    assert.ok((await header()) > before);
    await vm.waitFor(/VI_1 MASTER 192\.0\.2\.200\/24|\(VI_1\) Entering MASTER STATE/, 30000);
    await until('the VIP to answer the client', 20000, pingVip, (ok) => ok);
  });

  it('after a reboot from the menu the login works and the box comes up as configured', async () => {
    vm.console.write('\r'); // the menu again: its prompt came before the MASTER log line
    await menu('9');
    await answer(/Reboot the box now\? .*: /, 'y');
    await vm.exited;
    vm.powerOn();
    await answer('login: ', 'admin', 240000);
    await answer('Password: ', 'wrong-password');
    await vm.waitFor('Login incorrect', 20000);
    await answer('login: ', 'admin');
    await answer('Password: ', PASSWORD);
    await vm.waitFor('(VI_1) Entering MASTER STATE', 120000, 'halb to start with the saved config');
    vm.console.write('\r'); // Enter alone: the menu again, with a fresh summary
    await vm.waitFor(/VI_1 MASTER 192\.0\.2\.200\/24/, 30000, 'the menu to show VI_1 as MASTER');
    await until('the VIP to answer after the reboot', 20000, pingVip, (ok) => ok);
    await menu('0');
    await vm.waitFor('Logged out.', 10000);
  });
});
