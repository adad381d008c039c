/**
 * The IPVS generic netlink codec against bytes written out from the kernel's
 * include/uapi/linux/ip_vs.h and ip_vs_ctl.c (attribute numbers, widths, byte
 * orders), both ways, plus decode(encode(x)) = x on random services and
 * destinations.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { decodeDaemon, decodeDest, decodeService, decodeTimeouts } from '../../src/ipvs/decode';
import { encode } from '../../src/ipvs/encode';
import { parseAttrs, AttrDecodeError, AttrWriter } from '../../src/platform/netlink-attrs';
import { opErrorMessage } from '../../src/ipvs/ops';
import { frameBatch } from '../../src/ipvs/batch';
import { SCHEDULERS, type IpvsDest, type IpvsService } from '../../src/ipvs/types';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+|\/\/[^\n]*/g, ''), 'hex');

describe('ipvs codec: requests', () => {
  it('NEW_SERVICE 192.0.2.10:80 TCP wlc: the bytes ip_vs.h calls for', () => {
    const s: IpvsService = {
      family: 4,
      protocol: 'TCP',
      address: '192.0.2.10',
      port: 80,
      scheduler: 'wlc',
      flags: {},
    };
    const want = hex(`
      01 01 0000                       // genl: IPVS_CMD_NEW_SERVICE, version 1
      5400 0100                        // IPVS_CMD_ATTR_SERVICE, 84 bytes
        0600 0100 0200 0000            //   AF = AF_INET (u16)
        0600 0200 0600 0000            //   PROTOCOL = 6 (u16)
        1400 0300 c000020a 00000000 00000000 00000000 // ADDR, 16 bytes
        0600 0400 0050 0000            //   PORT = 80, big-endian
        0800 0600 776c6300             //   SCHED_NAME "wlc\\0"
        0c00 0700 00000000 ffffffff    //   FLAGS {flags 0, mask ~0}
        0800 0800 00000000             //   TIMEOUT 0
        0800 0900 ffffffff             //   NETMASK 255.255.255.255
    `);
    assert.equal(encode.newService(s).toString('hex'), want.toString('hex'));
  });

  it('NEW_DEST on fwmark 5: TUN over GUE port 6080 with checksum, weight 3', () => {
    const d: IpvsDest = {
      family: 4,
      address: '192.0.2.21',
      port: 80,
      forwarding: 'TUN',
      weight: 3,
      upperThreshold: 0,
      lowerThreshold: 0,
      tunnel: { type: 'gue', port: 6080, checksum: 'csum' },
    };
    const want = hex(`
      05 01 0000                       // IPVS_CMD_NEW_DEST
      1400 0100                        // IPVS_CMD_ATTR_SERVICE
        0600 0100 0200 0000            //   AF_INET
        0800 0500 05000000             //   FWMARK 5 (u32)
      6000 0200                        // IPVS_CMD_ATTR_DEST, 96 bytes
        0600 0b00 0200 0000            //   ADDR_FAMILY AF_INET
        1400 0100 c0000215 00000000 00000000 00000000
        0600 0200 0050 0000            //   PORT 80 big-endian
        0800 0300 02000000             //   FWD_METHOD IP_VS_CONN_F_TUNNEL
        0800 0400 03000000             //   WEIGHT 3
        0500 0d00 01 000000            //   TUN_TYPE GUE (u8)
        0600 0e00 17c0 0000            //   TUN_PORT 6080 big-endian
        0600 0f00 0100 0000            //   TUN_FLAGS CSUM (u16)
        0800 0500 00000000             //   U_THRESH
        0800 0600 00000000             //   L_THRESH
    `);
    assert.equal(encode.newDest({ family: 4, fwmark: 5 }, d).toString('hex'), want.toString('hex'));
  });

  it('an IPv6 persistence netmask is a prefix length, an IPv4 one a big-endian mask', () => {
    const base = {
      protocol: 'TCP' as const,
      port: 443,
      scheduler: 'sh',
      flags: { fallback: true, port: true },
    };
    const v6 = encode.newService({
      ...base,
      family: 6,
      address: '2001:db8::1',
      persistence: { timeoutS: 300, netmaskBits: 64 },
    });
    const a6 = parseAttrs(parseAttrs(v6.subarray(4)).get(1)!);
    assert.equal(a6.get(9)!.toString('hex'), '40000000');
    assert.equal(a6.get(7)!.toString('hex'), '19000000ffffffff'); // PERSISTENT|SCHED1|SCHED2
    const v4 = encode.newService({
      ...base,
      family: 4,
      address: '192.0.2.1',
      persistence: { timeoutS: 300, netmaskBits: 24, engine: 'sip' },
    });
    const a4 = parseAttrs(parseAttrs(v4.subarray(4)).get(1)!);
    assert.equal(a4.get(9)!.toString('hex'), 'ffffff00');
    assert.equal(a4.get(11)!.toString('utf8'), 'sip\0');
    assert.equal(a4.get(8)!.readUInt32LE(0), 300);
  });

  it('timeouts and the sync daemon', () => {
    assert.equal(
      encode.setTimeouts({ tcpS: 900, tcpFinS: 120, udpS: 300 }).toString('hex'),
      hex('0c010000 08000400 84030000 08000500 78000000 08000600 2c010000').toString('hex'),
    );
    assert.equal(
      encode.newDaemon({ state: 'master', interface: 'eth0', syncId: 7 }).toString('hex'),
      hex(
        `09010000 2000 0300 08000100 01000000 09000200 65746830 00000000 08000300 07000000`,
      ).toString('hex'),
    );
  });
});

describe('ipvs codec: replies', () => {
  it('a destination as the kernel sends it: nested flags set, 32- and 64-bit stats, IPv6', () => {
    const reply = hex(`
      d800 0280                          // IPVS_CMD_ATTR_DEST | NLA_F_NESTED, 216 bytes
        1400 0100 20010db8 00000000 00000000 00000002 // ADDR 2001:db8::2
        0600 0200 1f90 0000              // PORT 8080
        0800 0300 03000000               // FWD_METHOD DROUTE
        0800 0400 05000000               // WEIGHT 5
        0500 0d00 00 000000              // TUN_TYPE (ipip, unused for DR)
        0600 0e00 0000 0000              // TUN_PORT
        0600 0f00 0000 0000              // TUN_FLAGS
        0800 0500 64000000               // U_THRESH 100
        0800 0600 0a000000               // L_THRESH 10
        0800 0700 02000000               // ACTIVE_CONNS 2
        0800 0800 01000000               // INACT_CONNS 1
        0800 0900 00000000               // PERSIST_CONNS 0
        0600 0b00 0a00 0000              // ADDR_FAMILY AF_INET6
        4400 0a80                        // STATS | NESTED, 68 bytes
          0800 0100 03000000             //   CONNS 3
          0800 0200 0a000000             //   INPKTS 10
          0800 0300 08000000             //   OUTPKTS 8
          0c00 0400 e803000000000000     //   INBYTES 1000 (u64)
          0c00 0500 d007000000000000     //   OUTBYTES 2000
          0800 0600 00000000             //   CPS
          0800 0700 00000000             //   INPPS
        1c00 0c80                        // STATS64 | NESTED
          0c00 0100 0400000000000000     //   CONNS 4 (u64: STATS64 wins)
          0c00 0400 0100000001000000     //   INBYTES 2^32 + 1
    `);
    const d = decodeDest(reply, 6);
    assert.deepEqual(
      { ...d, stats: undefined },
      {
        family: 6,
        address: '2001:db8::2',
        port: 8080,
        forwarding: 'DR',
        weight: 5,
        upperThreshold: 100,
        lowerThreshold: 10,
        activeConns: 2,
        inactiveConns: 1,
        persistentConns: 0,
        stats: undefined,
      },
    );
    assert.equal(d.stats?.conns, 4);
    assert.equal(d.stats?.inbytes, 2 ** 32 + 1);
  });

  it('a service reply: HASHED is not a setting; no PERSISTENT flag means no persistence', () => {
    const reply = hex(`
      4400 0180                          // IPVS_CMD_ATTR_SERVICE | NESTED, 68 bytes
        0600 0100 0200 0000
        0800 0500 07000000               // FWMARK 7
        0800 0600 72720000               // "rr"
        0c00 0700 02000000 ffffffff      // HASHED
        0800 0800 00000000
        0800 0900 ffffffff
        0c00 0a80 0800 0100 09000000     // STATS: CONNS 9
    `);
    assert.deepEqual(decodeService(reply), {
      family: 4,
      fwmark: 7,
      scheduler: 'rr',
      flags: {},
      stats: {
        conns: 9,
        inpkts: 0,
        outpkts: 0,
        inbytes: 0,
        outbytes: 0,
        cps: 0,
        inpps: 0,
        outpps: 0,
        inbps: 0,
        outbps: 0,
      },
    });
  });

  it('truncated attributes are an error, not garbage', () => {
    assert.throws(() => decodeService(hex('4c000180 06000100')), AttrDecodeError);
  });

  it('timeouts and daemons decode', () => {
    assert.deepEqual(decodeTimeouts(hex('08000400 84030000 08000500 78000000 08000600 2c010000')), {
      tcpS: 900,
      tcpFinS: 120,
      udpS: 300,
    });
    assert.deepEqual(
      decodeDaemon(
        encode
          .newDaemon({ state: 'backup', interface: 'eth1', syncId: 3, port: 8848, ttl: 2 })
          .subarray(4),
      ),
      {
        state: 'backup',
        interface: 'eth1',
        syncId: 3,
        port: 8848,
        ttl: 2,
      },
    );
  });
});

// --- random round trips
let seed = 42;
const rnd = (n: number): number => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};
const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)] as T;
const v4 = (): string => `${rnd(224) + 1}.${rnd(256)}.${rnd(256)}.${rnd(256)}`;
const v6 = (): string => `2001:db8:${rnd(0xffff).toString(16)}::${(rnd(0xfffe) + 1).toString(16)}`;

function randomService(): IpvsService {
  const family = pick([4, 6] as const);
  const persistent = rnd(2) === 1;
  const common = {
    family,
    scheduler: pick(SCHEDULERS),
    flags: {
      ...(rnd(2) ? { onePacket: true } : {}),
      ...(rnd(2) ? { fallback: true } : {}),
      ...(rnd(2) ? { port: true } : {}),
    },
    ...(persistent
      ? {
          persistence: {
            timeoutS: rnd(2678400) + 1,
            netmaskBits: rnd(family === 6 ? 129 : 33),
            ...(rnd(2) ? { engine: 'sip' } : {}),
          },
        }
      : {}),
  };
  return rnd(3) === 0
    ? { ...common, fwmark: rnd(0xfffffffe) + 1 }
    : {
        ...common,
        protocol: pick(['TCP', 'UDP', 'SCTP'] as const),
        address: family === 6 ? v6() : v4(),
        port: rnd(65536),
      };
}

function randomDest(): IpvsDest {
  const family = pick([4, 6] as const);
  const forwarding = pick(['NAT', 'DR', 'TUN'] as const);
  const type = pick(['ipip', 'gue', 'gre'] as const);
  return {
    family,
    address: family === 6 ? v6() : v4(),
    port: rnd(65536),
    forwarding,
    weight: rnd(65536),
    upperThreshold: rnd(1000),
    lowerThreshold: rnd(1000),
    ...(forwarding === 'TUN'
      ? {
          tunnel: {
            type,
            ...(type === 'gue' ? { port: rnd(65536) } : {}),
            checksum: pick(['nocsum', 'csum', 'remcsum'] as const),
          },
        }
      : {}),
  };
}

describe('ipvs codec: decode(encode(x)) = x', () => {
  it('500 random services', () => {
    for (let i = 0; i < 500; i++) {
      const s = randomService();
      assert.deepEqual(decodeService(encode.newService(s).subarray(4)), s);
    }
  });
  it('500 random destinations', () => {
    for (let i = 0; i < 500; i++) {
      const d = randomDest();
      const back = decodeDest(encode.newDest({ family: 4, fwmark: 1 }, d).subarray(4), 4);
      assert.deepEqual(back, { ...d, activeConns: 0, inactiveConns: 0, persistentConns: 0 });
    }
  });
});

describe('ipvs errors', () => {
  it('name the service, the real server and the errno', () => {
    const service: IpvsService = {
      family: 4,
      protocol: 'TCP',
      address: '192.0.2.10',
      port: 80,
      scheduler: 'foo',
      flags: {},
    };
    assert.equal(
      opErrorMessage({ op: 'add-service', service }, 2),
      "virtual server 192.0.2.10:80 (TCP): cannot add: scheduler 'foo' not available (ENOENT)",
    );
    assert.equal(
      opErrorMessage({ op: 'add-service', service }, 17),
      'virtual server 192.0.2.10:80 (TCP): cannot add: already exists (EEXIST)',
    );
    const dest = randomDest();
    assert.match(
      opErrorMessage(
        {
          op: 'edit-dest',
          service: { family: 6, fwmark: 3 },
          dest: { ...dest, family: 6, address: '2001:db8::5', port: 443 },
        },
        2,
      ),
      /^virtual server fwmark 3 \(IPv6\): real server \[2001:db8::5\]:443: cannot edit: no such real server \(ENOENT\)$/,
    );
  });
});

describe('ipvs batches', () => {
  it('frames requests back to back; only the last one asks for an ack', () => {
    const a = encode.delService({ family: 4, fwmark: 1 });
    const b = encode.getInfo();
    const got = frameBatch(0x1a, [a, b], (w, p) => w.raw(p), 0x40000000);
    const want = Buffer.concat([
      hex('28000000 1a00 0100 00000040 00000000'), // len 16 + 24, family 0x1a, REQUEST, seq, port 0
      a,
      hex('14000000 1a00 0500 01000040 00000000'), // len 20, REQUEST|ACK, seq + 1
      b,
    ]);
    assert.equal(got.toString('hex'), want.toString('hex'));
  });
});

describe('ipvs attribute writer', () => {
  it('grows its buffer mid-request without losing what was written', () => {
    const w = AttrWriter.request(9, 1, 6);
    const n = w.nest(1);
    w.u8(1, 0xaa).u16(2, 0xbbcc).be16(3, 0x0102).u32(4, 0xdeadbeef).cstr(5, 'eth0');
    w.bytes(6, Buffer.from([1, 2, 3]), 16).end(n);
    assert.equal(
      w.finish().toString('hex'),
      hex(`09010000 4400 0100
        0500 0100 aa000000  0600 0200 ccbb0000  0600 0300 0102 0000  0800 0400 efbeadde
        0900 0500 65746830 00000000  1400 0600 010203 00000000 00000000 00000000 00`).toString(
        'hex',
      ),
    );
  });
});
