/**
 * `vrrp_instance NAME { ... }` and its `authentication { ... }`
 * (keepalived/vrrp/vrrp_parser.c, init_vrrp_keywords).
 */
import {
  BOOL,
  FLAG,
  INT_MAX,
  IP,
  SCRIPT,
  UINT_MAX,
  UINT_SECS,
  USEC,
  WORD,
  alias,
  impl,
  int,
  kw,
  lines,
  num,
  oneOf,
  sub,
  words,
} from './dsl';
import type { BlockSpec, KeywordSpec } from './types';

export const AUTHENTICATION: BlockSpec = {
  name: 'authentication',
  keywords: [
    impl('auth_type', oneOf(['PASS', 'AH'])),
    impl('auth_pass', WORD, { note: 'only the first 8 characters are used' }),
  ],
};

/** keepalived 2.4's HMAC-SHA256 advert trailer (vrrp/auth-hmac.ts). */
export const AUTH_HMAC: BlockSpec = {
  name: 'auth_hmac',
  keywords: [
    impl('key', words(2, 2), {
      repeatable: true,
      note: 'ID (1..255) and 32..64 bytes: hex:HEX, file:PATH, or the ASCII text itself',
    }),
    impl('active_key', int(1, 255), { since: '2.4', note: 'the key id adverts are signed with' }),
    impl('anti_replay', oneOf(['time', 'monotonic']), { since: '2.4', default: 'time' }),
    impl('time_window', int(1, 300), {
      since: '2.4',
      unit: 'seconds',
      note: 'time mode; defaults to 3 x advert_int, at least 5',
    }),
    impl('mode', oneOf(['enforce', 'permissive', 'receive-only']), {
      since: '2.4',
      default: 'enforce',
    }),
  ],
};

/** notify_master/backup/fault/stop and notify: shared by vrrp_instance and vrrp_sync_group. */
export const NOTIFY_SCRIPTS: readonly KeywordSpec[] = [
  impl('notify_master', SCRIPT, { note: 'SCRIPT [USER [GROUP]]' }),
  impl('notify_backup', SCRIPT, { note: 'SCRIPT [USER [GROUP]]' }),
  impl('notify_fault', SCRIPT, { note: 'SCRIPT [USER [GROUP]]' }),
  impl('notify_stop', SCRIPT, { note: 'SCRIPT [USER [GROUP]]' }),
  impl('notify', SCRIPT, { note: 'called with TYPE NAME STATE PRIORITY appended' }),
];

/** The instance GARP settings default to their global_defs vrrp_* counterparts. */
const G = 'defaults to the global_defs vrrp_ setting';

const GARP_EXTRA_IF = kw('garp_extra_if', words(1, 2), {
  note: '[all] SECONDS (0..86400)',
  implemented: true,
});

const IDENTITY: KeywordSpec[] = [
  impl('state', oneOf(['MASTER', 'BACKUP']), {
    default: 'BACKUP',
    note: 'MASTER only shortens the start-up wait unless priority is 255',
  }),
  impl('interface', WORD),
  kw('vrf', WORD, { note: 'only for unicast without an interface' }),
  impl('virtual_router_id', int(1, 255), { note: 'required' }),
  impl('priority', int(1, 255), { default: 100, note: '255 = address owner' }),
  impl('advert_int', num(0.01, 255), { unit: 'seconds', default: 1 }),
  impl('version', int(2, 3), { note: 'defaults to global vrrp_version (2); IPv6 is always 3' }),
  impl('unicast_src_ip', IP),
  lines('unicast_peer', 'unicast_peer', { implemented: true }),
  impl('mcast_src_ip', IP),
  kw('mcast_dst_ip', IP, { implemented: true }),
  impl('unicast_ttl', int(0, 255), {
    default: 255,
    note: 'the TTL / hop limit of unicast adverts',
  }),
  impl('check_unicast_src', FLAG),
  kw('unicast_fault_no_peer', FLAG, { implemented: true }),
  impl('track_src_ip', FLAG, {
    note: 'FAULT while the interface does not hold unicast_src_ip / mcast_src_ip',
  }),
  impl('old_unicast_checksum', oneOf(['never'], { optional: true }), {
    note: "keepalived 1.3.6's VRRPv3 unicast checksum; 'never': do not switch to it",
  }),
  impl('native_ipv6', FLAG, { note: 'IPv6 and VRRPv3 without an IPv6 VIP to say so' }),
  impl('kernel_rx_buf_size', int(0, UINT_MAX)),
  impl('linkbeat_use_polling', FLAG, {
    note: "this instance's interfaces are probed each second (prefer linkbeat_interfaces)",
  }),
  kw('debug', int(0, 4), { noop: true }),
];

const ADDRESSES: KeywordSpec[] = [
  lines('virtual_ipaddress', 'vip', { implemented: true, note: 'at most 255, one family' }),
  lines('virtual_ipaddress_excluded', 'vip', { implemented: true }),
  lines('virtual_routes', 'vroute', { implemented: true }),
  lines('virtual_rules', 'vrule', { implemented: true }),
  kw('promote_secondaries', FLAG, { implemented: true }),
  impl('use_vmac', words(0, 2), { note: '[IFNAME] [MAC]' }),
  kw('use_vmac_addr', FLAG),
  impl('vmac_xmit_base', FLAG),
  kw('use_ipvlan', words(0, 3), { note: '[IFNAME] [IP[/PREFIX]] [bridge|private|vepa]' }),
];

const TRACKING: KeywordSpec[] = [
  lines('track_interface', 'track_interface', { implemented: true }),
  lines('track_script', 'track_script', { implemented: true }),
  lines('track_file', 'track_file', { implemented: true }),
  lines('track_process', 'track_process', { implemented: true }),
  lines('track_bfd', 'track_bfd', { implemented: true }),
  impl('dont_track_primary', FLAG),
];

const MODES: KeywordSpec[] = [
  impl('nopreempt', FLAG, { note: 'state must not be MASTER' }),
  impl('preempt', FLAG, { note: 'cancels nopreempt (compatibility)' }),
  impl('preempt_delay', num(0, 1000), { unit: 'seconds', default: 0 }),
  impl('accept', FLAG),
  impl('no_accept', FLAG),
  impl('strict_mode', BOOL, { note: 'defaults to global vrrp_strict' }),
  impl('skip_check_adv_addr', BOOL),
  sub('authentication', FLAG, AUTHENTICATION, { implemented: true, note: 'VRRPv2, IPv4 only' }),
  sub('auth_hmac', FLAG, AUTH_HMAC, {
    implemented: true,
    since: '2.4',
    note: 'HMAC-SHA256 trailer on every advert; replaces authentication',
  }),
  impl('v3_checksum_as_v2', BOOL, {
    since: '2.2.8',
    note: 'VRRPv3 IPv4 checksum without the pseudo-header (RFC 9568); defaults to the global one',
  }),
];

const GARP_AND_TIMERS: KeywordSpec[] = [
  impl('garp_master_delay', int(0, UINT_SECS), { unit: 'seconds', default: 5, note: G }),
  impl('garp_master_repeat', int(0, UINT_MAX), { default: 5, note: `${G}; 0 is taken as 1` }),
  impl('garp_master_refresh', int(0, UINT_MAX), { unit: 'seconds', default: 0, note: G }),
  impl('garp_master_refresh_repeat', int(0, UINT_MAX), { default: 1, note: G }),
  impl('garp_lower_prio_delay', int(0, UINT_SECS), { unit: 'seconds', note: G }),
  impl('garp_lower_prio_repeat', int(0, INT_MAX), { note: G }),
  GARP_EXTRA_IF,
  alias('vmac_garp_intvl', GARP_EXTRA_IF),
  impl('down_timer_adverts', int(1, 100), { default: 3 }),
  impl('lower_prio_no_advert', BOOL),
  impl('higher_prio_send_advert', BOOL),
];

const NOTIFY: KeywordSpec[] = [
  ...NOTIFY_SCRIPTS,
  impl('notify_deleted', words(0), {
    note: '[SCRIPT]: a reload that removes the instance notifies DELETED (else FAULT, as keepalived)',
  }),
  impl('notify_master_rx_lower_pri', SCRIPT, {
    note: 'run when a MASTER hears a lower priority (and a FIFO line)',
  }),
  impl('notify_priority_changes', BOOL, {
    note: 'defaults to the sync group, then the global vrrp_notify_priority_changes',
  }),
  kw('smtp_alert', BOOL, { implemented: true }),
  kw('lvs_sync_daemon_interface', WORD, {
    deprecatedFor: 'lvs_sync_daemon',
    deprecatedForBlock: 'global_defs',
  }),
];

export const VRRP_INSTANCE: BlockSpec = {
  name: 'vrrp_instance',
  keywords: [...IDENTITY, ...ADDRESSES, ...TRACKING, ...MODES, ...GARP_AND_TIMERS, ...NOTIFY],
};

export const VRRP_SYNC_GROUP: BlockSpec = {
  name: 'vrrp_sync_group',
  keywords: [
    lines('group', 'names', { implemented: true, note: 'the member vrrp_instance names' }),
    lines('track_interface', 'track_interface', { implemented: true }),
    lines('track_script', 'track_script', { implemented: true }),
    lines('track_file', 'track_file', { implemented: true }),
    lines('track_process', 'track_process', { implemented: true }),
    lines('track_bfd', 'track_bfd', { implemented: true }),
    ...NOTIFY_SCRIPTS,
    impl('notify_priority_changes', BOOL),
    kw('smtp_alert', BOOL, { implemented: true }),
    impl('sync_group_tracking_weight', FLAG),
    kw('global_tracking', FLAG, { deprecatedFor: 'sync_group_tracking_weight' }),
  ],
};

export const VRRP_SCRIPT: BlockSpec = {
  name: 'vrrp_script',
  keywords: [
    impl('script', SCRIPT),
    impl('interval', int(0, UINT_SECS), { unit: 'seconds', default: 1, note: '0 is taken as 1' }),
    impl('timeout', int(0, UINT_SECS), { unit: 'seconds', note: '0 is taken as 1' }),
    impl('weight', int(-253, 253, { suffix: ['reverse'] }), {
      default: 0,
      note: '0: failure means FAULT',
    }),
    impl('rise', int(1, INT_MAX), { default: 1 }),
    impl('fall', int(1, INT_MAX), { default: 1 }),
    impl('user', words(1, 2), { note: 'USER [GROUP]' }),
    impl('init_fail', FLAG),
  ],
};

/** `track_file NAME { ... }` (keepalived/trackers/track_file.c); also `vrrp_track_file`. */
export const TRACK_FILE: BlockSpec = {
  name: 'track_file',
  keywords: [
    impl('file', WORD),
    impl('weight', int(-254, 254, { suffix: ['reverse'] }), { default: 1 }),
    impl('init_file', words(0, 2), { note: '[VALUE] [overwrite]' }),
  ],
};

const PROCESS_DELAY = num(USEC, 3600);

export const VRRP_TRACK_PROCESS: BlockSpec = {
  name: 'vrrp_track_process',
  keywords: [
    impl('process', SCRIPT, {
      note: 'NAME (the 15-character process name), or PATH [PARAMS...] matched against argv',
    }),
    impl('param_match', oneOf(['initial', 'partial'], { optional: true }), {
      note: 'alone: exact; partial: these first; initial: the last a prefix',
    }),
    impl('weight', int(-254, 254, { suffix: ['reverse'] }), { default: 0 }),
    impl('quorum', int(1, 65535), { default: 1 }),
    impl('quorum_max', int(0, 65535), { note: '0: up while no matching process runs' }),
    impl('delay', PROCESS_DELAY, { unit: 'seconds', note: 'sets terminate_delay and fork_delay' }),
    impl('terminate_delay', PROCESS_DELAY, { unit: 'seconds' }),
    impl('fork_delay', PROCESS_DELAY, { unit: 'seconds' }),
    impl('full_command', FLAG, { note: 'match argv[0] (the full path) instead of the name' }),
  ],
};

export const TRACK_GROUP: BlockSpec = {
  name: 'track_group',
  keywords: [
    lines('group', 'names', {
      implemented: true,
      note: 'the vrrp_instance names: they track the interface of each static entry naming this group',
    }),
  ],
};

const GARP_GROUP_INTERVAL = num(0, 2147.483647);

export const GARP_GROUP: BlockSpec = {
  name: 'garp_group',
  keywords: [
    impl('garp_interval', GARP_GROUP_INTERVAL, { unit: 'seconds' }),
    impl('gna_interval', GARP_GROUP_INTERVAL, { unit: 'seconds' }),
    impl('interface', WORD, { note: 'either interface or interfaces' }),
    lines('interfaces', 'names', { implemented: true }),
  ],
};

const TRACK_FILE_ROOT = sub('track_file', WORD, TRACK_FILE, {
  repeatable: true,
  implemented: true,
});

/** The root-level keywords the VRRP parser installs, with their headers. */
export const VRRP_ROOT_KEYWORDS: readonly KeywordSpec[] = [
  sub('vrrp_instance', WORD, VRRP_INSTANCE, { repeatable: true, implemented: true }),
  sub('vrrp_sync_group', WORD, VRRP_SYNC_GROUP, { repeatable: true, implemented: true }),
  sub('vrrp_script', WORD, VRRP_SCRIPT, { repeatable: true, implemented: true }),
  TRACK_FILE_ROOT,
  alias('vrrp_track_file', TRACK_FILE_ROOT),
  sub('vrrp_track_process', WORD, VRRP_TRACK_PROCESS, { repeatable: true, implemented: true }),
  sub('track_group', WORD, TRACK_GROUP, { repeatable: true, implemented: true }),
  sub('garp_group', FLAG, GARP_GROUP, { repeatable: true, implemented: true }),
  lines('static_ipaddress', 'static_vip', {
    implemented: true,
    note: 'dev defaults to default_interface',
  }),
  lines('static_routes', 'static_vroute', { implemented: true }),
  lines('static_rules', 'static_vrule', { implemented: true }),
  lines('linkbeat_interfaces', 'linkbeat_interface', {
    note: 'IF [MII|ETHTOOL|IOCTL]: probed each second instead of netlink',
    implemented: true,
  }),
  lines('interface_up_down_delays', 'interface_delay', {
    note: 'IF DOWN [UP] in seconds, 0..255 (no UP: 0, as keepalived 2.2.7)',
    implemented: true,
  }),
];
