import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SyncGroupConfig, VrrpInstanceConfig } from '../../src/config/vrrp-config';
import {
  alertsOn,
  checkerAlertsOn,
  checkerBody,
  dataText,
  mailSettings,
  quorumAlert,
  realServerAlert,
  rfc822,
  smtpPort,
  vrrpAlert,
} from '../../src/mail/alerts';
import { replyCode } from '../../src/mail/smtp';
import { MailAlerts } from '../../src/vrrp/mail-alerts';

const G = {
  notification_email: [['ops@example.org'], ['noc@example.org']],
  notification_email_from: 'lb1@example.org',
  smtp_server: ['192.0.2.25'],
  router_id: 'LB1',
};

describe('mail alerts', () => {
  it('settings: none without recipients or server; keepalived defaults otherwise', () => {
    assert.equal(mailSettings({ smtp_server: ['192.0.2.25'] }, 'box', 'root'), undefined);
    assert.equal(mailSettings({ notification_email: [['a@b']] }, 'box', 'root'), undefined);
    assert.deepEqual(
      mailSettings(
        { notification_email: [['a@b']], smtp_server: ['192.0.2.25', '2525'] },
        'box',
        'root',
      ),
      {
        host: '192.0.2.25',
        port: 2525,
        to: ['a@b'],
        from: 'root@box',
        helo: 'box',
        routerId: 'box',
        timeoutMs: 30000,
        noFaults: false,
      },
    );
  });

  it('smtp_server: a port that is no port means no mail (keepalived: invalid smtp server)', () => {
    assert.equal(smtpPort(undefined), 25);
    assert.equal(smtpPort('2525'), 2525);
    for (const bad of ['abc', '0', '70000', '25x']) assert.equal(smtpPort(bad), undefined, bad);
    assert.equal(
      mailSettings(
        { notification_email: [['a@b']], smtp_server: ['192.0.2.25', 'abc'] },
        'box',
        'root',
      ),
      undefined,
    );
  });

  it("smtp_alert: the block's own, else smtp_alert_vrrp, else smtp_alert", () => {
    assert.equal(alertsOn({}, {}), false);
    assert.equal(alertsOn({}, { smtp_alert: true }), true);
    assert.equal(alertsOn({}, { smtp_alert: true, smtp_alert_vrrp: false }), false);
    assert.equal(alertsOn({ smtp_alert: true }, { smtp_alert_vrrp: false }), true);
    assert.equal(alertsOn({ smtp_alert: false }, { smtp_alert: true }), false);
  });

  it("the message: keepalived's subject, body and headers", () => {
    const s = mailSettings(G, 'box', 'root')!;
    const a = vrrpAlert(s, 'instance', 'VI_1', 'master');
    assert.equal(a.subject, '[LB1] VRRP Instance VI_1 - Entering MASTER state');
    assert.equal(a.body, '=> VRRP Instance is now owning VRRP VIPs <=');
    assert.equal(
      vrrpAlert(s, 'group', 'G1', 'fault').body,
      '=> All VRRP group instances are now in FAULT state <=',
    );
    const d = new Date(2026, 11, 6, 9, 5, 3);
    assert.match(rfc822(d), /^Sun, 06 Dec 2026 09:05:03 [+-]\d{4}$/);
    assert.equal(
      dataText(s, a, d),
      `Date: ${rfc822(d)}\r\nFrom: lb1@example.org\r\n` +
        'Subject: [LB1] VRRP Instance VI_1 - Entering MASTER state\r\n' +
        'X-Mailer: Keepalived\r\nTo: ops@example.org, noc@example.org\r\n\r\n' +
        '=> VRRP Instance is now owning VRRP VIPs <=\r\n\r\n.\r\n',
    );
  });

  it('SMTP replies: the code once the last line of a reply is in', () => {
    assert.equal(replyCode('220 mail ready'), undefined);
    assert.equal(replyCode('220 mail ready\r\n'), 220);
    assert.equal(replyCode('250-mail\r\n250-SIZE 1\r\n'), undefined);
    assert.equal(replyCode('250-mail\r\n250 HELP\r\n'), 250);
  });

  it('one mail per state change; FAULT not with no_email_faults; a group when all agree', () => {
    const sent: string[] = [];
    let s = mailSettings(G, 'box', 'root');
    const alerts = new MailAlerts(
      () => s,
      { info: () => undefined, error: () => undefined },
      (_s, a) => sent.push(a.subject),
    );
    const ic = { name: 'VI_1', smtpAlert: true } as VrrpInstanceConfig;
    alerts.instanceMoved(ic, 'backup');
    alerts.instanceMoved(ic, 'backup');
    alerts.instanceMoved(ic, 'master');
    alerts.instanceMoved({ name: 'VI_2', smtpAlert: false } as VrrpInstanceConfig, 'master');
    const g = {
      name: 'G',
      members: ['VI_1', 'VI_3'],
      smtpAlert: true,
    } as unknown as SyncGroupConfig;
    alerts.groupMoved(g, ['master', 'backup']);
    alerts.groupMoved(g, ['master']);
    alerts.groupMoved(g, ['master', 'master']);
    s = mailSettings({ ...G, no_email_faults: true }, 'box', 'root');
    alerts.instanceMoved(ic, 'fault');
    assert.deepEqual(sent, [
      '[LB1] VRRP Instance VI_1 - Entering BACKUP state',
      '[LB1] VRRP Instance VI_1 - Entering MASTER state',
      '[LB1] VRRP Group G - Entering MASTER state',
    ]);
  });

  it('at shutdown "Stopping" for each instance and group; a removed instance "Deleted" or FAULT', async () => {
    const sent: string[] = [];
    const bodies: string[] = [];
    const alerts = new MailAlerts(
      () => mailSettings(G, 'box', 'root'),
      { info: () => undefined, error: () => undefined },
      async (_s, a) => {
        sent.push(a.subject);
        bodies.push(a.body);
        return true;
      },
    );
    const vi = (name: string, more: object = {}): VrrpInstanceConfig =>
      ({ name, smtpAlert: true, notifyDeleted: false, ...more }) as VrrpInstanceConfig;
    alerts.instanceRemoved(vi('OLD', { notifyDeleted: true }));
    alerts.instanceRemoved(vi('OLDER'));
    alerts.instanceMoved(vi('FAULTY'), 'fault');
    alerts.instanceRemoved(vi('FAULTY'));
    const g = { name: 'G', members: ['VI_1'], smtpAlert: true } as unknown as SyncGroupConfig;
    await alerts.stopping([vi('VI_1'), vi('QUIET', { smtpAlert: false })], [g]);
    assert.deepEqual(sent, [
      '[LB1] VRRP Instance OLD - Deleted',
      '[LB1] VRRP Instance OLDER - Entering FAULT state',
      '[LB1] VRRP Instance FAULTY - Entering FAULT state',
      '[LB1] VRRP Instance VI_1 - Stopping',
      '[LB1] VRRP Group G - Stopping',
    ]);
    assert.deepEqual(bodies.slice(0, 1).concat(bodies.slice(3)), [
      '=> VRRP Deleted at reload <=',
      '=> VRRP Instance stopping <=',
      '=> All VRRP group instances are now stopping <=',
    ]);
  });

  it('a stopping daemon waits for its mails, but not for a server that does not answer', async () => {
    let answered = false;
    const slow = new MailAlerts(
      () => mailSettings(G, 'box', 'root'),
      { info: () => undefined, error: () => undefined },
      () =>
        new Promise((resolve) =>
          setTimeout(() => {
            answered = true;
            resolve(true);
          }, 20),
        ),
    );
    const vi = { name: 'VI_1', smtpAlert: true } as VrrpInstanceConfig;
    await slow.stopping([vi], [], 5000);
    assert.equal(answered, true, 'waited for the mail');
    const hung = new MailAlerts(
      () => mailSettings(G, 'box', 'root'),
      { info: () => undefined, error: () => undefined },
      () => new Promise(() => undefined),
    );
    const t0 = Date.now();
    await hung.stopping([vi], [], 50);
    assert.ok(Date.now() - t0 < 2000, 'gave up after its bound');
  });
});

describe('mail alerts: checkers', () => {
  it("a real server's and a virtual server's messages, as keepalived's ipwrapper.c", () => {
    const s = mailSettings(G, 'box', 'root')!;
    assert.deepEqual(
      realServerAlert(
        s,
        '[192.0.2.21]:tcp:80',
        '[192.0.2.100]:tcp:80',
        false,
        checkerBody('TCP_CHECK', false)!,
      ),
      {
        subject:
          '[LB1] Realserver [192.0.2.21]:tcp:80 of virtual server [192.0.2.100]:tcp:80 - DOWN',
        body: '=> TCP CHECK failed on service <=',
      },
    );
    assert.equal(checkerBody('MISC_CHECK', true), '=> MISC CHECK succeeded on service <=');
    assert.equal(checkerBody('FILE_CHECK', true), undefined);
    assert.deepEqual(quorumAlert(s, '[192.0.2.100]:tcp:80', true, 3, 1, 4), {
      subject: '[LB1] Virtualserver [192.0.2.100]:tcp:80 - UP',
      body: '=> Gained quorum 3+1=4 <= 4 <=',
    });
    assert.equal(quorumAlert(s, 'x', false, 3, 1, 1).body, '=> Lost quorum 3+1=2 <= 1 <=');
  });

  it("a real server's smtp_alert: its own, its virtual server's, smtp_alert_checker, smtp_alert", () => {
    assert.equal(checkerAlertsOn({}, {}, { smtp_alert: true }), true);
    assert.equal(checkerAlertsOn({}, {}, { smtp_alert: true, smtp_alert_checker: false }), false);
    assert.equal(checkerAlertsOn({}, { smtp_alert: true }, { smtp_alert_checker: false }), true);
    assert.equal(checkerAlertsOn({ smtp_alert: false }, { smtp_alert: true }, {}), false);
    assert.equal(checkerAlertsOn(undefined, undefined, { smtp_alert_vrrp: true }), false);
  });
});
