/*
 * halb_sys: the project's own N-API addon for the few kernel calls Node does not
 * expose (interface indexes now; AF_PACKET frames, ancillary data and watchdog
 * ioctls as the issues that need them land). Plain C against node_api.h only, so
 * one source cross-compiles for every board with the plain C cross compilers.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <sys/utsname.h>

#include "halb_net.h"

#define CHECK(env, call)                                                      \
  do {                                                                        \
    if ((call) != napi_ok) {                                                  \
      napi_throw_error((env), "EHALBSYS", "N-API call failed: " #call);     \
      return NULL;                                                            \
    }                                                                         \
  } while (0)

static napi_value throw_errno(napi_env env, const char *what, int err) {
  char msg[160];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_throw_error(env, err == ENODEV ? "ENODEV" : "EHALBSYS", msg);
  return NULL;
}

/* ifNameToIndex(name: string): number — throws ENODEV when no such interface. */
static napi_value if_name_to_index(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char name[IF_NAMESIZE + 1];
  size_t len = 0;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1) {
    napi_throw_type_error(env, NULL, "ifNameToIndex(name): name is required");
    return NULL;
  }
  if (napi_get_value_string_utf8(env, argv[0], name, sizeof name, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "ifNameToIndex(name): name must be a string");
    return NULL;
  }
  if (len >= IF_NAMESIZE) {
    napi_throw_range_error(env, NULL, "ifNameToIndex(name): interface names are at most 15 bytes");
    return NULL;
  }
  unsigned idx = if_nametoindex(name);
  if (idx == 0) return throw_errno(env, name, errno ? errno : ENODEV);
  napi_value out;
  CHECK(env, napi_create_uint32(env, idx, &out));
  return out;
}

/* uname(): { sysname, release, machine } of the running kernel. */
static napi_value get_uname(napi_env env, napi_callback_info info) {
  (void)info;
  struct utsname u;
  if (uname(&u) != 0) return throw_errno(env, "uname", errno);
  napi_value out, v;
  CHECK(env, napi_create_object(env, &out));
  CHECK(env, napi_create_string_utf8(env, u.sysname, NAPI_AUTO_LENGTH, &v));
  CHECK(env, napi_set_named_property(env, out, "sysname", v));
  CHECK(env, napi_create_string_utf8(env, u.release, NAPI_AUTO_LENGTH, &v));
  CHECK(env, napi_set_named_property(env, out, "release", v));
  CHECK(env, napi_create_string_utf8(env, u.machine, NAPI_AUTO_LENGTH, &v));
  CHECK(env, napi_set_named_property(env, out, "machine", v));
  return out;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"ifNameToIndex", NULL, if_name_to_index, NULL, NULL, NULL, napi_enumerable, NULL},
      {"uname", NULL, get_uname, NULL, NULL, NULL, napi_enumerable, NULL},
      {"rawOpen", NULL, halb_raw_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"probeInit", NULL, halb_probe_init, NULL, NULL, NULL, napi_enumerable, NULL},
      {"tcpProbe", NULL, halb_tcp_probe, NULL, NULL, NULL, napi_enumerable, NULL},
      {"icmpOpen", NULL, halb_icmp_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setHopLimit", NULL, halb_set_hop_limit, NULL, NULL, NULL, napi_enumerable, NULL},
      {"membership", NULL, halb_membership, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sendTo", NULL, halb_send_to, NULL, NULL, NULL, napi_enumerable, NULL},
      {"bindAddress", NULL, halb_bind_address, NULL, NULL, NULL, napi_enumerable, NULL},
      {"packetOpen", NULL, halb_packet_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"packetSend", NULL, halb_packet_send, NULL, NULL, NULL, napi_enumerable, NULL},
      {"mkfifo", NULL, halb_mkfifo, NULL, NULL, NULL, napi_enumerable, NULL},
      {"close", NULL, halb_close, NULL, NULL, NULL, napi_enumerable, NULL},
      {"recvStart", NULL, halb_recv_start, NULL, NULL, NULL, napi_enumerable, NULL},
      {"recvStop", NULL, halb_recv_stop, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  CHECK(env, napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
