/**
 * A dumb terminal on a byte stream (the board's serial console through
 * `serialport`, a pty, or an in-memory pair in tests): prompts, answers, and
 * long text paged for an 80x24 screen. Output uses CR LF and plain ASCII, no
 * escape sequences, so any terminal at 115200 baud shows it.
 */
import type { ByteTransport } from '../leds/panel/transport';
import { LineEditor, type LineEvent } from './line-editor';

export const SCREEN_ROWS = 24;

export interface AskOptions {
  /** Echo nothing (a password). */
  readonly secret?: boolean;
  /** Keep leading and trailing blanks (a line of a config file). */
  readonly raw?: boolean;
}

export interface Terminal {
  say(text: string): void;
  /** One answer; null when the user cancelled (Ctrl-C / Ctrl-D) or the line went idle. */
  ask(prompt: string, opts?: AskOptions): Promise<string | null>;
}

export class StreamTerminal implements Terminal {
  private readonly editor: LineEditor;
  private readonly queue: LineEvent[] = [];
  private waiter: ((e: LineEvent) => void) | null = null;

  constructor(
    private readonly transport: ByteTransport,
    /** An unanswered prompt gives up after this long (idle logout). */
    private readonly idleMs = 15 * 60_000,
  ) {
    this.editor = new LineEditor((b) => this.write(b));
    transport.onData((bytes) => {
      for (const e of this.editor.feed(bytes)) this.deliver(e);
    });
  }

  say(text: string): void {
    this.write(text.replace(/\r?\n/g, '\r\n'));
  }

  async ask(prompt: string, opts: AskOptions = {}): Promise<string | null> {
    this.editor.secret = opts.secret === true;
    this.write(prompt);
    const e = await this.next();
    this.editor.secret = false;
    if (e?.kind !== 'line') return null;
    return opts.raw ? e.text : e.text.trim();
  }

  private next(): Promise<LineEvent | null> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve(null);
      }, this.idleMs);
      timer.unref();
      this.waiter = (e) => {
        clearTimeout(timer);
        resolve(e);
      };
    });
  }

  private deliver(e: LineEvent): void {
    const w = this.waiter;
    if (w) {
      this.waiter = null;
      w(e);
    } else this.queue.push(e);
  }

  private write(s: string): void {
    this.transport.write(Buffer.from(s, 'latin1'));
  }
}

/** Shows long text a screen at a time; false when the user stopped reading ('q'). */
export async function page(term: Terminal, text: string): Promise<boolean> {
  const lines = text.replace(/\n$/, '').split('\n');
  const per = SCREEN_ROWS - 2;
  for (let i = 0; i < lines.length; i += per) {
    term.say(lines.slice(i, i + per).join('\n') + '\n');
    if (i + per >= lines.length) break;
    const a = await term.ask(`-- more (${i + per}/${lines.length}): Enter for more, q to stop -- `);
    if (a === null || a.toLowerCase() === 'q') return false;
  }
  return true;
}
