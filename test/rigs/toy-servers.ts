/**
 * Small real servers for the checker tests, one per process so a test can
 * stop and restart each one (inside a lab namespace):
 *   node toy-servers.js http  HOST PORT                     (/ and /vhost, for Host web.example)
 *   node toy-servers.js https HOST PORT CERT KEY SNI_NAME   (refuses other SNI names)
 *   node toy-servers.js mtls  HOST PORT CERT KEY CLIENT_CA  (wants a client certificate
 *                                                            CLIENT_CA signed; prints "client CN")
 *   node toy-servers.js tcp   HOST PORT
 *   node toy-servers.js smtp  HOST PORT
 *   node toy-servers.js dns   HOST PORT                     (NOERROR; NXDOMAIN under nx.)
 *   node toy-servers.js udp   HOST PORT                     (echo)
 * Each prints "listening" when it is ready; tcp and smtp print "peer ADDRESS
 * PORT" for every connection (to check bindto / bind_port).
 */
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { decodeQuestion, encodeResponse } from '../../src/checkers/checks/dns-codec';

export const TOY_BODY = 'hello world';
/** MD5 of TOY_BODY, as `genhash` would print it. */
export const TOY_DIGEST = '5eb63bbbe01eeed093cb22bb8f5acdc3';

function web(req: http.IncomingMessage, res: http.ServerResponse): void {
  if (req.url === '/vhost') {
    // Only for the right Host header: what virtualhost is for.
    res.writeHead(req.headers.host === 'web.example' ? 200 : 421);
    res.end(req.headers.host ?? '');
  } else if (req.url === '/') {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'X-Host': req.headers.host ?? '' });
    res.end(TOY_BODY);
  } else {
    res.writeHead(404);
    res.end('no');
  }
}

function peer(s: net.Socket): void {
  process.stdout.write(`peer ${s.remoteAddress?.replace(/^::ffff:/, '')} ${s.remotePort}\n`);
}

function main(argv: string[]): void {
  const [kind, host, portText, ...rest] = argv;
  const port = Number(portText);
  const ready = (): void => void process.stdout.write('listening\n');
  switch (kind) {
    case 'http':
      http.createServer(web).listen(port, host, ready);
      return;
    case 'https': {
      const [cert, key, sni] = rest;
      const ctx = tls.createSecureContext({
        cert: fs.readFileSync(cert as string),
        key: fs.readFileSync(key as string),
      });
      https
        .createServer(
          {
            SNICallback: (name, cb) =>
              name === sni ? cb(null, ctx) : cb(new Error(`no certificate for '${name}'`)),
          },
          web,
        )
        .listen(port, host, ready);
      return;
    }
    case 'mtls': {
      const [cert, key, clientCa] = rest;
      https
        .createServer(
          {
            cert: fs.readFileSync(cert as string),
            key: fs.readFileSync(key as string),
            ca: fs.readFileSync(clientCa as string),
            requestCert: true,
            rejectUnauthorized: true,
          },
          (req, res) => {
            const peerCert = (req.socket as tls.TLSSocket).getPeerCertificate();
            process.stdout.write(`client ${peerCert.subject?.CN}\n`);
            web(req, res);
          },
        )
        .listen(port, host, ready);
      return;
    }
    case 'tcp':
      net
        .createServer((s) => {
          peer(s);
          s.on('error', () => undefined).end();
        })
        .listen({ port, host, backlog: 65535 }, ready);
      return;
    case 'smtp':
      net
        .createServer((s) => {
          peer(s);
          s.on('error', () => undefined);
          s.write('220 toy.example ESMTP ready\r\n');
          let buf = '';
          s.on('data', (d) => {
            buf += d.toString('latin1');
            let i;
            while ((i = buf.indexOf('\r\n')) >= 0) {
              const line = buf.slice(0, i);
              buf = buf.slice(i + 2);
              if (/^HELO \S+/i.test(line)) s.write('250-toy.example\r\n250 hello\r\n');
              else if (/^QUIT/i.test(line)) s.end('221 bye\r\n');
              else s.write('500 what\r\n');
            }
          });
        })
        .listen(port, host, ready);
      return;
    case 'dns':
    case 'udp': {
      const sock = dgram.createSocket(net.isIPv6(host as string) ? 'udp6' : 'udp4');
      sock.on('message', (m, from) => {
        let reply: Buffer = m;
        if (kind === 'dns') {
          try {
            const q = decodeQuestion(m);
            // NXDOMAIN for names under nx., NOERROR for the rest.
            reply = encodeResponse(q, q.name.startsWith('nx.') ? 3 : 0, []);
          } catch {
            return;
          }
        }
        sock.send(reply, from.port, from.address);
      });
      sock.bind(port, host, ready);
      return;
    }
    default:
      process.stderr.write(`toy-servers: unknown kind '${kind}'\n`);
      process.exit(2);
  }
}

if (require.main === module) main(process.argv.slice(2));
