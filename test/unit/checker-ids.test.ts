/** Keys and targets: keepalived's FMT_VS / FMT_RS spelling, ports inherited from the virtual server. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { serverId, serviceId } from '../../src/checkers/ids';
import { targetOf } from '../../src/checkers/target';
import { setupFromText } from '../rigs/checker-setup';

describe('checker ids and targets', () => {
  it('spells services and servers as keepalived logs them', () => {
    const s = setupFromText(`virtual_server 192.0.2.10 80 {
  real_server 192.0.2.21 {
    TCP_CHECK {
      connect_ip 192.0.2.99
    }
  }
  real_server 192.0.2.22 8080 {
    HTTP_GET {
      bindto 192.0.2.1
      bind_port 4000
      connect_timeout 2.5
    }
  }
}
virtual_server 2001:db8::10 53 {
  protocol UDP
  real_server 2001:db8::21 5353 {
    DNS_CHECK {
    }
  }
}
virtual_server fwmark 7 {
  real_server 192.0.2.23 {
    SMTP_CHECK {
    }
  }
}
`);
    const [v4, v6, fw] = s.lvs.virtualServers;
    assert.ok(v4 && v6 && fw);
    assert.deepEqual(
      [serviceId(v4), serviceId(v6), serviceId(fw)],
      ['[192.0.2.10]:tcp:80', '[2001:db8::10]:udp:53', 'FWM 7'],
    );
    const [a, b] = v4.realServers;
    assert.ok(a && b);
    assert.equal(serverId(a, v4), '[192.0.2.21]:tcp:80', 'no port: the virtual server one');
    const ta = targetOf(a.checkers[0]!, a, v4);
    assert.deepEqual([ta.host, ta.port, ta.family, ta.timeoutMs], ['192.0.2.99', 80, 4, 5000]);
    const tb = targetOf(b.checkers[0]!, b, v4);
    assert.deepEqual(
      [tb.port, tb.bindTo, tb.bindPort, tb.timeoutMs],
      [8080, '192.0.2.1', 4000, 2500],
    );
    const r6 = v6.realServers[0]!;
    assert.equal(serverId(r6, v6), '[2001:db8::21]:udp:5353');
    assert.equal(targetOf(r6.checkers[0]!, r6, v6).family, 6);
    const rf = fw.realServers[0]!;
    assert.equal(serverId(rf, fw), '[192.0.2.23]:tcp:0');
    assert.equal(
      targetOf(rf.checkers[0]!, rf, fw).port,
      25,
      "SMTP_CHECK's own port when nothing says",
    );
  });
});
