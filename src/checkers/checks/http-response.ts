/**
 * An HTTP/1.x response read incrementally, pure: the status line, the
 * headers, and the body fed to an MD5 (keepalived's `digest`), kept only when
 * a `regex` must search it. The body ends at Content-Length, at the last chunk, or at close; a url
 * without a digest is judged at the end of the headers.
 */
import { createHash, type Hash } from 'node:crypto';

export const MAX_HEADER_BYTES = 64 * 1024;
/** A body hashed for `digest` longer than this fails the check rather than tie it up. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

export type ResponseError =
  'bad-status-line' | 'headers-too-large' | 'body-too-large' | 'bad-chunk' | 'truncated';

export interface ReaderOptions {
  /** Done at the end of the headers: nothing needs the body (no `digest`). */
  readonly headOnly?: boolean;
  readonly maxBodyBytes?: number;
  /** Keep the body (a url `regex` searches it). */
  readonly keepBody?: boolean;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: ReadonlyMap<string, string>;
  readonly bodyBytes: number;
  /** MD5 of the body, 32 lowercase hex digits. */
  readonly digest: string;
  /** The body, when kept (keepBody). */
  readonly body?: Buffer;
}

type Phase =
  | 'head'
  | 'body-length'
  | 'body-close'
  | 'chunk-size'
  | 'chunk-data'
  | 'chunk-end'
  | 'trailer'
  | 'done';

export class ResponseReader {
  private phase: Phase = 'head';
  private pending: Buffer = Buffer.alloc(0);
  private status = 0;
  private headers = new Map<string, string>();
  private remaining = 0;
  private bodyBytes = 0;
  private readonly md5: Hash = createHash('md5');
  private readonly kept: Buffer[] = [];
  error: ResponseError | undefined;

  constructor(private readonly opts: ReaderOptions = {}) {}

  get done(): boolean {
    return this.phase === 'done';
  }

  /** Feeds bytes; true once the response is complete (or failed: see error). */
  push(chunk: Buffer): boolean {
    if (this.done || this.error) return true;
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      const before: Phase = this.phase;
      const consumed = this.step();
      if (this.error || this.done) return true;
      if (!consumed && before === this.phase) return false;
    }
  }

  /** The connection closed: a body without length ends here. */
  end(): void {
    if (this.phase === 'body-close') this.phase = 'done';
    else if (this.phase !== 'done' && !this.error) this.error = 'truncated';
  }

  private final: HttpResponse | undefined;

  /** The response once complete (the same object on every call). */
  result(): HttpResponse | undefined {
    if (this.phase !== 'done' || this.error) return undefined;
    this.final ??= {
      status: this.status,
      headers: this.headers,
      bodyBytes: this.bodyBytes,
      digest: this.md5.digest('hex'),
      ...(this.opts.keepBody ? { body: Buffer.concat(this.kept) } : {}),
    };
    return this.final;
  }

  private body(b: Buffer): void {
    this.md5.update(b);
    if (this.opts.keepBody) this.kept.push(Buffer.from(b));
    this.bodyBytes += b.length;
    if (this.bodyBytes > (this.opts.maxBodyBytes ?? MAX_BODY_BYTES)) this.error = 'body-too-large';
  }

  private line(): string | undefined {
    const i = this.pending.indexOf('\r\n');
    if (i < 0) return undefined;
    const l = this.pending.subarray(0, i).toString('latin1');
    this.pending = this.pending.subarray(i + 2);
    return l;
  }

  /** One unit of progress; false when it needs more bytes. */
  private step(): boolean {
    switch (this.phase) {
      case 'head': {
        const end = this.pending.indexOf('\r\n\r\n');
        if (end < 0) {
          if (this.pending.length > MAX_HEADER_BYTES) this.error = 'headers-too-large';
          return false;
        }
        const lines = this.pending.subarray(0, end).toString('latin1').split('\r\n');
        this.pending = this.pending.subarray(end + 4);
        const m = /^HTTP\/\d\.\d (\d{3})/.exec(lines[0] ?? '');
        if (!m) {
          this.error = 'bad-status-line';
          return false;
        }
        this.status = Number(m[1]);
        for (const l of lines.slice(1)) {
          const c = l.indexOf(':');
          if (c > 0) this.headers.set(l.slice(0, c).trim().toLowerCase(), l.slice(c + 1).trim());
        }
        if (this.opts.headOnly) {
          this.phase = 'done';
          return true;
        }
        const te = this.headers.get('transfer-encoding');
        const cl = this.headers.get('content-length');
        if (te && /chunked/i.test(te)) this.phase = 'chunk-size';
        else if (cl !== undefined && /^\d+$/.test(cl)) {
          this.remaining = Number(cl);
          this.phase = this.remaining === 0 ? 'done' : 'body-length';
        } else this.phase = 'body-close';
        return true;
      }
      case 'body-length': {
        if (this.pending.length === 0) return false;
        const take = this.pending.subarray(0, this.remaining);
        this.body(take);
        this.remaining -= take.length;
        this.pending = this.pending.subarray(take.length);
        if (this.remaining === 0) this.phase = 'done';
        return true;
      }
      case 'body-close':
        if (this.pending.length === 0) return false;
        this.body(this.pending);
        this.pending = Buffer.alloc(0);
        return true;
      case 'chunk-size': {
        const l = this.line();
        if (l === undefined) return false;
        const m = /^([0-9a-fA-F]+)/.exec(l);
        if (!m) {
          this.error = 'bad-chunk';
          return false;
        }
        this.remaining = parseInt(m[1] as string, 16);
        this.phase = this.remaining === 0 ? 'trailer' : 'chunk-data';
        return true;
      }
      case 'chunk-data': {
        if (this.pending.length === 0) return false;
        const take = this.pending.subarray(0, this.remaining);
        this.body(take);
        this.remaining -= take.length;
        this.pending = this.pending.subarray(take.length);
        if (this.remaining === 0) this.phase = 'chunk-end';
        return true;
      }
      case 'chunk-end': {
        const l = this.line();
        if (l === undefined) return false;
        this.phase = 'chunk-size';
        return true;
      }
      case 'trailer': {
        const l = this.line();
        if (l === undefined) return false;
        if (l === '') this.phase = 'done';
        return true;
      }
      case 'done':
        return false;
    }
  }
}

/** `status_code 200 301-302` as a predicate; keepalived's default is 200-299. */
export function statusMatcher(spec: readonly string[] | undefined): (code: number) => boolean {
  const ranges = (spec && spec.length > 0 ? spec : ['200-299']).map((s) => {
    const [a, b] = s.split('-');
    return [Number(a), Number(b ?? a)] as const;
  });
  return (code) => ranges.some(([a, b]) => code >= a && code <= b);
}
