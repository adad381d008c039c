/* halb_sys network functions (halb_net.c), registered by halb_sys.c. */
#ifndef HALB_NET_H
#define HALB_NET_H
#include <node_api.h>
napi_value halb_raw_open(napi_env env, napi_callback_info info);
napi_value halb_fast_init(napi_env env, napi_callback_info info);
napi_value halb_fast_arm(napi_env env, napi_callback_info info);
napi_value halb_fast_clear(napi_env env, napi_callback_info info);
napi_value halb_monotonic_ms(napi_env env, napi_callback_info info);
napi_value halb_udp_open(napi_env env, napi_callback_info info);
napi_value halb_icmp_open(napi_env env, napi_callback_info info);
napi_value halb_set_hop_limit(napi_env env, napi_callback_info info);
napi_value halb_membership(napi_env env, napi_callback_info info);
napi_value halb_send_to(napi_env env, napi_callback_info info);
napi_value halb_bind_address(napi_env env, napi_callback_info info);
napi_value halb_set_rcvbuf(napi_env env, napi_callback_info info);
napi_value halb_multicast_source(napi_env env, napi_callback_info info);
napi_value halb_packet_open(napi_env env, napi_callback_info info);
napi_value halb_packet_send(napi_env env, napi_callback_info info);
napi_value halb_mkfifo(napi_env env, napi_callback_info info);
napi_value halb_close(napi_env env, napi_callback_info info);
napi_value halb_recv_start(napi_env env, napi_callback_info info);
napi_value halb_recv_stop(napi_env env, napi_callback_info info);
napi_value halb_probe_init(napi_env env, napi_callback_info info);
napi_value halb_tcp_probe(napi_env env, napi_callback_info info);
napi_value halb_errno_error(napi_env env, const char *what, int err);
napi_value halb_proc_events_open(napi_env env, napi_callback_info info);
napi_value halb_trim_mappings(napi_env env, napi_callback_info info);
napi_value halb_malloc_trim(napi_env env, napi_callback_info info);
napi_value halb_lock_file_mappings(napi_env env, napi_callback_info info);
napi_value halb_link_probe(napi_env env, napi_callback_info info);
napi_value halb_if_hw_addr(napi_env env, napi_callback_info info);
napi_value halb_if_mtu(napi_env env, napi_callback_info info);
napi_value halb_if_names(napi_env env, napi_callback_info info);
napi_value halb_enter_netns(napi_env env, napi_callback_info info);
napi_value halb_addresses(napi_env env, napi_callback_info info);
#endif
