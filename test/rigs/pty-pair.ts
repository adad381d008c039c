/**
 * Two ptys wired back to back by socat (`socat -d -d pty,raw,echo=0
 * pty,raw,echo=0`): a serial cable for tests. socat is killed by its PID on
 * dispose.
 */
import { Proc } from './process';

export class PtyPair {
  private constructor(
    private readonly proc: Proc,
    readonly a: string,
    readonly b: string,
  ) {}

  static async open(): Promise<PtyPair> {
    const proc = new Proc(['socat', '-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0']);
    try {
      const first = await proc.waitFor(/PTY is (\S+)/, 5000, 'the first pty');
      const second = await proc.waitFor(/PTY is (\S+)/, 5000, 'the second pty');
      await proc.waitFor(/starting data transfer loop/, 5000, 'socat ready');
      return new PtyPair(proc, first[1]!, second[1]!);
    } catch (e) {
      await proc.kill();
      throw e;
    }
  }

  async dispose(): Promise<void> {
    await this.proc.kill();
  }
}

/** Polls until pred holds; fails with `what` after the deadline. Never a fixed sleep. */
export async function until(pred: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
