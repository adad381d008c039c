/**
 * The two ends of live traffic through a load balancer, one process each,
 * run inside lab namespaces:
 *   node traffic-peers.js serve NAME PORT    HTTP server answering NAME to every
 *                                            request; idle keep-alive
 *                                            connections never time out
 *   node traffic-peers.js get URL N          N requests, each on a new
 *                                            connection: one line per request,
 *                                            the answer or "error CODE"
 *   node traffic-peers.js keep URL           one keep-alive connection: a
 *                                            request per stdin line, prints
 *                                            "#SEQ ANSWER LOCALPORT" (the port
 *                                            shows the connection is the same)
 * serve prints "listening" when ready, keep prints "ready".
 */
import * as http from 'node:http';
import * as readline from 'node:readline';

/** Generous: the balancer is an emulated guest on a busy machine. */
const TIMEOUT_MS = 10000;

function serve(name: string, port: number): void {
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(name) });
    res.end(name);
  });
  server.keepAliveTimeout = 0;
  server.requestTimeout = 0;
  server.listen(port, () => void process.stdout.write('listening\n'));
}

function request(url: string, agent: http.Agent | false): Promise<{ body: string; port: number }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, timeout: TIMEOUT_MS }, (res) => {
      const port = res.socket.localPort ?? 0;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ body, port }));
      res.on('error', reject);
    });
    req.on('timeout', () =>
      req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
    );
    req.on('error', reject);
  });
}

async function get(url: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    try {
      const r = await request(url, false);
      process.stdout.write(`${r.body}\n`);
    } catch (err) {
      process.stdout.write(`error ${(err as NodeJS.ErrnoException).code ?? 'unknown'}\n`);
    }
  }
}

function keep(url: string): void {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let seq = 0;
  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', () => {
    const n = ++seq;
    request(url, agent).then(
      (r) => process.stdout.write(`#${n} ${r.body} ${r.port}\n`),
      (err: NodeJS.ErrnoException) =>
        process.stdout.write(`#${n} error ${err.code ?? 'unknown'} 0\n`),
    );
  });
  rl.on('close', () => agent.destroy());
  process.stdout.write('ready\n');
}

function main(argv: string[]): void {
  const [mode, a, b] = argv;
  if (mode === 'serve') serve(a as string, Number(b));
  else if (mode === 'get') void get(a as string, Number(b));
  else if (mode === 'keep') keep(a as string);
  else {
    process.stderr.write(`traffic-peers: unknown mode '${mode}'\n`);
    process.exit(2);
  }
}

if (require.main === module) main(process.argv.slice(2));
