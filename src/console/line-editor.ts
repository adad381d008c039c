/**
 * The console's line discipline, in our hands because the serial port is in
 * raw mode: echo, backspace / DEL, Ctrl-U (erase the line), Ctrl-C (cancel),
 * CR, LF or CR LF as the end of a line, and secret input that echoes nothing.
 * Pure: bytes in, echo bytes and finished lines out. Escape sequences (arrow
 * keys from a smarter terminal) are swallowed, not typed into the line.
 */

export type LineEvent =
  | { readonly kind: 'line'; readonly text: string }
  | { readonly kind: 'cancel' }
  | { readonly kind: 'eof' };

const MAX_LINE = 4096;

export class LineEditor {
  private buf = '';
  private lastWasCr = false;
  private escape: 'none' | 'esc' | 'csi' = 'none';
  /** Secret input: nothing is echoed (a password). */
  secret = false;

  constructor(private readonly echo: (bytes: string) => void) {}

  /** Feeds received bytes; returns the events they complete, in order. */
  feed(bytes: Buffer | string): LineEvent[] {
    const events: LineEvent[] = [];
    const text = typeof bytes === 'string' ? bytes : bytes.toString('latin1');
    for (const ch of text) {
      const code = ch.charCodeAt(0);
      if (this.swallowEscape(ch, code)) continue;
      const wasCr = this.lastWasCr;
      this.lastWasCr = ch === '\r';
      if (ch === '\n' && wasCr) continue; // the LF of a CR LF
      if (ch === '\r' || ch === '\n') {
        this.echo('\r\n');
        events.push({ kind: 'line', text: this.buf });
        this.buf = '';
      } else if (code === 0x7f || code === 0x08) {
        if (this.buf.length > 0) {
          this.buf = this.buf.slice(0, -1);
          if (!this.secret) this.echo('\b \b');
        }
      } else if (code === 0x15) {
        if (!this.secret) this.echo('\b \b'.repeat(this.buf.length));
        this.buf = '';
      } else if (code === 0x03) {
        this.echo('^C\r\n');
        this.buf = '';
        events.push({ kind: 'cancel' });
      } else if (code === 0x04) {
        if (this.buf === '') events.push({ kind: 'eof' });
      } else if (code === 0x1b) {
        this.escape = 'esc';
      } else if (code >= 0x20 && code !== 0x7f && this.buf.length < MAX_LINE) {
        this.buf += ch;
        if (!this.secret) this.echo(ch);
      }
    }
    return events;
  }

  /** Forgets a half-typed line (a new prompt starts clean). */
  reset(): void {
    this.buf = '';
  }

  private swallowEscape(ch: string, code: number): boolean {
    if (this.escape === 'esc') {
      this.escape = ch === '[' || ch === 'O' ? 'csi' : 'none';
      return true;
    }
    if (this.escape === 'csi') {
      if (code >= 0x40 && code <= 0x7e) this.escape = 'none';
      return true;
    }
    return false;
  }
}
