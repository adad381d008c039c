/**
 * `global_defs { ... }` (keepalived/core/global_parser.c, init_global_keywords).
 */
import {
  BOOL,
  FLAG,
  INT_MAX,
  INT_MIN,
  IP4,
  IP6,
  OPT_WORD,
  SCRIPT,
  UINT_MAX,
  UINT_SECS,
  UINT_USECS,
  USEC,
  WORD,
  alias,
  impl,
  int,
  kw,
  lines,
  num,
  oneOf,
  words,
} from './dsl';
import type { BlockSpec, KeywordSpec } from './types';

const FIFO = words(1, 3);
const FIFO_NOTE = 'FIFO [USER [GROUP]]';
const NICE = int(-20, 19);
const RT_PRIO = int(INT_MIN, INT_MAX);
const RT_NOTE = 'clamped to the SCHED_RR range (1..99)';
const RLIMIT = int(1, UINT_MAX);
const RCV_BUFS = int(0, UINT_MAX);

/** The per-process scheduling keywords, for vrrp_, checker_ and bfd_. */
function scheduling(p: 'vrrp' | 'checker' | 'bfd'): KeywordSpec[] {
  const mine = p === 'bfd' ? kw : impl;
  const rttime = mine(`${p}_rlimit_rttime`, RLIMIT, {
    unit: 'microseconds',
    note: 'while SCHED_RR; no default (keepalived: 10000)',
  });
  return [
    mine(`${p}_priority`, NICE, { note: 'nice value' }),
    impl(`${p}_no_swap`, FLAG, p === 'bfd' ? { note: 'BFD runs in the VRRP process' } : {}),
    mine(`${p}_rt_priority`, RT_PRIO, { note: RT_NOTE }),
    mine(`${p}_cpu_affinity`, words(1), { note: 'CPU numbers' }),
    rttime,
    alias(`${p}_rlimit_rtime`, rttime),
  ];
}

const GARP_EXTRA_IF = kw('vrrp_garp_extra_if', words(1, 2), {
  note: '[all] SECONDS (1..86400)',
  implemented: true,
});
const LVS_FLUSH_ON_STOP = impl('lvs_flush_on_stop', oneOf(['VS'], { optional: true }));
const SNMP_VRRP = impl('enable_snmp_vrrp', FLAG, {
  note: 'KEEPALIVED-MIB: globals, sync groups, instances, addresses',
});
const CHECKER_PROCESS_NAME = impl('checker_process_name', WORD);

const IDENTITY_AND_MAIL: KeywordSpec[] = [
  impl('router_id', WORD, { note: 'defaults to the host name' }),
  lines('notification_email', 'email', { implemented: true }),
  impl('notification_email_from', WORD),
  impl('smtp_server', words(1, 2), { note: 'IP|NAME [PORT]' }),
  impl('smtp_helo_name', WORD),
  impl('smtp_connect_timeout', int(0, UINT_SECS), { unit: 'seconds', default: 30 }),
  impl('smtp_alert', BOOL),
  impl('smtp_alert_vrrp', BOOL),
  impl('smtp_alert_checker', BOOL),
  impl('no_email_faults', FLAG),
  impl('no_checker_emails', BOOL),
  impl('checker_log_all_failures', BOOL),
];

const PROCESSES: KeywordSpec[] = [
  impl('process_names', FLAG),
  kw('process_name', WORD),
  impl('vrrp_process_name', WORD),
  CHECKER_PROCESS_NAME,
  alias('lvs_process_name', CHECKER_PROCESS_NAME),
  kw('bfd_process_name', WORD),
  impl('startup_script', SCRIPT),
  impl('startup_script_timeout', int(1, 1000), { unit: 'seconds', default: 10 }),
  impl('shutdown_script', SCRIPT),
  impl('shutdown_script_timeout', int(1, 1000), { unit: 'seconds', default: 10 }),
  impl('max_auto_priority', int(-1, 99, { optional: true }), {
    default: 99,
    note: '99 when given without a value; unset when absent',
  }),
  impl('min_auto_priority_delay', int(1, 10000000), { unit: 'microseconds', default: 1000000 }),
  ...scheduling('vrrp'),
  ...scheduling('checker'),
  ...scheduling('bfd'),
  impl('umask', words(1), { note: 'NUMBER or IRUSR|IWUSR|...' }),
  impl('random_seed', int(0, UINT_MAX), {
    note: "${_RANDOM} from glibc's random() seeded with it, as keepalived",
  }),
  kw('tmp_config_directory', WORD, {
    noop: true,
    note: 'halb reads the files where they are and keeps no copy of them',
  }),
  impl('config_save_dir', WORD, { note: 'keepalived_vrrp.PID.N.pre/.post around each reload' }),
  impl('data_use_instance', BOOL, { note: 'SIGUSR1 writes keepalived.NAME.data' }),
  impl('reload_check_config', OPT_WORD, {
    note: "[LOGFILE]: a reload's check goes there (halb checks every reload, with or without it)",
  }),
  impl('reload_time_file', WORD),
  impl('reload_repeat', FLAG),
  impl('reload_file', OPT_WORD, { note: 'default /run/keepalived.reload' }),
  impl('include_check', words(0), { note: '[+|-]read|match|wildcard_match|brace_match ...' }),
];

const SCRIPTS_AND_FIFOS: KeywordSpec[] = [
  impl('script_user', words(1, 2), { note: 'USER [GROUP]' }),
  impl('enable_script_security', FLAG),
  impl('notify_fifo', FIFO, { note: FIFO_NOTE }),
  impl('notify_fifo_script', SCRIPT, { note: 'started with the FIFO as its last argument' }),
  impl('vrrp_notify_fifo', FIFO, { note: FIFO_NOTE }),
  impl('vrrp_notify_fifo_script', SCRIPT, { note: 'started with the FIFO as its last argument' }),
  impl('lvs_notify_fifo', FIFO, { note: FIFO_NOTE }),
  impl('lvs_notify_fifo_script', SCRIPT, { note: 'started with the FIFO as its last argument' }),
  impl('vrrp_notify_priority_changes', BOOL, {
    note: 'MASTER_PRIORITY / BACKUP_PRIORITY lines on the notify FIFO',
  }),
  impl('fifo_write_vrrp_states_on_reload', FLAG),
];

const VRRP_DEFAULTS: KeywordSpec[] = [
  impl('vrrp_mcast_group4', IP4, { default: '224.0.0.18' }),
  impl('vrrp_mcast_group6', IP6, { default: 'ff02::12' }),
  impl('vrrp_version', int(2, 3), { default: 2 }),
  impl('v3_checksum_as_v2', BOOL, {
    since: '2.2.8',
    note: 'VRRPv3 IPv4 checksum without the pseudo-header (RFC 9568); as keepalived, any value turns it on',
  }),
  impl('vrrp_strict', FLAG),
  impl('vrrp_garp_master_delay', int(0, UINT_SECS), { unit: 'seconds', default: 5 }),
  impl('vrrp_garp_master_repeat', int(0, UINT_MAX), { default: 5, note: '0 is taken as 1' }),
  impl('vrrp_garp_master_refresh', int(0, UINT_MAX), { unit: 'seconds', default: 0 }),
  impl('vrrp_garp_master_refresh_repeat', int(0, UINT_MAX), { default: 1 }),
  impl('vrrp_garp_lower_prio_delay', int(0, UINT_SECS), {
    unit: 'seconds',
    note: 'defaults to vrrp_garp_master_delay',
  }),
  impl('vrrp_garp_lower_prio_repeat', int(0, INT_MAX), {
    note: 'defaults to vrrp_garp_master_repeat',
  }),
  impl('vrrp_garp_interval', num(USEC, UINT_USECS), { unit: 'seconds' }),
  impl('vrrp_gna_interval', num(USEC, UINT_USECS), { unit: 'seconds' }),
  impl('vrrp_min_garp', BOOL),
  GARP_EXTRA_IF,
  alias('vrrp_vmac_garp_intvl', GARP_EXTRA_IF),
  impl('vrrp_down_timer_adverts', int(1, 100), { default: 3 }),
  impl('vrrp_lower_prio_no_advert', BOOL),
  impl('vrrp_higher_prio_send_advert', BOOL),
  impl('vrrp_check_unicast_src', FLAG),
  impl('vrrp_skip_check_adv_addr', FLAG),
  impl('vrrp_startup_delay', num(0.001, UINT_USECS), { unit: 'seconds' }),
  impl('log_unknown_vrids', FLAG),
  impl('default_interface', WORD, {
    default: 'eth0',
    note: 'the dev of a static_ipaddress without one',
  }),
  kw('dynamic_interfaces', oneOf(['allow_if_changes'], { optional: true }), { implemented: true }),
  impl('disable_local_igmp', FLAG, {
    note: 'igmp_link_local_mcast_reports 0 while running; not on reload',
  }),
  impl('vmac_prefix', WORD, { default: 'vrrp' }),
  kw('vmac_addr_prefix', WORD),
  impl('vrrp_rx_bufs_policy', words(1), { note: 'MTU|ADVERT|SIZE' }),
  impl('vrrp_rx_bufs_multiplier', int(1, UINT_MAX), { default: 3 }),
];

const NETLINK_BUFS: KeywordSpec[] = [
  'vrrp_netlink_cmd',
  'vrrp_netlink_monitor',
  'process_monitor',
  'lvs_netlink_cmd',
  'lvs_netlink_monitor',
].flatMap((p) => {
  // process_monitor's socket is the addon's (vrrp/io/proc-events.ts); the others are netlink-guard's.
  const own = p === 'process_monitor' ? '4 MiB' : '1 MiB';
  const note = `bytes; halb takes the larger of this and its own ${own}, always forced`;
  return [
    impl(`${p}_rcv_bufs`, RCV_BUFS, { note }),
    // What it asks for (SO_RCVBUFFORCE, past rmem_max) is what halb always does.
    kw(`${p}_rcv_bufs_force`, BOOL, { noop: true, note: 'halb always forces' }),
  ];
});

const FIREWALL: KeywordSpec[] = [
  impl('vrrp_iptables', words(0, 2), {
    note: '[IN_CHAIN [OUT_CHAIN]]: nftables is used instead, as keepalived 2.2.7 built without iptables',
  }),
  impl('vrrp_ipsets', words(0, 5), { note: 'nftables sets are used instead' }),
  impl('nftables', OPT_WORD, { note: 'table name, default keepalived' }),
  impl('nftables_priority', int(INT_MIN, INT_MAX), { default: -1 }),
  kw('nftables_ifindex', FLAG),
  impl('nftables_counters', FLAG),
  kw('nftables_ipvs', OPT_WORD, { note: 'table name, default keepalived_ipvs' }),
  kw('nftables_ipvs_priority', int(INT_MIN, INT_MAX), { default: -1 }),
  kw('nftables_ipvs_start_fwmark', int(1, UINT_MAX), { default: 1000 }),
];

const LVS: KeywordSpec[] = [
  impl('lvs_flush', FLAG),
  LVS_FLUSH_ON_STOP,
  alias('lvs_flush_onstop', LVS_FLUSH_ON_STOP),
  impl('lvs_timeouts', words(2, 6), { note: '[tcp S] [tcpfin S] [udp S], S in 0..2678400' }),
  impl('lvs_sync_daemon', words(1), {
    note: 'IF [inst VI] [id N] [maxlen N] [port N] [ttl N] [group IP]',
  }),
  impl('rs_init_notifies', BOOL, {
    note: 'a real server up at start runs notify_up and writes its FIFO line',
  }),
];

const SNMP_DBUS: KeywordSpec[] = [
  impl('snmp_socket', WORD, {
    note: 'the AgentX master: unix:PATH (default unix:/var/agentx/master) or tcp:HOST:PORT',
  }),
  impl('enable_traps', FLAG, { note: 'vrrpv3NewMaster with enable_snmp_rfcv3' }),
  SNMP_VRRP,
  alias('enable_snmp_keepalived', SNMP_VRRP),
  kw('enable_snmp_checker', FLAG),
  impl('enable_snmp_rfc', FLAG, { note: 'VRRPv3-MIB (RFC 6527) and VRRP-MIB (RFC 2787)' }),
  impl('enable_snmp_rfcv2', FLAG, { note: 'VRRP-MIB (RFC 2787) for VRRPv2 instances over IPv4' }),
  impl('enable_snmp_rfcv3', FLAG, { note: 'VRRPv3-MIB (RFC 6527) through AgentX' }),
  kw('enable_dbus', FLAG),
  kw('dbus_service_name', WORD),
];

export const GLOBAL_DEFS: BlockSpec = {
  name: 'global_defs',
  keywords: [
    ...IDENTITY_AND_MAIL,
    ...PROCESSES,
    ...SCRIPTS_AND_FIFOS,
    ...VRRP_DEFAULTS,
    ...NETLINK_BUFS,
    ...FIREWALL,
    ...LVS,
    ...SNMP_DBUS,
  ],
};
