/**
 * The console menu end to end on a mock serial port (@serialport/binding-mock),
 * with a fake box behind it: first-boot password, login, the HA wizard's
 * checks, the raw editor's validation, servers, interface addresses, factory
 * reset. The config is validated by the real loader; nothing half done is saved.
 */
import assert from 'node:assert/strict';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { MockBinding } from '@serialport/binding-mock';
import { SerialPortMock } from 'serialport';
import type { ConsoleContext } from '../../src/console/context';
import { PASSWORD_KEY, verifyPassword } from '../../src/console/login';
import { validateBody } from '../../src/console/real-context';
import { consoleSession } from '../../src/console/session';
import { StreamTerminal } from '../../src/console/terminal';
import { streamTransport } from '../../src/leds/panel/transport';
import { formatAddress, type IfAddress } from '../../src/netconf/model';

const DEFAULTS = 'global_defs {\n    router_id halb\n}\n';

class FakeBox {
  body = DEFAULTS;
  saved: string[] = [];
  secrets = new Map<string, string>();
  addresses = new Map<string, IfAddress[]>();
  resets = 0;
  reboots = 0;
  ctx(): ConsoleContext {
    return {
      banner: 'halb test box',
      secrets: {
        get: (k) => this.secrets.get(k),
        set: (k, v) => void this.secrets.set(k, v),
      },
      interfaces: () => ['lo'],
      interfaceViews: () =>
        ['lo'].map((name) => ({ name, saved: this.addresses.get(name) ?? [], live: [] })),
      setInterfaceAddresses: async (name, a) => {
        this.addresses.set(name, [...a]);
        return a.map((x) => `${name}: added ${formatAddress(x)}`);
      },
      config: () => ({ body: this.body, generation: this.saved.length, note: null }),
      validate: validateBody,
      apply: async (body) => {
        this.body = body;
        this.saved.push(body);
        return `generation ${this.saved.length} saved and running`;
      },
      generations: () => [],
      rollback: async () => 'rolled back',
      factoryReset: async () => {
        this.resets++;
        this.body = DEFAULTS;
        this.secrets.clear();
        return 'factory defaults restored';
      },
      statusLines: async () => ['VI_1 MASTER'],
      summary: async () => '',
      systemLines: async () => ['SYSTEM', 'cpu: test'],
      reboot: async () => void this.reboots++,
      shell: async () => undefined,
      sleep: async () => undefined,
    };
  }
}

/** The far end of the mock port: what the console printed, and typing. */
class Keyboard {
  private seen = 0;
  constructor(private readonly port: SerialPortMock) {}
  private get screen(): string {
    return this.port.port?.recording.toString('latin1') ?? '';
  }
  async expect(text: string | RegExp, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rest = this.screen.slice(this.seen);
      const m = typeof text === 'string' ? rest.indexOf(text) : rest.search(text);
      if (m >= 0) {
        const len = typeof text === 'string' ? text.length : (rest.match(text)?.[0].length ?? 0);
        this.seen += m + len;
        return rest.slice(0, m + len);
      }
      if (Date.now() > deadline)
        throw new Error(`console never showed ${String(text)}; last:\n${rest.slice(-600)}`);
      await new Promise((r) => setTimeout(r, 2));
    }
  }
  type(line: string): void {
    this.port.port?.emitData(Buffer.from(`${line}\r`, 'latin1'));
  }
  async answer(prompt: string | RegExp, line: string): Promise<void> {
    await this.expect(prompt);
    this.type(line);
  }
}

describe('console menu on a mock serial port', () => {
  let port: SerialPortMock;
  let keys: Keyboard;
  let box: FakeBox;
  let session: Promise<void>;

  beforeEach(async () => {
    MockBinding.createPort('/dev/ttyMOCK0', { echo: false, record: true });
    port = new SerialPortMock({ path: '/dev/ttyMOCK0', baudRate: 115200 });
    await new Promise<void>((res, rej) => port.on('open', res).on('error', rej));
    keys = new Keyboard(port);
    box = new FakeBox();
    session = consoleSession(new StreamTerminal(streamTransport(port)), box.ctx());
  });
  afterEach(async () => {
    await new Promise<void>((r) => (port.isOpen ? port.close(() => r()) : r()));
    MockBinding.reset();
  });
  after(() => MockBinding.reset());

  const firstLogin = async (): Promise<void> => {
    await keys.answer('New console password: ', 'abc');
    await keys.expect('at least 8 characters');
    await keys.answer('New console password: ', 'pa55word!');
    await keys.answer('Again: ', 'pa55word?');
    await keys.expect('the two passwords differ');
    await keys.answer('New console password: ', 'pa55word!');
    await keys.answer('Again: ', 'pa55word!');
    await keys.expect('Enter an option: ');
  };

  it('first boot sets a password that is stored hashed and echoed nowhere', async () => {
    await firstLogin();
    const hash = box.secrets.get(PASSWORD_KEY) as string;
    assert.match(hash, /^scrypt\$/);
    assert.ok(verifyPassword('pa55word!', hash));
    assert.ok(!verifyPassword('pa55word?', hash));
    assert.doesNotMatch(port.port?.recording.toString() ?? '', /pa55word/);
    keys.type('0');
    await session;
  });

  it('a wrong password is refused three times, the right one logs in', async () => {
    await firstLogin();
    keys.type('0');
    await session;
    session = consoleSession(new StreamTerminal(streamTransport(port)), box.ctx());
    await keys.answer('login: ', 'admin');
    await keys.answer('Password: ', 'nope');
    await keys.expect('Login incorrect');
    await keys.answer('login: ', 'root');
    await keys.answer('Password: ', 'pa55word!');
    await keys.expect('Login incorrect');
    await keys.answer('login: ', 'admin');
    await keys.answer('Password: ', 'pa55word!');
    await keys.answer('Enter an option: ', '0');
    await session;
  });

  it('the HA wizard re-asks wrong answers and saves one valid instance', async () => {
    await firstLogin();
    keys.type('3');
    await keys.answer('Instance name [VI_1]: ', 'bad name!');
    await keys.expect('the instance name must be');
    await keys.answer('Instance name [VI_1]: ', '');
    await keys.answer('Role of this box (master/backup) [master]: ', 'boss');
    await keys.expect('answer one of: master, backup');
    await keys.answer(/Role of this box.*: /, 'backup');
    await keys.answer(/Interface \(lo\) \[lo\]: /, '');
    await keys.answer(/VRID.*\[51\]: /, '0');
    await keys.expect('the VRID 0 is out of range: use 1 to 255');
    await keys.answer(/VRID.*\[51\]: /, '42');
    await keys.answer(/Priority.*\[100\]: /, '255');
    await keys.expect('priority 255 is out of range: use 1 to 254');
    await keys.answer(/Priority.*\[100\]: /, '90');
    await keys.answer(/Virtual IPs.*: /, '192.0.2.0/24');
    await keys.expect('network or broadcast address');
    await keys.answer(/Virtual IPs.*: /, '192.0.2.50/24, 2001:db8::50/64');
    await keys.expect('all virtual IPs of one instance must be IPv4, or all IPv6');
    await keys.answer(/Virtual IPs.*: /, '192.0.2.50/24,192.0.2.51/24');
    await keys.answer(/VRRP version.*: /, '2');
    await keys.answer(/Advertisement interval.*: /, '0.5');
    await keys.expect('VRRPv2 advert_int must be whole seconds');
    await keys.answer(/Advertisement interval.*: /, '2');
    await keys.answer(/Unicast peers.*: /, '2001:db8::2');
    await keys.expect("not of the virtual IPs' family");
    await keys.answer(/Unicast peers.*: /, '192.0.2.12');
    await keys.answer(/Authenticate adverts.*: /, 'y');
    await keys.answer(/VRRP password.*: /, 'toolongpass');
    await keys.expect('1 to 8 characters');
    await keys.answer(/VRRP password.*: /, 'secret');
    await keys.answer('Save and apply the new configuration? [y/N]: ', 'y');
    await keys.expect('generation 1 saved and running');
    assert.equal(box.saved.length, 1);
    const body = box.body;
    assert.ok(body.startsWith(DEFAULTS), 'the rest of the file is kept');
    for (const line of [
      'vrrp_instance VI_1 {',
      'state BACKUP',
      'interface lo',
      'virtual_router_id 42',
      'priority 90',
      'advert_int 2',
      'auth_pass secret',
      '192.0.2.12',
      '192.0.2.51/24',
    ])
      assert.ok(body.includes(line), `${line} in\n${body}`);
    await keys.answer('Enter an option: ', '0');
    await session;
  });

  it('Ctrl-C in the wizard leaves without saving', async () => {
    await firstLogin();
    keys.type('3');
    await keys.answer('Instance name [VI_1]: ', '');
    await keys.expect(/Role of this box.*: /);
    port.port?.emitData(Buffer.from([0x03]));
    await keys.expect('Cancelled: nothing was changed.');
    assert.equal(box.saved.length, 0);
    await keys.answer('Enter an option: ', '0');
    await session;
  });

  it('the raw editor refuses a file with errors (file:line) and saves a good edit', async () => {
    await firstLogin();
    keys.type('6');
    await keys.answer('edit> ', 'r 2');
    await keys.answer('new: ', '    router_idd halb');
    await keys.answer('edit> ', 's');
    await keys.expect(/keepalived\.conf:2:\d+: error: [^\r]*router_idd/);
    await keys.expect('nothing was saved');
    assert.equal(box.saved.length, 0);
    await keys.answer('edit> ', 'r 2');
    await keys.answer('new: ', '    router_id lb-left');
    await keys.answer('edit> ', 'p');
    await keys.expect('2      router_id lb-left');
    await keys.answer('edit> ', 's');
    await keys.answer('Save and apply the new configuration? [y/N]: ', 'y');
    await keys.expect('generation 1 saved');
    assert.match(box.body, /router_id lb-left/);
    await keys.answer('Enter an option: ', '0');
    await session;
  });

  it('adds a virtual server and a real server, then removes the real server', async () => {
    await firstLogin();
    keys.type('4');
    await keys.answer('servers> ', 'a');
    await keys.answer(/Virtual IP of the service: /, '192.0.2.100');
    await keys.answer(/Port \[80\]: /, '70000');
    await keys.expect('the port 70000 is out of range');
    await keys.answer(/Port \[80\]: /, '443');
    await keys.answer(/Protocol.*: /, '');
    await keys.answer(/Scheduler.*: /, 'rr');
    await keys.answer(/Forwarding.*: /, 'DR');
    await keys.answer(/delay_loop.*: /, '');
    await keys.answer(/Save and apply.*: /, 'y');
    await keys.answer('servers> ', 'r');
    await keys.answer(/Which virtual server.*: /, '');
    await keys.answer(/Real server address: /, '192.0.2.21');
    await keys.answer(/Port \[443\]: /, '');
    await keys.answer(/Weight.*: /, '3');
    await keys.answer(/Health check.*: /, 'HTTP_GET');
    await keys.answer(/URL path.*: /, 'health');
    await keys.expect("must start with '/'");
    await keys.answer(/URL path.*: /, '/health');
    await keys.answer(/Expected HTTP status.*: /, '');
    await keys.answer(/Save and apply.*: /, 'y');
    await keys.expect('1.1) real_server 192.0.2.21 443');
    assert.match(
      box.body,
      /virtual_server 192\.0\.2\.100 443 \{[^]*real_server 192\.0\.2\.21 443 \{[^]*path \/health/,
    );
    await keys.answer('servers> ', 'd');
    await keys.answer(/Remove which.*: /, '1.1');
    await keys.answer(/Save and apply.*: /, 'y');
    await keys.expect('servers> ');
    assert.doesNotMatch(box.body, /real_server/);
    assert.match(box.body, /virtual_server 192\.0\.2\.100 443/);
    assert.equal(box.saved.length, 3);
    keys.type('q');
    await keys.answer('Enter an option: ', '0');
    await session;
  });

  it('interface addresses need a prefix, and a factory reset logs out', async () => {
    await firstLogin();
    keys.type('2');
    await keys.answer(/Interface to set.*: /, '');
    await keys.answer(/Addresses.*: /, '192.0.2.11');
    await keys.expect('needs its prefix length, e.g. 192.0.2.11/24');
    await keys.answer(/Addresses.*: /, '192.0.2.11/24 2001:db8::11/64');
    await keys.answer(/Set lo to .*: /, 'y');
    await keys.expect('lo: added 2001:db8::11/64');
    assert.deepEqual(box.addresses.get('lo')?.map(formatAddress), [
      '192.0.2.11/24',
      '2001:db8::11/64',
    ]);
    await keys.answer('Enter an option: ', '8');
    await keys.answer(/restore the factory defaults\? \[y\/N\]: /, 'y');
    await keys.expect('logging out');
    await session;
    assert.equal(box.resets, 1);
    assert.equal(box.secrets.size, 0);
  });
});
