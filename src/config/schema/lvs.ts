/**
 * IPVS: `virtual_server_group`, `virtual_server`, `real_server` and the root
 * `SSL { ... }` client context (keepalived/check/check_parser.c).
 */
import { CHECKER_KEYWORDS } from './checkers';
import {
  BOOL,
  FLAG,
  INT_MAX,
  SCRIPT,
  TIMER_MAX,
  UINT_MAX,
  UINT_USECS,
  USEC,
  WORD,
  alias,
  impl,
  int,
  kw,
  num,
  oneOf,
  sub,
  words,
} from './dsl';
import type { BlockSpec, KeywordSpec } from './types';

export const SSL: BlockSpec = {
  name: 'SSL',
  keywords: [
    impl('password', WORD, { note: "the key's passphrase" }),
    impl('ca', WORD, {
      note: 'CA file (loaded; as keepalived, the server certificate is not verified)',
    }),
    impl('certificate', WORD, { note: 'client certificate file (PEM), presented when asked' }),
    impl('key', WORD, { note: 'its key file (PEM)' }),
  ],
};

const SCHEDULERS = [
  ...['rr', 'wrr', 'lc', 'wlc', 'lblc', 'sh', 'mh', 'dh'],
  ...['fo', 'ovf', 'lblcr', 'sed', 'nq', 'twos'],
];
const FORWARDING = oneOf(['NAT', 'DR', 'TUN'], { rest: true });
const FORWARDING_NOTE = 'TUN takes [type ipip|gue port N|gre] [nocsum|csum|remcsum]';
const SERVER = words(1, 2);

const PER_CHECKER = "defaults to each checker's own default";

/** The checker timing keywords a virtual or real server passes down to its checkers. */
function checkerDefaults(vs: boolean): KeywordSpec[] {
  const dflt = (v: number) => (vs ? { default: v } : { note: 'defaults to the virtual server' });
  return [
    impl('delay_loop', num(USEC, TIMER_MAX), { unit: 'seconds', ...dflt(60) }),
    impl('connect_timeout', num(USEC, UINT_USECS), { unit: 'seconds', ...dflt(5) }),
    impl('retry', int(1, UINT_MAX), { note: PER_CHECKER }),
    impl('delay_before_retry', num(0, TIMER_MAX), { unit: 'seconds', note: PER_CHECKER }),
    impl('warmup', num(0, TIMER_MAX), { unit: 'seconds', note: 'defaults to delay_loop' }),
  ];
}

const LB_ALGO = impl('lb_algo', oneOf(SCHEDULERS), { default: 'wlc' });
const LB_KIND = impl('lb_kind', FORWARDING, { default: 'NAT', note: FORWARDING_NOTE });

export const REAL_SERVER: BlockSpec = {
  name: 'real_server',
  keywords: [
    impl('weight', int(0, INT_MAX), { default: 1 }),
    impl('lvs_method', FORWARDING, {
      note: `defaults to the virtual server's lb_kind; ${FORWARDING_NOTE}`,
    }),
    impl('uthreshold', int(0, UINT_MAX)),
    impl('lthreshold', int(0, UINT_MAX)),
    impl('inhibit_on_failure', BOOL),
    impl('notify_up', SCRIPT),
    impl('notify_down', SCRIPT),
    impl('alpha', BOOL),
    ...checkerDefaults(false),
    kw('smtp_alert', BOOL, { implemented: true }),
    impl('virtualhost', WORD),
    kw('snmp_name', WORD),
    ...CHECKER_KEYWORDS,
  ],
};

const SCHEDULER_FLAGS: KeywordSpec[] = [
  impl('ops', FLAG, { note: 'one-packet scheduling' }),
  kw('hashed', FLAG, { noop: true }),
  impl('flag-1', FLAG),
  impl('flag-2', FLAG),
  impl('flag-3', FLAG),
  impl('sh-port', FLAG, { note: 'sh scheduler only' }),
  impl('sh-fallback', FLAG, { note: 'sh scheduler only' }),
  impl('mh-port', FLAG, { note: 'mh scheduler only' }),
  impl('mh-fallback', FLAG, { note: 'mh scheduler only' }),
];

export const VIRTUAL_SERVER: BlockSpec = {
  name: 'virtual_server',
  keywords: [
    impl('ip_family', oneOf(['inet', 'inet6'])),
    LB_ALGO,
    alias('lvs_sched', LB_ALGO),
    ...SCHEDULER_FLAGS,
    LB_KIND,
    alias('lvs_method', LB_KIND),
    impl('protocol', oneOf(['TCP', 'UDP', 'SCTP'], { caseInsensitive: true }), { default: 'TCP' }),
    impl('persistence_timeout', int(1, 2678400, { optional: true }), {
      unit: 'seconds',
      default: 360,
      note: '360 when given without a value; no persistence when absent',
    }),
    impl('persistence_granularity', WORD, { note: 'IPv4 netmask or IPv6 prefix length 1..128' }),
    impl('persistence_engine', WORD),
    impl('quorum', int(1, UINT_MAX), { default: 1 }),
    impl('hysteresis', int(0, UINT_MAX), { default: 0 }),
    impl('quorum_up', SCRIPT),
    impl('quorum_down', SCRIPT),
    impl('alpha', FLAG),
    impl('omega', FLAG),
    impl('ha_suspend', FLAG),
    impl('weight', int(1, INT_MAX), { default: 1 }),
    impl('inhibit_on_failure', FLAG),
    ...checkerDefaults(true),
    impl('virtualhost', WORD),
    kw('smtp_alert', BOOL, { implemented: true }),
    kw('snmp_name', WORD),
    impl('sorry_server', SERVER, { note: 'IP [PORT]' }),
    impl('sorry_server_inhibit', FLAG),
    impl('sorry_server_lvs_method', FORWARDING, { note: FORWARDING_NOTE }),
    sub('real_server', SERVER, REAL_SERVER, { repeatable: true, implemented: true }),
  ],
};

/** The root-level keywords the checker parser installs, with their headers. */
export const LVS_ROOT_KEYWORDS: readonly KeywordSpec[] = [
  sub('SSL', FLAG, SSL, {
    implemented: true,
    note: 'client context for SSL_GET; generated when absent',
  }),
  kw('virtual_server_group', WORD, {
    body: { kind: 'lines', line: 'vsg_entry' },
    repeatable: true,
    implemented: true,
    note: 'entries: IP[-END|/PREFIX] [PORT] or fwmark N [inet|inet6]',
  }),
  sub('virtual_server', SERVER, VIRTUAL_SERVER, {
    repeatable: true,
    implemented: true,
    note: 'IP [PORT] | fwmark N | group NAME',
  }),
];
