/**
 * The panel simulator as a process, for tests and the demo against a pty or
 * QEMU's serial port:
 *
 *   node build/src/leds/sim/main.js --serial /dev/pts/N [--baud 115200]
 *   node build/src/leds/sim/main.js --connect SOCKET   (QEMU -chardev socket,server=on)
 *   node build/src/leds/sim/main.js --listen SOCKET    (QEMU -chardev socket as client)
 *
 * Prints one JSON line per change ({"leds":[...],"rows":[...]}) and takes
 * lines on stdin: `key enter`, `garbage ff0041`, `lose 2`, `state`.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as readline from 'node:readline';
import { KEYS, type PanelKey } from '../panel/cfa635';
import { openSerial } from '../panel/serial-transport';
import { connectUnix, streamTransport, type ByteTransport } from '../panel/transport';
import { PanelSimulator } from './panel-sim';

async function transportFrom(argv: readonly string[]): Promise<ByteTransport> {
  const [flag, target] = argv;
  const baud = argv[2] === '--baud' ? Number(argv[3]) : 115200;
  if (!target) throw new Error('usage: --serial DEV [--baud N] | --connect SOCK | --listen SOCK');
  if (flag === '--serial') return openSerial(target, baud);
  if (flag === '--connect') return connectUnix(target);
  if (flag === '--listen') {
    fs.rmSync(target, { force: true });
    return new Promise((resolve) => {
      const server = net.createServer((s) => {
        server.close();
        resolve(streamTransport(s));
      });
      server.listen(target, () => console.log(JSON.stringify({ listening: target })));
    });
  }
  throw new Error(`unknown transport ${flag}`);
}

async function main(): Promise<void> {
  const sim = new PanelSimulator(await transportFrom(process.argv.slice(2)));
  let last = '';
  const print = (): void => console.log((last = JSON.stringify(sim.state())));
  sim.onChange((s) => JSON.stringify(s) !== last && print());
  print();
  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    const [cmd, arg = ''] = line.trim().split(/\s+/);
    if (cmd === 'key' && (KEYS as readonly string[]).includes(arg)) sim.pressKey(arg as PanelKey);
    else if (cmd === 'garbage') sim.injectGarbage(Buffer.from(arg, 'hex'));
    else if (cmd === 'lose') sim.loseAnswers(Number(arg) || 1);
    else if (cmd === 'state') print();
    else console.log(JSON.stringify({ error: `unknown command '${line.trim()}'` }));
  });
  rl.on('close', () => void sim.close().then(() => process.exit(0)));
}

main().catch((e: unknown) => {
  console.error(`panel-sim: ${(e as Error).message}`);
  process.exit(1);
});
