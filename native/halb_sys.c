/*
 * halb_sys: the project's own N-API addon for the few kernel calls Node does not
 * expose (interface indexes now; AF_PACKET frames, ancillary data and watchdog
 * ioctls as the issues that need them land). Plain C against node_api.h only, so
 * one source cross-compiles for every board with the plain C cross compilers.
 */
#define _GNU_SOURCE /* SCHED_RESET_ON_FORK */
#define NAPI_VERSION 8
#include <node_api.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <sys/utsname.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sched.h>
#include <dirent.h>
#include <stdlib.h>
#include <signal.h>
#include <unistd.h>

#include "halb_net.h"
#include "halb_wdt.h"

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

/*
 * dieWithParent(signal): PR_SET_PDEATHSIG, so a supervised child goes down
 * with its supervisor instead of living on unseen. Returns the parent pid as
 * it is now: a caller compares it with the one it expects (the parent may
 * already have died before the call).
 */
static napi_value die_with_parent(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t sig = SIGKILL;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc >= 1) CHECK(env, napi_get_value_int32(env, argv[0], &sig));
  if (prctl(PR_SET_PDEATHSIG, (unsigned long)sig) != 0) return throw_errno(env, "prctl(PR_SET_PDEATHSIG)", errno);
  napi_value out;
  CHECK(env, napi_create_int32(env, (int32_t)getppid(), &out));
  return out;
}

/* setProcessName(name): the thread's comm (PR_SET_NAME, 15 characters), as keepalived's process_names. */
static napi_value set_process_name(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char name[16] = {0};
  size_t len = 0;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || napi_get_value_string_utf8(env, argv[0], name, sizeof name, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "setProcessName(name)");
    return NULL;
  }
  if (prctl(PR_SET_NAME, name) != 0) return throw_errno(env, "prctl(PR_SET_NAME)", errno);
  return NULL;
}

/*
 * setRealtime(priority): SCHED_RR at 1..99 for the calling thread; 0 goes back
 * to SCHED_OTHER. With SCHED_RESET_ON_FORK: what this process starts (the
 * checker process, notify scripts) runs at normal priority, never beside the
 * adverts at the same real-time priority.
 */
static napi_value set_realtime(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t prio = 0;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc >= 1) CHECK(env, napi_get_value_int32(env, argv[0], &prio));
  struct sched_param sp;
  memset(&sp, 0, sizeof sp);
  sp.sched_priority = prio;
  int policy = (prio > 0 ? SCHED_RR : SCHED_OTHER) | SCHED_RESET_ON_FORK;
  if (sched_setscheduler(0, policy, &sp) != 0) return throw_errno(env, "sched_setscheduler", errno);
  return NULL;
}

static rlim_t rlim_of(int64_t v) { return v < 0 ? RLIM_INFINITY : (rlim_t)v; }
static int64_t rlim_value(rlim_t v) { return v == RLIM_INFINITY ? -1 : (int64_t)v; }

/* getRtTimeLimit(): RLIMIT_RTTIME as [soft, hard] in microseconds, -1 unlimited. */
static napi_value get_rt_time_limit(napi_env env, napi_callback_info info) {
  (void)info;
  struct rlimit lim;
  if (getrlimit(RLIMIT_RTTIME, &lim) != 0) return throw_errno(env, "getrlimit(RLIMIT_RTTIME)", errno);
  napi_value out, v;
  CHECK(env, napi_create_array_with_length(env, 2, &out));
  CHECK(env, napi_create_int64(env, rlim_value(lim.rlim_cur), &v));
  CHECK(env, napi_set_element(env, out, 0, v));
  CHECK(env, napi_create_int64(env, rlim_value(lim.rlim_max), &v));
  CHECK(env, napi_set_element(env, out, 1, v));
  return out;
}

/*
 * setRtTimeLimit(soft, hard[, pid]): keepalived's *_rlimit_rttime,
 * RLIMIT_RTTIME in microseconds (-1 unlimited): the CPU time a SCHED_RR
 * process may use without blocking; SIGXCPU at the soft limit, SIGKILL at the
 * hard one. With a pid, that process's (prlimit): a child inherits its
 * parent's limit and may not raise it back itself.
 */
static napi_value set_rt_time_limit(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  int64_t soft = -1, hard = -1;
  int32_t pid = 0;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) {
    napi_throw_type_error(env, NULL, "setRtTimeLimit(soft, hard)");
    return NULL;
  }
  CHECK(env, napi_get_value_int64(env, argv[0], &soft));
  CHECK(env, napi_get_value_int64(env, argv[1], &hard));
  if (argc >= 3) CHECK(env, napi_get_value_int32(env, argv[2], &pid));
  struct rlimit lim = {rlim_of(soft), rlim_of(hard)};
  if (prlimit(pid, RLIMIT_RTTIME, &lim, NULL) != 0) return throw_errno(env, "prlimit(RLIMIT_RTTIME)", errno);
  return NULL;
}

/*
 * setAffinity(cpus: number[]): sched_setaffinity for the whole process (every
 * thread: Node's workers and libuv's pool too, as keepalived's single thread
 * is all of its process). Throws EINVAL for a CPU the box does not have.
 */
static napi_value set_affinity(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  uint32_t n = 0;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || napi_get_array_length(env, argv[0], &n) != napi_ok || n == 0) {
    napi_throw_type_error(env, NULL, "setAffinity(cpus): a non-empty array of CPU numbers");
    return NULL;
  }
  cpu_set_t set;
  CPU_ZERO(&set);
  for (uint32_t i = 0; i < n; i++) {
    napi_value v;
    int32_t cpu = -1;
    CHECK(env, napi_get_element(env, argv[0], i, &v));
    if (napi_get_value_int32(env, v, &cpu) != napi_ok || cpu < 0 || cpu >= CPU_SETSIZE) {
      napi_throw_range_error(env, NULL, "setAffinity: CPU numbers are 0 and up");
      return NULL;
    }
    CPU_SET(cpu, &set);
  }
  /* Every thread of the process: /proc/self/task lists them. */
  DIR *d = opendir("/proc/self/task");
  if (!d) return throw_errno(env, "opendir(/proc/self/task)", errno);
  struct dirent *e;
  int err = 0;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    pid_t tid = (pid_t)atoi(e->d_name);
    if (sched_setaffinity(tid, sizeof set, &set) != 0 && errno != ESRCH) err = errno;
  }
  closedir(d);
  if (err) return throw_errno(env, "sched_setaffinity", err);
  return NULL;
}

/* getAffinity(): number[] — the CPUs the calling thread may run on. */
static napi_value get_affinity(napi_env env, napi_callback_info info) {
  (void)info;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return throw_errno(env, "sched_getaffinity", errno);
  napi_value out;
  CHECK(env, napi_create_array(env, &out));
  uint32_t n = 0;
  for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
    if (!CPU_ISSET(cpu, &set)) continue;
    napi_value v;
    CHECK(env, napi_create_int32(env, cpu, &v));
    CHECK(env, napi_set_element(env, out, n++, v));
  }
  return out;
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
      {"addresses", NULL, halb_addresses, NULL, NULL, NULL, napi_enumerable, NULL},
      {"uname", NULL, get_uname, NULL, NULL, NULL, napi_enumerable, NULL},
      {"rawOpen", NULL, halb_raw_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"probeInit", NULL, halb_probe_init, NULL, NULL, NULL, napi_enumerable, NULL},
      {"tcpProbe", NULL, halb_tcp_probe, NULL, NULL, NULL, napi_enumerable, NULL},
      {"icmpOpen", NULL, halb_icmp_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"udpOpen", NULL, halb_udp_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setHopLimit", NULL, halb_set_hop_limit, NULL, NULL, NULL, napi_enumerable, NULL},
      {"membership", NULL, halb_membership, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sendTo", NULL, halb_send_to, NULL, NULL, NULL, napi_enumerable, NULL},
      {"bindAddress", NULL, halb_bind_address, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setRcvBuf", NULL, halb_set_rcvbuf, NULL, NULL, NULL, napi_enumerable, NULL},
      {"multicastSource", NULL, halb_multicast_source, NULL, NULL, NULL, napi_enumerable, NULL},
      {"dieWithParent", NULL, die_with_parent, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setProcessName", NULL, set_process_name, NULL, NULL, NULL, napi_enumerable, NULL},
      {"trimMappings", NULL, halb_trim_mappings, NULL, NULL, NULL, napi_enumerable, NULL},
      {"mallocTrim", NULL, halb_malloc_trim, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setRealtime", NULL, set_realtime, NULL, NULL, NULL, napi_enumerable, NULL},
      {"linkProbe", NULL, halb_link_probe, NULL, NULL, NULL, napi_enumerable, NULL},
      {"ifHwAddr", NULL, halb_if_hw_addr, NULL, NULL, NULL, napi_enumerable, NULL},
      {"ifMtu", NULL, halb_if_mtu, NULL, NULL, NULL, napi_enumerable, NULL},
      {"ifNames", NULL, halb_if_names, NULL, NULL, NULL, napi_enumerable, NULL},
      {"enterNetns", NULL, halb_enter_netns, NULL, NULL, NULL, napi_enumerable, NULL},
      {"lockFileMappings", NULL, halb_lock_file_mappings, NULL, NULL, NULL, napi_enumerable, NULL},
      {"getRtTimeLimit", NULL, get_rt_time_limit, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setRtTimeLimit", NULL, set_rt_time_limit, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setAffinity", NULL, set_affinity, NULL, NULL, NULL, napi_enumerable, NULL},
      {"getAffinity", NULL, get_affinity, NULL, NULL, NULL, napi_enumerable, NULL},
      {"wdtOpen", NULL, halb_wdt_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"wdtSetTimeout", NULL, halb_wdt_set_timeout, NULL, NULL, NULL, napi_enumerable, NULL},
      {"wdtGetTimeout", NULL, halb_wdt_get_timeout, NULL, NULL, NULL, napi_enumerable, NULL},
      {"wdtKeepalive", NULL, halb_wdt_keepalive, NULL, NULL, NULL, napi_enumerable, NULL},
      {"wdtBootStatus", NULL, halb_wdt_boot_status, NULL, NULL, NULL, napi_enumerable, NULL},
      {"wdtIdentity", NULL, halb_wdt_identity, NULL, NULL, NULL, napi_enumerable, NULL},
      {"wdtClose", NULL, halb_wdt_close, NULL, NULL, NULL, napi_enumerable, NULL},
      {"packetOpen", NULL, halb_packet_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"packetSend", NULL, halb_packet_send, NULL, NULL, NULL, napi_enumerable, NULL},
      {"mkfifo", NULL, halb_mkfifo, NULL, NULL, NULL, napi_enumerable, NULL},
      {"close", NULL, halb_close, NULL, NULL, NULL, napi_enumerable, NULL},
      {"recvStart", NULL, halb_recv_start, NULL, NULL, NULL, napi_enumerable, NULL},
      {"recvStop", NULL, halb_recv_stop, NULL, NULL, NULL, napi_enumerable, NULL},
      {"fastInit", NULL, halb_fast_init, NULL, NULL, NULL, napi_enumerable, NULL},
      {"fastArm", NULL, halb_fast_arm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"fastClear", NULL, halb_fast_clear, NULL, NULL, NULL, napi_enumerable, NULL},
      {"monotonicMs", NULL, halb_monotonic_ms, NULL, NULL, NULL, napi_enumerable, NULL},
      {"procEventsOpen", NULL, halb_proc_events_open, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  CHECK(env, napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
