/**
 * The health checkers against real servers in a lab: the checker process
 * (the real `halb checkers` child under its supervisor) in one namespace,
 * small HTTP, HTTPS (SNI, a certificate openssl makes now), TCP, SMTP, DNS
 * and UDP servers in another, ICMP to a third, over IPv4 and IPv6 (HTTP with
 * status, digest, virtualhost and url regex). Every
 * checker says up; the servers stop and each checker says down after its
 * retry, with keepalived's lines; they start again and come back.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { CheckerSupervisor } from '../../src/checkers/supervisor';
import type { Logger } from '../../src/core/log';
import { healthKey } from '../../src/lvs/health';
import { setupFromText, until } from '../rigs/checker-setup';
import { mustRun } from '../rigs/exec';
import { Lab } from '../rigs/netns-lab';
import type { Proc } from '../rigs/process';
import { TOY_DIGEST } from '../rigs/toy-servers';

const MAIN = path.resolve(__dirname, '../../src/cli/main.js');
const TOYS = path.resolve(__dirname, '../rigs/toy-servers.js');
const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {}, detail: () => {} };

function config(web: string, web6: string, pinged: string, pinged6: string, lb: string): string {
  const timing = `  delay_loop 1
  retry 1
  delay_before_retry 1
  connect_timeout 1
  warmup 0`;
  return `virtual_server 192.0.2.100 80 {
${timing}
  real_server ${web} 80 {
    HTTP_GET {
      url {
        path /
        digest ${TOY_DIGEST}
        status_code 200
      }
      url {
        path /vhost
        virtualhost web.example
      }
    }
  }
  real_server ${web} 443 {
    SSL_GET {
      virtualhost web.example
      enable_sni
      url {
        path /
        digest ${TOY_DIGEST}
        status_code 200-299
      }
    }
  }
  real_server ${web} 8080 {
    TCP_CHECK {
      bindto ${lb}
      bind_port 40001
    }
  }
  real_server ${web} 25 {
    SMTP_CHECK {
      helo_name lb.example
      bindto ${lb}
      bind_port 40002
    }
  }
  real_server ${web} 81 {
    alpha
    HTTP_GET {
      connect_port 80
      url {
        path /missing
      }
    }
  }
  real_server ${web} 82 {
    alpha
    HTTP_GET {
      connect_port 80
      url {
        path /vhost
      }
    }
  }
  real_server ${web} 83 {
    HTTP_GET {
      connect_port 80
      url {
        path /
        regex "^hello w.rld$"
        regex_options caseless
      }
    }
  }
  real_server ${web} 84 {
    alpha
    HTTP_GET {
      connect_port 80
      url {
        path /
        regex "goodbye"
      }
    }
  }
  real_server ${web} 85 {
    alpha
    HTTP_GET {
      connect_port 80
      url {
        path /
        regex "world"
        regex_no_match
      }
    }
  }
  real_server ${web} 86 {
    alpha
    HTTP_GET {
      connect_port 80
      url {
        path /
        regex "world"
        regex_max_offset 3
      }
    }
  }
  real_server ${pinged} 80 {
    PING_CHECK {
    }
  }
  real_server ${pinged} 81 {
    PING_CHECK {
      bindto ${lb}
    }
  }
  real_server ${pinged} 82 {
    alpha
    PING_CHECK {
      bindto 203.0.113.99
    }
  }
}
virtual_server 192.0.2.100 53 {
  protocol UDP
${timing}
  real_server ${web} 53 {
    DNS_CHECK {
      type A
      name example.org
      retry 1
    }
  }
  real_server ${web} 7 {
    UDP_CHECK {
      payload 68656c6c6f
      require_reply 68XX6c
    }
  }
  real_server ${web} 9 {
    UDP_CHECK {
      payload 00
    }
  }
  real_server ${web} 54 {
    alpha
    DNS_CHECK {
      connect_port 53
      name nx.example
    }
  }
}
virtual_server 2001:db8::100 80 {
${timing}
  real_server ${web6} 8080 {
    TCP_CHECK {
    }
  }
  real_server ${pinged6} 80 {
    PING_CHECK {
    }
  }
}
`;
}

describe('health checkers against real servers', () => {
  it('each checker reports up, down after its retry when the server stops, up when it is back', async () => {
    const lab = await Lab.create({ hosts: ['lb', 'web', 'pinged'] });
    const lines: string[] = [];
    const web = lab.host('web');
    const pinged = lab.host('pinged');
    const sup = new CheckerSupervisor({
      entry: ['ip', 'netns', 'exec', lab.host('lb').ns, process.execPath, MAIN],
      log: quiet,
      childLog: (l) => lines.push(l),
    });
    const servers = new Map<string, Proc>();
    const cert = path.join(lab.dir, 'cert.pem');
    const key = path.join(lab.dir, 'key.pem');
    const toys: Array<[string, string[]]> = [
      ['http', ['http', web.ipv4, '80']],
      ['https', ['https', web.ipv4, '443', cert, key, 'web.example']],
      ['tcp', ['tcp', '::', '8080']],
      ['smtp', ['smtp', web.ipv4, '25']],
      ['dns', ['dns', web.ipv4, '53']],
      ['udp', ['udp', web.ipv4, '7']],
      ['discard', ['udp', web.ipv4, '9']],
    ];
    const startToys = async (): Promise<void> => {
      for (const [name, args] of toys) {
        const p = lab.spawn('web', [process.execPath, TOYS, ...args]);
        servers.set(name, p);
        await p.waitFor('listening', 10000, `the ${name} server`);
      }
    };
    const v4 = (port: number, proto = 'tcp') => `[${web.ipv4}]:${proto}:${port}`;
    const k = (vs: string, rs: string) => healthKey(vs, rs);
    const VS80 = '[192.0.2.100]:tcp:80';
    const VS53 = '[192.0.2.100]:udp:53';
    const VS6 = '[2001:db8::100]:tcp:80';
    const checked = [
      k(VS80, v4(80)),
      k(VS80, v4(443)),
      k(VS80, v4(8080)),
      k(VS80, v4(25)),
      k(VS80, v4(83)),
      k(VS80, `[${pinged.ipv4}]:tcp:80`),
      k(VS80, `[${pinged.ipv4}]:tcp:81`),
      k(VS53, v4(53, 'udp')),
      k(VS53, v4(7, 'udp')),
      k(VS53, v4(9, 'udp')),
      k(VS6, `[${web.ipv6}]:tcp:8080`),
      k(VS6, `[${pinged.ipv6}]:tcp:80`),
    ];
    const missing = k(VS80, v4(81));
    const noVhost = k(VS80, v4(82));
    const nxdomain = k(VS53, v4(54, 'udp'));
    const regexMisses = [
      [k(VS80, v4(84)), "regex 'goodbye' did not match on url /"],
      [k(VS80, v4(85)), "regex 'world' matched on url /"],
      [k(VS80, v4(86)), "regex 'world' did not match on url /"],
    ] as const;
    const state = () => checked.map((key) => sup.table.get(key)?.up);
    const detail = () => checked.map((key) => `${key}: ${sup.table.get(key)?.detail}`).join('\n');
    try {
      await mustRun([
        'openssl',
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=web.example',
      ]);
      // UDP_CHECK without require_reply counts on port unreachables: no rate limit here.
      await lab.exec('web', [
        'sysctl',
        '-qw',
        'net.ipv4.icmp_ratelimit=0',
        'net.ipv6.icmp.ratelimit=0',
      ]);
      await startToys();
      sup.start(
        setupFromText(config(web.ipv4, web.ipv6, pinged.ipv4, pinged.ipv6, lab.host('lb').ipv4)),
      );
      await until('every checker up after a success', () =>
        checked.every(
          (c) => sup.table.get(c)?.up === true && sup.table.get(c)?.detail !== 'not checked yet',
        ),
      ).catch((e: Error) => assert.fail(`${e.message}\n${detail()}\n${lines.join('\n')}`));
      for (const l of [
        `Remote Web server ${v4(80)} succeed on service.`,
        `Remote Web server ${v4(443)} succeed on service.`,
        `TCP connection to ${v4(8080)} success.`,
        `Remote SMTP server ${v4(25)} succeed on service.`,
        `UDP connection to ${v4(7, 'udp')} success.`,
        `ICMP connection to [${pinged.ipv4}]:tcp:80 success.`,
        `TCP connection to [${web.ipv6}]:tcp:8080 success.`,
      ])
        assert.ok(
          lines.some((x) => x.endsWith(l)),
          `logged: ${l}`,
        );
      const lb = lab.host('lb').ipv4;
      assert.match(
        servers.get('tcp')?.output ?? '',
        new RegExp(`peer ${lb} 40001\n`),
        'TCP_CHECK bindto / bind_port',
      );
      assert.match(
        servers.get('smtp')?.output ?? '',
        new RegExp(`peer ${lb} 40002\n`),
        'SMTP_CHECK bindto / bind_port',
      );
      // PING_CHECK bindto: from the box's own address it works; from one it lacks it cannot.
      const unbound = sup.table.get(k(VS80, `[${pinged.ipv4}]:tcp:82`));
      assert.equal(unbound?.up, false);
      assert.match(unbound?.detail ?? '', /cannot bind to 203\.0\.113\.99/);
      const miss = sup.table.get(missing);
      assert.deepEqual(
        [miss?.up, miss?.detail],
        [false, 'HTTP status 404 on url /missing'],
        'alpha and a 404 keep it out',
      );
      await until('the checks that must fail have run', () =>
        [noVhost, nxdomain, ...regexMisses.map(([x]) => x)].every(
          (x) => sup.table.get(x)?.detail !== 'not checked yet',
        ),
      );
      for (const [key, why] of regexMisses)
        assert.deepEqual([sup.table.get(key)?.up, sup.table.get(key)?.detail], [false, why], key);
      assert.deepEqual(
        [sup.table.get(noVhost)?.up, sup.table.get(noVhost)?.detail],
        [false, 'HTTP status 421 on url /vhost'],
        'without virtualhost the Host header is address:port',
      );
      assert.deepEqual(
        [sup.table.get(nxdomain)?.up, sup.table.get(nxdomain)?.detail],
        [false, 'read error occurred. (rcode = 3)'],
      );

      lines.length = 0;
      for (const p of servers.values()) await p.kill('SIGTERM');
      await lab.partition('pinged'); // off the LAN, its addresses kept
      await until('every checker down', () => state().every((u) => u === false)).catch((e: Error) =>
        assert.fail(`${e.message}\n${detail()}\n${lines.join('\n')}`),
      );
      for (const l of [
        `HTTP_CHECK on service ${v4(80)} failed after 1 retries.`,
        `SSL_CHECK on service ${v4(443)} failed after 1 retries.`,
        `TCP_CHECK on service ${v4(8080)} failed after 1 retries.`,
        `SMTP_CHECK on service ${v4(25)} failed after 1 retries.`,
        `UDP_CHECK on service ${v4(7, 'udp')} failed after 1 retries.`,
        `UDP_CHECK on service ${v4(9, 'udp')} failed after 1 retries.`,
        `ICMP CHECK on service [${pinged.ipv4}]:tcp:80 failed after 1 retries.`,
        `Removing service ${v4(8080)} from VS ${VS80}`,
        `Removing service [${web.ipv6}]:tcp:8080 from VS ${VS6}`,
      ])
        assert.ok(
          lines.some((x) => x.endsWith(l)),
          `logged: ${l}\n${lines.join('\n')}`,
        );
      assert.ok(
        lines.some(
          (x) => x.includes(`DNS_CHECK (${v4(53, 'udp')})`) && x.endsWith('after 1 retries'),
        ),
      );
      const retried = lines.filter((x) => /failed after 1 retries\.$/.test(x)).length;
      assert.ok(retried >= 6, 'each down came after a retry');
      assert.equal(sup.table.get(k(VS80, v4(8080)))?.detail, 'ECONNREFUSED', 'the probe says why');

      lines.length = 0;
      await lab.heal('pinged');
      await startToys();
      await until('every checker up again', () => state().every((u) => u === true)).catch(
        (e: Error) => assert.fail(`${e.message}\n${detail()}\n${lines.join('\n')}`),
      );
      assert.ok(lines.some((x) => x.endsWith(`Adding service ${v4(80)} to VS ${VS80}`)));
      assert.equal(sup.table.get(missing)?.up, false, 'the 404 url still keeps its server out');
      assert.equal(sup.restarts, 0, 'the checker process never died');
    } finally {
      await sup.dispose();
      await lab.dispose();
    }
  });
});
