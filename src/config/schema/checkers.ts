/**
 * Health checkers, the blocks inside `real_server` (keepalived/check/check_*.c;
 * the shared keywords come from check_api.c install_checker_common_keywords).
 */
import {
  BOOL,
  FLAG,
  INT_MAX,
  IP,
  SCRIPT,
  TIMER_MAX,
  UINT_MAX,
  UINT_SECS,
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

const PORT = int(1, 65535);
const FROM_RS = 'defaults to the real server';
const INHERITED = 'defaults to the real server, then the virtual server';

/** Where the check connects from and to: every checker but MISC_CHECK, FILE_CHECK, BFD_CHECK. */
const CONNECTION: readonly KeywordSpec[] = [
  impl('connect_ip', IP, { note: "defaults to the real server's address" }),
  impl('connect_port', PORT, { note: "defaults to the real server's port" }),
  impl('bindto', IP),
  impl('bind_port', PORT),
  impl('bind_if', WORD, { note: 'SO_BINDTODEVICE; needed for a link-local IPv6 address' }),
  impl('connect_timeout', num(USEC, UINT_USECS), { unit: 'seconds', note: FROM_RS }),
  impl('fwmark', int(0, UINT_MAX), { note: 'SO_MARK on the check socket' }),
];

/**
 * Timing and state keywords every checker with a retry count takes, with that
 * checker's own defaults (used when neither the real nor the virtual server sets one).
 */
function timing(retry: number, delayBeforeRetry: number | undefined): KeywordSpec[] {
  const retryKw = impl('retry', int(0, UINT_MAX), { note: `${INHERITED}, else ${retry}` });
  const dbr = delayBeforeRetry === undefined ? 'delay_loop' : `${delayBeforeRetry} s`;
  return [
    retryKw,
    alias('nb_get_retry', retryKw),
    impl('delay_before_retry', num(0, TIMER_MAX), {
      unit: 'seconds',
      note: `${INHERITED}, else ${dbr}`,
    }),
    impl('warmup', num(0, TIMER_MAX), { unit: 'seconds', note: 'defaults to delay_loop' }),
    impl('delay_loop', num(USEC, TIMER_MAX), { unit: 'seconds', note: FROM_RS }),
    impl('alpha', BOOL),
    impl('log_all_failures', BOOL),
  ];
}

const COMMON: readonly KeywordSpec[] = [...CONNECTION, ...timing(1, 1)];

export const TCP_CHECK: BlockSpec = { name: 'TCP_CHECK', keywords: COMMON };

export const URL: BlockSpec = {
  name: 'url',
  keywords: [
    impl('path', WORD),
    impl('digest', WORD, { repeatable: true, note: 'MD5 of the body, 32 hex digits' }),
    impl('status_code', words(1), { default: '200-299', note: 'codes and ranges: 200 301-302' }),
    impl('virtualhost', WORD),
    impl('regex', WORD, { note: 'quoted; run as a JavaScript RegExp (PCRE2 in keepalived)' }),
    impl('regex_no_match', FLAG),
    impl('regex_options', words(1), { note: 'caseless multiline dotall utf ucp apply' }),
    impl('regex_min_offset', int(0, Number.MAX_SAFE_INTEGER)),
    impl('regex_max_offset', int(0, Number.MAX_SAFE_INTEGER)),
    kw('regex_stack', words(2, 2), {
      note: "START MAX: PCRE2's JIT stack, nothing to size here",
      noop: true,
    }),
  ],
};

function httpChecker(name: 'HTTP_GET' | 'SSL_GET'): BlockSpec {
  return {
    name,
    keywords: [
      ...CONNECTION,
      ...timing(1, 3),
      impl('virtualhost', WORD),
      impl('http_protocol', oneOf(['1.0', '1.0C', '1.1'], { caseInsensitive: true })),
      impl('enable_sni', BOOL),
      impl('fast_recovery', BOOL, { note: 'halb always checks every url in one round' }),
      sub('url', FLAG, URL, { repeatable: true, implemented: true }),
    ],
  };
}

export const HTTP_GET = httpChecker('HTTP_GET');
export const SSL_GET = httpChecker('SSL_GET');

export const MISC_CHECK: BlockSpec = {
  name: 'MISC_CHECK',
  keywords: [
    ...timing(0, 1),
    impl('misc_path', SCRIPT),
    impl('misc_timeout', int(0, UINT_SECS), { unit: 'seconds', note: 'defaults to delay_loop' }),
    impl('misc_dynamic', FLAG, { note: 'exit status 2..255 sets the weight to status - 2' }),
    impl('user', words(1, 2), { note: 'USER [GROUP]' }),
  ],
};

/** The deprecated `host { ... }` inside SMTP_CHECK: one more address to check. */
export const SMTP_HOST: BlockSpec = { name: 'host', keywords: COMMON };

export const SMTP_CHECK: BlockSpec = {
  name: 'SMTP_CHECK',
  keywords: [
    ...COMMON,
    impl('helo_name', WORD),
    sub('host', FLAG, SMTP_HOST, {
      repeatable: true,
      implemented: true,
      note: 'deprecated: use one SMTP_CHECK per address',
    }),
  ],
};

const DNS_TYPES = ['A', 'NS', 'CNAME', 'SOA', 'MX', 'TXT', 'AAAA', 'RRSIG', 'DNSKEY'];

export const DNS_CHECK: BlockSpec = {
  name: 'DNS_CHECK',
  keywords: [
    ...CONNECTION,
    ...timing(3, undefined),
    impl('type', oneOf(DNS_TYPES, { caseInsensitive: true }), { default: 'SOA' }),
    impl('name', WORD, { default: '.' }),
  ],
};

export const UDP_CHECK: BlockSpec = {
  name: 'UDP_CHECK',
  keywords: [
    ...COMMON,
    impl('payload', words(1), { note: 'hex bytes' }),
    impl('require_reply', words(0), { note: '[hex bytes, X for any nibble]' }),
    impl('min_reply_length', int(0, 65535), { default: 0 }),
    impl('max_reply_length', int(0, 65535), { default: 255 }),
  ],
};

export const PING_CHECK: BlockSpec = { name: 'PING_CHECK', keywords: COMMON };

export const FILE_CHECK: BlockSpec = {
  name: 'FILE_CHECK',
  keywords: [
    impl('track_file', WORD, { note: 'a track_file block name' }),
    impl('weight', int(-INT_MAX, INT_MAX, { suffix: ['reverse', 'noreverse'] }), {
      note: "defaults to the track_file's weight",
    }),
  ],
};

export const BFD_CHECK: BlockSpec = {
  name: 'BFD_CHECK',
  keywords: [impl('name', WORD, { note: 'a bfd_instance name' }), impl('alpha', BOOL)],
};

const IMPLEMENTED = [
  TCP_CHECK,
  HTTP_GET,
  SSL_GET,
  MISC_CHECK,
  SMTP_CHECK,
  DNS_CHECK,
  UDP_CHECK,
  PING_CHECK,
  FILE_CHECK,
  BFD_CHECK,
];

/** The checker blocks a real_server takes, any number of each. */
export const CHECKER_KEYWORDS: readonly KeywordSpec[] = [
  ...IMPLEMENTED.map((b) => sub(b.name, FLAG, b, { repeatable: true, implemented: true })),
];
