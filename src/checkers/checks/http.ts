/**
 * HTTP_GET and SSL_GET: each `url` in turn, a GET as keepalived writes it
 * (check_http.c request_template), the status against `status_code` (default
 * 200-299), the body's MD5 against `digest` and the body against `regex`
 * (url-regex.ts). Every url must pass.
 * SSL_GET does not verify the server's certificate (neither does keepalived,
 * whose `SSL { ca }` only loads the CA file), presents the client certificate
 * of the top-level `SSL { certificate key password }` block when a server
 * asks for one, and sends SNI only with `enable_sni` and a virtualhost.
 */
import type * as net from 'node:net';
import * as fs from 'node:fs';
import * as tls from 'node:tls';
import type { SslFiles } from '../setup';
import type { ModelBlock } from '../../config/validate';
import { errorText, fail, ok, type Check, type CheckResult } from '../check';
import type { Target } from '../target';
import { ResponseReader, statusMatcher } from './http-response';
import { connectTcp } from './tcp';
import { regexPasses, urlRegex, type UrlRegex } from './url-regex';

export interface UrlSpec {
  readonly path: string;
  readonly digests: readonly string[];
  readonly status: (code: number) => boolean;
  readonly virtualhost: string | undefined;
  readonly regex?: UrlRegex;
}

export interface HttpOptions {
  readonly tls: boolean;
  readonly urls: readonly UrlSpec[];
  /** The Host header when the url has none: the checker's, else the real server's, else the virtual server's. */
  readonly virtualhost: string | undefined;
  /** SNI (enable_sni) when the url has none: the checker's, else the virtual server's (check_ssl.c). */
  readonly sniHost?: string | undefined;
  readonly protocol: '1.0' | '1.0C' | '1.1';
  readonly sni: boolean;
  /** SSL { }: the client certificate and key, or why they could not be read. */
  readonly client?: { cert?: Buffer; key?: Buffer; passphrase?: string; ca?: Buffer } | string;
}

function clientContext(ssl: SslFiles | undefined): HttpOptions['client'] {
  if (!ssl) return undefined;
  const read = (what: string, file: string | undefined): Buffer | undefined => {
    if (file === undefined) return undefined;
    try {
      return fs.readFileSync(file);
    } catch (err) {
      throw new Error(
        `SSL ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
  };
  try {
    const cert = read('certificate', ssl.certificate);
    const key = read('key', ssl.key);
    const ca = read('ca', ssl.ca);
    return {
      ...(cert ? { cert } : {}),
      ...(key ? { key } : {}),
      ...(ssl.password !== undefined ? { passphrase: ssl.password } : {}),
      ...(ca ? { ca } : {}),
    };
  } catch (err) {
    return (err as Error).message;
  }
}

function regexOf(u: ModelBlock): { regex?: UrlRegex } {
  const { regex } = urlRegex(u);
  return regex ? { regex } : {};
}

export function httpOptions(
  type: 'HTTP_GET' | 'SSL_GET',
  o: ModelBlock,
  ssl?: SslFiles,
  inherited: { server?: string | undefined; service?: string | undefined } = {},
): HttpOptions {
  const own = typeof o.virtualhost === 'string' ? o.virtualhost : undefined;
  const urls = ((o.url ?? []) as ModelBlock[]).map((u): UrlSpec => ({
    path: typeof u.path === 'string' ? u.path : '/',
    digests: ((u.digest ?? []) as string[]).map((d) => d.toLowerCase()),
    status: statusMatcher(u.status_code as string[] | undefined),
    virtualhost: typeof u.virtualhost === 'string' ? u.virtualhost : undefined,
    ...regexOf(u),
  }));
  const proto = typeof o.http_protocol === 'string' ? o.http_protocol.toUpperCase() : '1.0';
  return {
    tls: type === 'SSL_GET',
    urls:
      urls.length > 0
        ? urls
        : [{ path: '/', digests: [], status: statusMatcher(undefined), virtualhost: undefined }],
    virtualhost: own ?? inherited.server ?? inherited.service,
    sniHost: own ?? inherited.service,
    protocol: proto === '1.1' ? '1.1' : proto === '1.0C' ? '1.0C' : '1.0',
    sni: o.enable_sni === true,
    ...(type === 'SSL_GET' && ssl ? { client: clientContext(ssl) } : {}),
  };
}

/** The request line and headers keepalived sends. */
export function requestText(t: Target, o: HttpOptions, url: UrlSpec): string {
  const vhost = url.virtualhost ?? o.virtualhost;
  const host = vhost ?? (t.family === 6 ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`);
  const minor = o.protocol === '1.1' ? 1 : 0;
  const close = o.protocol === '1.0' ? '' : 'Connection: close\r\n';
  return `GET ${url.path} HTTP/1.${minor}\r\nUser-Agent: KeepAliveClient\r\n${close}Host: ${host}\r\n\r\n`;
}

function secure(
  socket: net.Socket,
  t: Target,
  servername: string | undefined,
  client: Exclude<HttpOptions['client'], string>,
) {
  return new Promise<{ socket: tls.TLSSocket; result?: undefined } | { result: CheckResult }>(
    (resolve) => {
      const s = tls.connect({
        socket,
        rejectUnauthorized: false,
        ...(servername ? { servername } : {}),
        ...client,
      });
      const timer = setTimeout(() => {
        s.destroy();
        resolve({ result: fail(`TLS handshake timeout after ${t.timeoutMs / 1000} s`, true) });
      }, t.timeoutMs);
      s.once('secureConnect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        resolve({ socket: s });
      });
      s.once('error', (err) => {
        clearTimeout(timer);
        s.destroy();
        resolve({ result: fail(`TLS: ${errorText(err)}`) });
      });
    },
  );
}

async function fetchUrl(t: Target, o: HttpOptions, url: UrlSpec): Promise<CheckResult> {
  const c = await connectTcp(t);
  if (c.result) return c.result;
  let socket: net.Socket = c.socket;
  if (o.tls) {
    const vhost = url.virtualhost ?? ('sniHost' in o ? o.sniHost : o.virtualhost);
    if (typeof o.client === 'string') {
      socket.destroy();
      return fail(o.client);
    }
    const s = await secure(socket, t, o.sni ? vhost : undefined, o.client);
    if (s.result) {
      socket.destroy();
      return s.result;
    }
    socket = s.socket;
  }
  const reader = new ResponseReader({
    headOnly: url.digests.length === 0 && !url.regex,
    keepBody: url.regex !== undefined,
  });
  return new Promise<CheckResult>((resolve) => {
    let settled = false;
    const finish = (r: CheckResult): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(r);
    };
    const judge = (): void => {
      if (reader.error) return finish(fail(`HTTP response ${reader.error} on url ${url.path}`));
      const res = reader.result();
      if (!res) return finish(fail(`no complete response on url ${url.path}`));
      if (!url.status(res.status))
        return finish(fail(`HTTP status ${res.status} on url ${url.path}`));
      if (url.digests.length > 0 && !url.digests.includes(res.digest))
        return finish(fail(`MD5 digest ${res.digest} mismatch on url ${url.path}`));
      if (url.regex && !regexPasses(url.regex, res.body ?? Buffer.alloc(0)))
        return finish(
          fail(
            `regex '${url.regex.source}' ${url.regex.noMatch ? 'matched' : 'did not match'} on url ${url.path}`,
          ),
        );
      finish(ok(`HTTP status ${res.status}`));
    };
    socket.setTimeout(t.timeoutMs, () =>
      finish(fail(`read timeout after ${t.timeoutMs / 1000} s on url ${url.path}`, true)),
    );
    socket.on('data', (d: Buffer) => {
      if (reader.push(d)) judge();
    });
    socket.on('end', () => {
      reader.end();
      judge();
    });
    socket.on('error', (err) => finish(fail(`${errorText(err)} on url ${url.path}`)));
    socket.write(requestText(t, o, url));
  });
}

export function httpCheck(t: Target, o: HttpOptions): Check {
  return {
    async run() {
      let last: CheckResult = ok('no url');
      for (const url of o.urls) {
        last = await fetchUrl(t, o, url);
        if (!last.ok) return last;
      }
      return last;
    },
  };
}
