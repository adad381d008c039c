/*
 * halb_sys, process events: the kernel's proc connector (NETLINK_CONNECTOR,
 * CN_IDX_PROC), which reports every fork, exec, comm change and exit, as
 * keepalived's vrrp_track_process uses it. Only the socket is made here; it
 * is read like any other with recvStart(fd, 0, cb, true) and the events are
 * decoded in JS (src/vrrp/io/proc-events.ts). Needs CAP_NET_ADMIN and
 * CONFIG_PROC_EVENTS. The connector lives in the initial network namespace
 * only: from another one the subscription is refused, so the socket is then
 * made there (this thread steps into that namespace, PID 1's unless the
 * caller names another, and back), as keepalived opens it before it enters
 * its net_namespace.
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/connector.h>
#include <linux/cn_proc.h>

#include "halb_net.h"

/* A listening connector socket in the current namespace, or -errno. */
static int open_listening(int rcvbuf) {
  int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_CONNECTOR);
  if (fd < 0) return -errno;
  /* A fork storm must not overrun it: past rmem_max when allowed (CAP_NET_ADMIN). */
  if (rcvbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) != 0)
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  struct sockaddr_nl sa;
  memset(&sa, 0, sizeof sa);
  sa.nl_family = AF_NETLINK;
  sa.nl_groups = CN_IDX_PROC;
  struct {
    struct nlmsghdr nl;
    struct cn_msg cn;
    enum proc_cn_mcast_op op;
  } __attribute__((packed)) req;
  memset(&req, 0, sizeof req);
  req.nl.nlmsg_len = sizeof req;
  req.nl.nlmsg_type = NLMSG_DONE;
  req.nl.nlmsg_pid = (unsigned)getpid();
  req.cn.id.idx = CN_IDX_PROC;
  req.cn.id.val = CN_VAL_PROC;
  req.cn.len = sizeof(enum proc_cn_mcast_op);
  req.op = PROC_CN_MCAST_LISTEN;
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
      send(fd, &req, sizeof req, 0) != (ssize_t)sizeof req) {
    int err = errno;
    close(fd);
    return -err;
  }
  return fd;
}

/* The same, made in the initial network namespace; this thread comes back to its own. */
static int open_in_initial_netns(int rcvbuf, const char *initial) {
  int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  int init = open(initial, O_RDONLY | O_CLOEXEC);
  int fd = -errno;
  if (self < 0) fd = -EACCES;
  if (self >= 0 && init >= 0 && setns(init, CLONE_NEWNET) == 0) {
    fd = open_listening(rcvbuf);
    if (setns(self, CLONE_NEWNET) != 0) {
      /* Stranded in the other namespace: nothing else may run here. */
      if (fd >= 0) close(fd);
      fd = -EIO;
    }
  } else if (self >= 0 && init >= 0) {
    fd = -errno;
  }
  if (self >= 0) close(self);
  if (init >= 0) close(init);
  return fd;
}

/*
 * procEventsOpen(rcvbuf, initialNetns): a non-blocking connector socket already
 * listening to process events; initialNetns: the namespace file to make it in
 * when this one has no connector (e.g. /proc/1/ns/net).
 */
napi_value halb_proc_events_open(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t rcvbuf = 0;
  char initial[256];
  size_t len = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 ||
      napi_get_value_int32(env, argv[0], &rcvbuf) != napi_ok ||
      napi_get_value_string_utf8(env, argv[1], initial, sizeof initial, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "procEventsOpen(rcvbuf, initialNetns)");
    return NULL;
  }
  int fd = open_listening(rcvbuf);
  if (fd == -ECONNREFUSED) fd = open_in_initial_netns(rcvbuf, initial);
  if (fd < 0) return halb_errno_error(env, "proc connector (PROC_CN_MCAST_LISTEN)", -fd);
  napi_value out;
  napi_create_int32(env, fd, &out);
  return out;
}
