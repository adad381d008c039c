/**
 * The VM rig: boots a board's firmware (dist/firmware/BOARD) in qemu-system
 * under TCG with its serial console on a pipe, runs shell commands over that
 * console, power-cuts (SIGKILL), reboots with the same data disk. NICs are
 * taps on a netns lab's LAN, so guests reach only the lab.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Lab } from './netns-lab';
import { Proc } from './process';

export const ROOT = path.resolve(__dirname, '..', '..', '..');

interface BoardQemu {
  name: string;
  kernel: { cmdline: string };
  qemu: { system: string; args: string[]; nic: string; disk: string };
}

export interface VmOptions {
  readonly board: string;
  /** Data partition image; copied from the firmware's empty one when absent. */
  readonly dataImage?: string;
  /** Boot with no data disk at all (the appliance falls back to RAM). */
  readonly noDataDisk?: boolean;
  /** Put this many NICs on the lab's LAN. */
  readonly lab?: Lab;
  readonly nics?: number;
  readonly appendCmdline?: string;
  /**
   * The console port runs the setup menu, as on a shipped box. Without it the
   * rig boots in engineering mode (halb.console=shell): a root shell there.
   */
  readonly consoleMenu?: boolean;
  /** More qemu arguments (a second serial port for the front panel...). */
  readonly extraArgs?: readonly string[];
}

let vmCount = 0;

export function firmwareDir(board: string): string {
  return path.join(ROOT, 'dist', 'firmware', board);
}

export class Vm {
  private proc!: Proc;
  private shellReady = false;
  private runSeq = 0;
  readonly dataImage: string;
  private readonly ownsData: boolean;
  private readonly board: BoardQemu;
  private taps: string[] = [];
  readonly index = ++vmCount;
  bootStartedAt = 0;

  private constructor(private readonly opts: VmOptions) {
    const fw = firmwareDir(opts.board);
    if (!fs.existsSync(path.join(fw, 'rootfs.squashfs'))) {
      throw new Error(`no firmware in ${fw}: run 'make firmware BOARD=${opts.board}'`);
    }
    this.board = JSON.parse(fs.readFileSync(path.join(fw, 'board.json'), 'utf8')) as BoardQemu;
    this.ownsData = !opts.dataImage;
    this.dataImage =
      opts.dataImage ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'halb-vm-')), 'data.img');
    if (!fs.existsSync(this.dataImage)) fs.copyFileSync(path.join(fw, 'data.img'), this.dataImage);
  }

  static async boot(opts: VmOptions): Promise<Vm> {
    const vm = new Vm(opts);
    if (opts.lab) for (let i = 0; i < (opts.nics ?? 1); i++) vm.taps.push(await opts.lab.addTap());
    vm.start();
    return vm;
  }

  get console(): Proc {
    return this.proc;
  }

  private argv(): string[] {
    const fw = firmwareDir(this.opts.board);
    const q = this.board.qemu;
    const cmdline = [
      this.board.kernel.cmdline,
      this.opts.consoleMenu ? '' : 'halb.console=shell',
      this.opts.appendCmdline,
    ]
      .filter(Boolean)
      .join(' ');
    const argv = [
      q.system,
      ...q.args,
      '-nodefaults',
      '-display',
      'none',
      '-no-reboot',
      '-serial',
      'stdio',
      '-monitor',
      'none',
      '-kernel',
      path.join(fw, 'kernel'),
      '-initrd',
      path.join(fw, 'initramfs.cpio.gz'),
      '-append',
      cmdline,
      '-drive',
      `file=${path.join(fw, 'rootfs.squashfs')},if=none,id=root,format=raw,readonly=on`,
      '-device',
      `${q.disk},drive=root`,
    ];
    if (!this.opts.noDataDisk) {
      argv.push(
        '-drive',
        `file=${this.dataImage},if=none,id=data,format=raw`,
        '-device',
        `${q.disk},drive=data`,
      );
    }
    argv.push(...(this.opts.extraArgs ?? []));
    this.taps.forEach((tap, i) => {
      const hex = (n: number): string => (n & 0xff).toString(16).padStart(2, '0');
      const mac = `52:54:00:${hex(process.pid >> 8)}:${hex(process.pid + this.index)}:${hex(i + 1)}`;
      argv.push(
        '-netdev',
        `tap,id=n${i},ifname=${tap},script=no,downscript=no`,
        '-device',
        `${q.nic},netdev=n${i},mac=${mac}`,
      );
    });
    return argv;
  }

  private start(): void {
    this.shellReady = false;
    this.bootStartedAt = Date.now();
    const argv = this.argv();
    if (this.opts.lab && this.taps.length > 0) {
      this.proc = this.opts.lab.spawn('switch', argv);
    } else {
      this.proc = new Proc(argv);
    }
  }

  waitFor(pattern: RegExp | string, timeoutMs = 120000, what?: string): Promise<RegExpExecArray> {
    return this.proc.waitFor(pattern, timeoutMs, what);
  }

  /** Waits until the console shell answers, then makes it quiet: no echo, no prompt. */
  async shell(timeoutMs = 180000): Promise<void> {
    if (this.shellReady) return;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // The quotes keep the typed-in echo of this line from matching.
      this.proc.write(`\nstty -echo; PS1=''; export PS1; echo "@@shell""-ready@@"\n`);
      try {
        await this.proc.waitFor(/@@shell-ready@@\r?\n/, 3000, 'the console shell');
        break;
      } catch (err) {
        if (!this.proc.running || Date.now() > deadline) throw err;
      }
    }
    this.shellReady = true;
  }

  /**
   * Runs a shell command on the serial console; resolves with its output and
   * status. The guest's daemons log to the same console and their lines land
   * between the command's: every line the command writes is tagged (one write
   * per line, which a tty never splits) and only tagged lines are its output.
   * The command runs in a subshell: no shell state carries over to the next.
   */
  async run(cmd: string, timeoutMs = 60000): Promise<{ code: number; output: string }> {
    await this.shell();
    const n = ++this.runSeq;
    const tag = `@@o-${n}@@`;
    const rc = new RegExp(`@@rc-${n}-(\\d+)@@`);
    this.proc.skip();
    const start = this.proc.output.length;
    // Each command turns echo off again: a Node process that exits restores the
    // console's terminal modes as it found them at its start (echo on at boot).
    // The typed tag is split by "" so that an echo of the typed line is no output.
    this.proc.write(
      `stty -echo; { ${cmd}\necho "@@rc-${n}-$?@@"; } 2>&1 | sed "s/^/@@o-${n}""@@/"\n`,
    );
    const m = await this.proc.waitFor(
      new RegExp(`${tag}.*@@rc-${n}-(\\d+)@@`),
      timeoutMs,
      `'${cmd}' to finish`,
    );
    const tagged = this.proc.output
      .slice(start)
      .replace(/\r/g, '')
      .split('\n')
      .filter((l) => l.includes(tag))
      .map((l) => l.slice(l.indexOf(tag) + tag.length))
      .join('\n');
    return { code: Number(m[1]), output: tagged.slice(0, tagged.search(rc)) };
  }

  /** Resolves when the emulator ends (with -no-reboot, a guest reset ends it). */
  get exited(): Promise<unknown> {
    return this.proc.exited;
  }

  /** The console output after the last occurrence of `marker` (all of it when absent). */
  outputSince(marker: string): string {
    const out = this.proc.output;
    const i = out.lastIndexOf(marker);
    return i < 0 ? out : out.slice(i);
  }

  /** Power cut: the emulator dies at once, whatever the guest was doing. */
  async powerCut(): Promise<void> {
    await this.proc.kill('SIGKILL', 1000);
  }

  /** Clean reboot from the guest (init stops halb, unmounts /data), then boot again. */
  async reboot(timeoutMs = 60000): Promise<void> {
    await this.shell();
    this.proc.write('reboot\n');
    const exit = this.proc.exited;
    const timer = setTimeout(() => void this.proc.kill('SIGKILL'), timeoutMs);
    await exit;
    clearTimeout(timer);
    this.start();
  }

  /** Boots again after a power cut, on the same data disk. */
  powerOn(): void {
    if (this.proc.running) throw new Error('vm: still running; powerCut() first');
    this.start();
  }

  async dispose(): Promise<void> {
    await this.proc.kill('SIGKILL', 1000);
    // HALB_VM_CONSOLE_DIR=DIR keeps each guest's whole console output for debugging.
    const keep = process.env.HALB_VM_CONSOLE_DIR;
    if (keep)
      fs.writeFileSync(path.join(keep, `vm-${process.pid}-${this.index}.log`), this.proc.output);
    if (this.ownsData) fs.rmSync(path.dirname(this.dataImage), { recursive: true, force: true });
  }
}
