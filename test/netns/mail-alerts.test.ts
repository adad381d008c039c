/**
 * keepalived's e-mail alerts on the lab, the real executable against a small
 * SMTP server in another namespace: an instance with smtp_alert mails its
 * BACKUP and MASTER states, with keepalived's dialog (HELO, MAIL FROM, a RCPT
 * TO per recipient, DATA, QUIT), subject and body; one that does not alert
 * (smtp_alert false over the global one) sends nothing. A reload that removes
 * an instance with notify_deleted mails "Deleted"; SIGTERM mails "Stopping".
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { Appliance, until } from '../rigs/appliance';
import { Lab } from '../rigs/netns-lab';
import { sinkMessages, startSmtpSink } from '../rigs/smtp-sink';

describe('e-mail alerts', () => {
  let lab: Lab;
  after(async () => {
    await lab?.dispose();
  });

  it('mails each transition of an alerting instance, as keepalived', async () => {
    lab = await Lab.create({ hosts: ['lb', 'mail'] });
    const sink = await startSmtpSink(lab, 'mail');
    const conf = `global_defs {
    router_id LB1
    notification_email {
        ops@example.org
        noc@example.org
    }
    notification_email_from lb1@example.org
    smtp_server ${lab.host('mail').ipv4} 25
    smtp_helo_name lb1.example.org
    smtp_connect_timeout 5
    smtp_alert
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority 150
    advert_int 1
    notify_deleted
    virtual_ipaddress {
        192.0.2.100/24
    }
}
vrrp_instance VI_2 {
    state BACKUP
    interface eth0
    virtual_router_id 52
    priority 150
    advert_int 1
    smtp_alert false
    virtual_ipaddress {
        192.0.2.101/24
    }
}
`;
    const lb = new Appliance(lab, 'lb', conf);
    lb.start();
    await until(
      'two mails',
      20000,
      async () => sinkMessages(sink).length,
      (n) => n >= 2,
    );
    await new Promise((r) => setTimeout(r, 1500));
    const msgs = sinkMessages(sink);
    assert.equal(msgs.length, 2, 'VI_2 sends none');
    assert.match(msgs[0] ?? '', /^Subject: \[LB1\] VRRP Instance VI_1 - Entering BACKUP state$/m);
    assert.match(msgs[1] ?? '', /^Subject: \[LB1\] VRRP Instance VI_1 - Entering MASTER state$/m);
    assert.match(msgs[1] ?? '', /^=> VRRP Instance is now owning VRRP VIPs <=$/m);
    assert.match(msgs[1] ?? '', /^From: lb1@example\.org$/m);
    assert.match(msgs[1] ?? '', /^To: ops@example\.org, noc@example\.org$/m);
    assert.match(msgs[1] ?? '', /^X-Mailer: Keepalived$/m);
    const dialog = [...sink.output.matchAll(/^C: (.*)$/gm)].map((m) => m[1]).slice(0, 6);
    assert.deepEqual(dialog, [
      'HELO lb1.example.org',
      'MAIL FROM:<lb1@example.org>',
      'RCPT TO:<ops@example.org>',
      'RCPT TO:<noc@example.org>',
      'DATA',
      'QUIT',
    ]);
    assert.match(
      lb.proc!.output,
      /SMTP alert "\[LB1\] VRRP Instance VI_1 - Entering MASTER state" sent/,
    );

    // A reload without VI_1 (notify_deleted): "Deleted". VI_3 is new.
    const vi1 = conf.slice(conf.indexOf('vrrp_instance VI_1'), conf.indexOf('vrrp_instance VI_2'));
    const vi3 = vi1.replace(/VI_1/, 'VI_3').replace(/ 51\n/, ' 53\n').replace('.100/', '.103/');
    fs.writeFileSync(lb.conf, conf.replace(vi1, vi3));
    process.kill(lb.proc!.pid as number, 'SIGHUP');
    const subjects = (): string[] =>
      sinkMessages(sink).map((m) => /^Subject: (.*)$/m.exec(m)?.[1] ?? '');
    await until(
      "VI_1's removal and VI_3 MASTER mailed",
      20000,
      async () => subjects().length,
      (n) => n >= 5,
    );
    // One connection per mail: the three of the reload arrive in any order.
    assert.deepEqual(subjects().slice(2).sort(), [
      '[LB1] VRRP Instance VI_1 - Deleted',
      '[LB1] VRRP Instance VI_3 - Entering BACKUP state',
      '[LB1] VRRP Instance VI_3 - Entering MASTER state',
    ]);
    const deleted = sinkMessages(sink).find((m) => m.includes('VI_1 - Deleted')) ?? '';
    assert.match(deleted, /^=> VRRP Deleted at reload <=$/m);
    // SIGTERM: "Stopping", sent before the daemon exits.
    const exited = await lb.proc!.kill('SIGTERM', 10000);
    assert.equal(exited.code, 0);
    await until(
      'the Stopping mail at the sink',
      5000,
      async () => subjects().length,
      (n) => n >= 6,
    );
    const last = sinkMessages(sink).at(-1) ?? '';
    assert.match(last, /^Subject: \[LB1\] VRRP Instance VI_3 - Stopping$/m);
    assert.match(last, /^=> VRRP Instance stopping <=$/m);
    assert.equal(subjects().filter((x) => x.includes('VI_2')).length, 0);
  });

  it("mails a real server going down (its checker's body) and its virtual server losing quorum", async () => {
    const lab2 = await Lab.create({ hosts: ['lb', 'mail'] });
    try {
      const sink = await startSmtpSink(lab2, 'mail');
      const mailIp = lab2.host('mail').ipv4;
      const lb = new Appliance(
        lab2,
        'lb',
        `global_defs {
    router_id LB2
    notification_email {
        ops@example.org
    }
    smtp_server ${mailIp}
    smtp_alert_checker
}
virtual_server 192.0.2.200 80 {
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol TCP
    quorum 2
    real_server ${mailIp} 25 {
        TCP_CHECK {
            connect_timeout 2
        }
    }
    real_server ${mailIp} 26 {
        TCP_CHECK {
            connect_timeout 2
        }
    }
}
`,
      );
      lb.start();
      await until(
        'three mails',
        20000,
        async () => sinkMessages(sink).length,
        (n) => n >= 3,
      );
      await new Promise((r) => setTimeout(r, 2500));
      const msgs = sinkMessages(sink);
      assert.equal(msgs.length, 3, 'the server that stays up sends none');
      // keepalived starts the virtual server without quorum, then its servers are alive.
      assert.match(
        msgs[0] ?? '',
        /^Subject: \[LB2\] Virtualserver \[192\.0\.2\.200\]:tcp:80 - UP$/m,
      );
      assert.match(msgs[0] ?? '', /^=> Starting with quorum up 2\+0=2 <= 2 <=$/m);
      const rsMail = msgs.find((m) => /Realserver/.test(m)) ?? '';
      const vsMail = msgs.slice(1).find((m) => /Virtualserver/.test(m)) ?? '';
      assert.match(
        rsMail,
        new RegExp(
          `^Subject: \\[LB2\\] Realserver \\[${mailIp.replace(/\./g, '\\.')}\\]:tcp:26 of virtual server \\[192\\.0\\.2\\.200\\]:tcp:80 - DOWN$`,
          'm',
        ),
      );
      assert.match(rsMail, /^=> TCP CHECK failed on service <=$/m);
      // One of its two servers down: weight 1 under quorum 2.
      assert.match(vsMail, /^Subject: \[LB2\] Virtualserver \[192\.0\.2\.200\]:tcp:80 - DOWN$/m);
      assert.match(vsMail, /^=> Lost quorum 2\+0=2 <= 1 <=$/m);
    } finally {
      await lab2.dispose();
    }
  });
});
