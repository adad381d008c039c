/**
 * Boots one or more firmware images on a private virtual LAN (taps on a bridge
 * in a namespace of their own: nothing reaches the host's network), each with
 * its serial console. The first guest's console is this terminal; the others
 * are printed with a [vmN] prefix. Ctrl-] quits and cleans up.
 *
 *   node build/scripts/qemu-run.js [--board qemu-x86_64] [--count 2] [--nics 1]
 */
import { Lab } from '../test/rigs/netns-lab';
import { Vm } from '../test/rigs/vm';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}

async function main(): Promise<void> {
  const board = arg('board', 'qemu-x86_64');
  const count = Number(arg('count', '1'));
  const nics = Number(arg('nics', '1'));
  const lab = await Lab.create({ hosts: [] });
  const vms: Vm[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(vms.map((v) => v.dispose()));
    await lab.dispose();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  console.error(
    `qemu-run: ${count} x ${board}, ${nics} NIC(s) each, LAN bridge in namespace ${lab.switchNs}; Ctrl-] quits`,
  );
  for (let i = 0; i < count; i++) vms.push(await Vm.boot({ board, lab, nics }));
  vms.forEach((vm, i) => {
    let printed = 0;
    vm.console.child.stdout?.on('data', () => {
      const out = vm.console.output;
      const chunk = out.slice(printed);
      printed = out.length;
      if (i === 0) process.stdout.write(chunk);
      else process.stdout.write(chunk.replace(/^/gm, `[vm${i + 1}] `));
    });
  });
  if (process.stdin.isTTY) process.stdin.setRawMode(true);
  process.stdin.on('data', (b: Buffer) => {
    if (b.includes(0x1d)) void stop();
    else vms[0]?.console.write(b.toString('latin1'));
  });
  await Promise.all(vms.map((v) => v.console.exited));
  await stop();
}

main().catch((err: unknown) => {
  console.error(`qemu-run: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
