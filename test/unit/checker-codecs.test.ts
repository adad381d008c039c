/**
 * The checkers' pure parts: DNS and ICMP codecs (byte vectors both ways and
 * random round trips), the HTTP response reader (split at every byte), the
 * request keepalived sends, SMTP replies, UDP reply patterns, MISC exit
 * statuses, FILE_CHECK values, the pipe protocol.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import {
  decodeHeader,
  decodeQuestion,
  encodeQuery,
  encodeResponse,
} from '../../src/checkers/checks/dns-codec';
import { fileVerdict } from '../../src/checkers/checks/file';
import { httpOptions, requestText } from '../../src/checkers/checks/http';
import { ResponseReader, statusMatcher } from '../../src/checkers/checks/http-response';
import { decodeEchoReply, encodeEcho, inetChecksum } from '../../src/checkers/checks/icmp-codec';
import { miscOptions, miscVerdict } from '../../src/checkers/checks/misc';
import { takeReply } from '../../src/checkers/checks/smtp';
import { replyMatches, udpOptions } from '../../src/checkers/checks/udp';
import {
  decodeFromChild,
  decodeToChild,
  encodeLine,
  LineSplitter,
} from '../../src/checkers/protocol';
import type { Target } from '../../src/checkers/target';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('DNS codec', () => {
  it('encodes a query as keepalived dns_make_query does (RD set, one question, class IN)', () => {
    assert.deepEqual(
      encodeQuery({ id: 0x1234, name: 'example.org', type: 1 }),
      hex('1234 0100 0001 0000 0000 0000 07 6578616d706c65 03 6f7267 00 0001 0001'),
    );
    assert.deepEqual(
      encodeQuery({ id: 1, name: '.', type: 6 }),
      hex('0001 0100 0001 0000 0000 0000 00 0006 0001'),
    );
    assert.deepEqual(
      encodeQuery({ id: 1, name: 'a.b.', type: 28 }),
      encodeQuery({ id: 1, name: 'a.b', type: 28 }),
      'a trailing dot changes nothing',
    );
    assert.throws(
      () => encodeQuery({ id: 1, name: `${'x'.repeat(64)}.org`, type: 1 }),
      /label-too-long/,
    );
  });

  it('decodes headers and questions, compressed names included; random round trips', () => {
    const resp = encodeResponse({ id: 0xbeef, name: 'example.org', type: 6 }, 3, []);
    const h = decodeHeader(resp);
    assert.deepEqual([h.id, h.qr, h.rcode, h.qdcount, h.ancount], [0xbeef, true, 3, 1, 0]);
    assert.throws(() => decodeHeader(Buffer.alloc(11)), /short/);
    // A question whose name points back at offset 12 (compression).
    const q = Buffer.concat([
      encodeQuery({ id: 7, name: 'ab.cd', type: 1 }),
      hex('c00c 0002 0001'),
    ]);
    assert.equal(decodeQuestion(q).name, 'ab.cd.');
    for (let i = 0; i < 200; i++) {
      const labels = Array.from({ length: randomInt(0, 5) }, () =>
        randomBytes(randomInt(1, 12)).toString('hex').slice(0, randomInt(1, 20)),
      );
      const name = labels.join('.');
      const qq = { id: randomInt(0, 0x10000), name, type: randomInt(1, 256) };
      const back = decodeQuestion(encodeQuery(qq));
      assert.deepEqual(back, { ...qq, name: `${name}.`.replace(/^\.$/, '.') });
    }
  });
});

describe('ICMP codec', () => {
  it('builds an echo request with its checksum (RFC 1071), and reads replies', () => {
    const req = encodeEcho(4, 1, 1, Buffer.alloc(0));
    assert.deepEqual(req, hex('0800 f7fd 0001 0001'));
    assert.equal(inetChecksum(req), 0, 'a packet with its checksum sums to zero');
    const odd = encodeEcho(4, 0x4242, 7, Buffer.from('abc'));
    assert.equal(inetChecksum(odd), 0);
    assert.equal(
      encodeEcho(6, 1, 1, Buffer.alloc(0))[0],
      128,
      'ICMPv6 type 128; the kernel sums it',
    );
    const ip = Buffer.alloc(20);
    ip[0] = 0x45;
    const reply = Buffer.concat([ip, hex('0000 0000 4242 0007 616263')]);
    assert.deepEqual(decodeEchoReply(4, reply), {
      type: 0,
      id: 0x4242,
      seq: 7,
      data: Buffer.from('abc'),
    });
    assert.equal(
      decodeEchoReply(4, Buffer.concat([ip, req])),
      undefined,
      'a request is not a reply',
    );
    assert.equal(decodeEchoReply(6, hex('8100 0000 0001 0002'))?.seq, 2);
    assert.equal(decodeEchoReply(6, hex('8100')), undefined);
  });
});

function readAll(chunks: readonly Buffer[], close: boolean) {
  const r = new ResponseReader();
  for (const c of chunks) if (r.push(c)) break;
  if (close) r.end();
  return r;
}

describe('HTTP response reader', () => {
  const withLength = Buffer.from('HTTP/1.0 200 OK\r\nContent-Length: 2\r\nX: y\r\n\r\nhi');
  const untilClose = Buffer.from('HTTP/1.1 503 Busy\r\nServer: t\r\n\r\nhello world');
  const chunked = Buffer.from(
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nT: 1\r\n\r\n',
  );

  it('reads status and body MD5 whatever the segmentation', () => {
    for (const [msg, close, status, digest] of [
      [withLength, false, 200, '49f68a5c8493ec2c0bf489821c21fc3b'],
      [untilClose, true, 503, '5eb63bbbe01eeed093cb22bb8f5acdc3'],
      [chunked, false, 200, '5eb63bbbe01eeed093cb22bb8f5acdc3'],
    ] as const) {
      for (let cut = 1; cut < msg.length; cut++) {
        const r = readAll([msg.subarray(0, cut), msg.subarray(cut)], close);
        const res = r.result();
        assert.ok(res, `complete at cut ${cut}: ${r.error}`);
        assert.deepEqual([res.status, res.digest], [status, digest]);
      }
      const bytes = [...msg].map((b) => Buffer.from([b]));
      assert.equal(readAll(bytes, close).result()?.digest, digest, 'byte by byte');
    }
  });

  it('says what is wrong: truncated body, bad status line, oversized headers', () => {
    assert.equal(readAll([withLength.subarray(0, withLength.length - 1)], true).error, 'truncated');
    assert.equal(readAll([Buffer.from('SSH-2.0-OpenSSH\r\n\r\n')], false).error, 'bad-status-line');
    assert.equal(readAll([Buffer.alloc(70000, 'a')], false).error, 'headers-too-large');
    assert.equal(
      readAll([Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')], false)
        .error,
      'bad-chunk',
    );
  });

  it('stops at the headers when no digest needs the body; caps a hashed body', () => {
    const r = new ResponseReader({ headOnly: true });
    assert.equal(r.push(Buffer.from('HTTP/1.1 204 No\r\nContent-Length: 999999\r\n\r\n')), true);
    assert.deepEqual([r.result()?.status, r.result()?.bodyBytes], [204, 0]);
    const big = new ResponseReader({ maxBodyBytes: 4 });
    big.push(Buffer.from('HTTP/1.0 200 OK\r\n\r\nhello'));
    assert.equal(big.error, 'body-too-large');
  });

  it('status_code: codes and ranges; default 200-299', () => {
    const m = statusMatcher(['200', '301-302']);
    assert.deepEqual([200, 201, 301, 302, 303].map(m), [true, false, true, true, false]);
    const d = statusMatcher(undefined);
    assert.deepEqual([199, 200, 299, 300].map(d), [false, true, true, false]);
  });

  it("sends keepalived's request: HTTP/1.0, KeepAliveClient, Host from virtualhost or address:port", () => {
    const t: Target = {
      host: '192.0.2.21',
      port: 8080,
      family: 4,
      bindTo: undefined,
      bindPort: undefined,
      timeoutMs: 1000,
    };
    const o = httpOptions('HTTP_GET', {
      url: [{ path: '/a' }, { path: '/b', virtualhost: 'b.example' }],
    });
    assert.equal(
      requestText(t, o, o.urls[0]!),
      'GET /a HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: 192.0.2.21:8080\r\n\r\n',
    );
    assert.equal(
      requestText(t, o, o.urls[1]!),
      'GET /b HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: b.example\r\n\r\n',
    );
    // Without one at the url or the checker: the real server's, else the virtual server's (Host);
    // SNI skips the real server's, as keepalived's check_ssl.c.
    const inherit = (server?: string, service?: string, own?: string) =>
      httpOptions('SSL_GET', own ? { virtualhost: own } : {}, undefined, { server, service });
    assert.deepEqual(
      [
        inherit('rs.example', 'vs.example'),
        inherit(undefined, 'vs.example'),
        inherit('rs.example', 'vs.example', 'c.example'),
      ].map((x) => [x.virtualhost, x.sniHost]),
      [
        ['rs.example', 'vs.example'],
        ['vs.example', 'vs.example'],
        ['c.example', 'c.example'],
      ],
    );
    assert.match(requestText(t, inherit('rs.example'), { ...o.urls[0]! }), /Host: rs\.example\r\n/);
    const o11 = httpOptions('SSL_GET', {
      http_protocol: '1.1',
      virtualhost: 'v.example',
      url: [{ path: '/' }],
    });
    assert.equal(o11.tls, true);
    assert.equal(
      requestText(
        { ...t, host: '2001:db8::1', family: 6 },
        { ...o11, virtualhost: undefined },
        o11.urls[0]!,
      ),
      'GET / HTTP/1.1\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: [2001:db8::1]:8080\r\n\r\n',
    );
    const digest = httpOptions('HTTP_GET', {
      url: [{ path: '/', digest: ['49F68A5C8493EC2C0BF489821C21FC3B'] }],
    });
    assert.deepEqual(
      digest.urls[0]!.digests,
      ['49f68a5c8493ec2c0bf489821c21fc3b'],
      'digests compare in lowercase',
    );
  });
});

describe('SMTP, UDP, MISC, FILE rules', () => {
  it('SMTP replies: single and multi-line, incomplete waits', () => {
    assert.deepEqual(takeReply('220 mail ESMTP\r\nrest'), { code: 220, rest: 'rest' });
    assert.deepEqual(takeReply('250-a\r\n250-b\r\n250 c\r\n'), { code: 250, rest: '' });
    assert.equal(takeReply('250-a\r\n250 c'), undefined);
    assert.equal(takeReply('garbage\r\n')?.code, 0);
  });

  it('UDP reply patterns: X matches any nibble; lengths bound the reply', () => {
    const o = udpOptions({
      payload: ['0102'],
      require_reply: ['0aXb'],
      min_reply_length: 2,
      max_reply_length: 4,
    });
    assert.deepEqual(o.payload, hex('0102'));
    assert.equal(replyMatches(hex('0a1b'), o), true);
    assert.equal(replyMatches(hex('0afb33'), o), true);
    assert.equal(replyMatches(hex('0b1b'), o), false);
    assert.equal(replyMatches(hex('0a'), o), false, 'shorter than min_reply_length');
    assert.equal(replyMatches(hex('0a1b000000'), o), false, 'longer than max_reply_length');
    const any = udpOptions({ require_reply: [] });
    assert.deepEqual(any.requireReply, []);
    assert.equal(replyMatches(hex('ff'), any), true);
    assert.equal(udpOptions({}).requireReply, undefined);
  });

  it('MISC exit statuses: 0 up, 1 down, 2..255 up with weight status-2 only with misc_dynamic', () => {
    assert.deepEqual(miscVerdict(0, false, 5), { ok: true, detail: 'exited with status 0' });
    assert.equal(miscVerdict(1, true, 5).ok, false);
    assert.deepEqual(miscVerdict(12, true, 5), {
      ok: true,
      detail: 'exited with status 12',
      weightDelta: 5,
    });
    assert.equal(miscVerdict(0, true, 5).weightDelta, 0, 'exit 0 restores the configured weight');
    assert.equal(
      miscVerdict(12, false, 5).ok,
      false,
      'without misc_dynamic any other status is down',
    );
    const m = miscOptions({ misc_path: ["/bin/check 'a b' c"], misc_dynamic: true }, 6);
    assert.deepEqual([m.argv, m.timeoutMs, m.dynamic], [['/bin/check', 'a b', 'c'], 6000, true]);
  });

  it('FILE_CHECK: value x weight, reverse, weight 0 means any non-zero value is down', () => {
    assert.deepEqual(fileVerdict(0, 0, false), { ok: true, detail: 'value 0', weightDelta: 0 });
    assert.equal(fileVerdict(3, 0, false).ok, false);
    assert.equal(fileVerdict(0, 0, true).ok, false, 'reverse: zero is down');
    assert.equal(fileVerdict(4, 5, false).weightDelta, 20);
    assert.equal(fileVerdict(4, 5, true).weightDelta, -20);
    assert.equal(fileVerdict(-70000, 1, false).ok, false, 'at IPVS_WEIGHT_FAULT it is down');
  });
});

describe('checker pipe protocol', () => {
  it('round trips, splits lines across chunks, refuses malformed messages', () => {
    const report = {
      service: '[192.0.2.10]:tcp:80',
      server: '[192.0.2.21]:tcp:80',
      up: false,
      detail: 'x',
      at: 5,
      weight: 2,
    };
    const text =
      encodeLine({ type: 'report', report }) + encodeLine({ type: 'ready', keys: ['k'] });
    const got: unknown[] = [];
    const s = new LineSplitter();
    for (const ch of text) s.push(ch, (l) => got.push(decodeFromChild(l)));
    assert.deepEqual(got, [
      { type: 'report', report },
      { type: 'ready', keys: ['k'] },
    ]);
    assert.equal(decodeFromChild('{"type":"report","report":{"service":1}}'), undefined);
    assert.equal(decodeFromChild('not json'), undefined);
    assert.deepEqual(decodeFromChild(encodeLine({ type: 'alive' }).trim()), { type: 'alive' });
    assert.equal(decodeFromChild('{"type":"ready","keys":[1]}'), undefined);
    assert.equal(decodeToChild('{"type":"setup"}'), undefined);
    const setup = {
      lvs: { virtualServers: [], groups: {} },
      trackFiles: {},
      scriptUser: undefined,
      scriptSecurity: false,
    };
    assert.deepEqual(decodeToChild(encodeLine({ type: 'setup', setup }).trim()), {
      type: 'setup',
      setup: { lvs: setup.lvs, trackFiles: {}, scriptSecurity: false },
    });
  });
});
