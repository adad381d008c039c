/*
 * halb_sys: what the daemon needs to run inside keepalived's `net_namespace`,
 * where sysfs (mounted for the namespace the box started in) shows the wrong
 * interfaces: an interface's MAC and MTU by ioctl and the interface names by
 * if_nameindex(), all answered for the calling thread's namespace; and
 * enterNetns(path), which moves the process into a named namespace by
 * setns() and executes itself again (/proc/self/exe, the same command line),
 * so that every thread of the new image, the ones Node starts before any
 * JavaScript runs among them, lives there. setns() alone would move the
 * calling thread only.
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <net/if.h>

#include "halb_net.h"

static int name_arg(napi_env env, napi_callback_info info, char *name, size_t size) {
  size_t argc = 1, len = 0;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_string_utf8(env, argv[0], name, size, &len) != napi_ok || len == 0)
    return -1;
  return 0;
}

static int ifreq_ioctl(const char *name, unsigned long req, struct ifreq *ifr) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  memset(ifr, 0, sizeof *ifr);
  memcpy(ifr->ifr_name, name, strnlen(name, IFNAMSIZ - 1));
  int r = ioctl(fd, req, ifr);
  int err = errno;
  close(fd);
  errno = err;
  return r;
}

/* ifHwAddr(name): the interface's hardware address as a Buffer, undefined when it has none. */
napi_value halb_if_hw_addr(napi_env env, napi_callback_info info) {
  char name[IFNAMSIZ] = {0};
  napi_value out;
  if (name_arg(env, info, name, sizeof name) != 0) {
    napi_throw_type_error(env, NULL, "ifHwAddr(name)");
    return NULL;
  }
  struct ifreq ifr;
  if (ifreq_ioctl(name, SIOCGIFHWADDR, &ifr) != 0) {
    napi_get_undefined(env, &out);
    return out;
  }
  void *data = NULL;
  napi_create_buffer_copy(env, 6, ifr.ifr_hwaddr.sa_data, &data, &out);
  return out;
}

/* ifMtu(name): the interface's MTU, undefined when it cannot be read. */
napi_value halb_if_mtu(napi_env env, napi_callback_info info) {
  char name[IFNAMSIZ] = {0};
  napi_value out;
  if (name_arg(env, info, name, sizeof name) != 0) {
    napi_throw_type_error(env, NULL, "ifMtu(name)");
    return NULL;
  }
  struct ifreq ifr;
  if (ifreq_ioctl(name, SIOCGIFMTU, &ifr) != 0) {
    napi_get_undefined(env, &out);
    return out;
  }
  napi_create_int32(env, ifr.ifr_mtu, &out);
  return out;
}

/* ifNames(): every interface's name in the calling thread's namespace. */
napi_value halb_if_names(napi_env env, napi_callback_info info) {
  (void)info;
  struct if_nameindex *all = if_nameindex();
  if (!all) return halb_errno_error(env, "if_nameindex", errno);
  napi_value out, v;
  napi_create_array(env, &out);
  uint32_t n = 0;
  for (struct if_nameindex *i = all; i->if_index != 0 && i->if_name; i++) {
    napi_create_string_utf8(env, i->if_name, NAPI_AUTO_LENGTH, &v);
    napi_set_element(env, out, n++, v);
  }
  if_freenameindex(all);
  return out;
}

/*
 * enterNetns(path, marker): setns() into the namespace at path, then execv()
 * this executable with the command line it was started with (from
 * /proc/self/cmdline) and HALB_NETNS=marker in its environment. Returns only
 * on failure, by throwing.
 */
napi_value halb_enter_netns(napi_env env, napi_callback_info info) {
  size_t argc = 2, len = 0;
  napi_value argv[2];
  char path[4096] = {0}, marker[256] = {0};
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 ||
      napi_get_value_string_utf8(env, argv[0], path, sizeof path, &len) != napi_ok || len == 0 ||
      napi_get_value_string_utf8(env, argv[1], marker, sizeof marker, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "enterNetns(path, marker)");
    return NULL;
  }
  /* The command line first: a failure after setns() would leave this thread moved. */
  int cf = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
  if (cf < 0) return halb_errno_error(env, "open /proc/self/cmdline", errno);
  static char cmdline[65536];
  ssize_t got = 0, r;
  while ((r = read(cf, cmdline + got, sizeof cmdline - 1 - (size_t)got)) > 0) got += r;
  close(cf);
  if (got <= 0) return halb_errno_error(env, "read /proc/self/cmdline", EINVAL);
  cmdline[got] = 0;
  static char *args[1024];
  size_t n = 0;
  for (ssize_t at = 0; at < got && n < 1023; at += (ssize_t)strlen(cmdline + at) + 1) args[n++] = cmdline + at;
  args[n] = NULL;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return halb_errno_error(env, path, errno);
  if (setns(fd, CLONE_NEWNET) != 0) {
    int err = errno;
    close(fd);
    return halb_errno_error(env, "setns", err);
  }
  close(fd);
  setenv("HALB_NETNS", marker, 1);
  /* Node marks its standard streams close-on-exec; the new image must write where this one did,
     and keep the supervisor's heartbeat pipe (HALB_HEARTBEAT_FD). */
  int keep[4] = {0, 1, 2, -1};
  const char *hb = getenv("HALB_HEARTBEAT_FD");
  if (hb && *hb) keep[3] = atoi(hb);
  for (int i = 0; i < 4; i++) {
    if (keep[i] < 0) continue;
    int flags = fcntl(keep[i], F_GETFD);
    if (flags >= 0) fcntl(keep[i], F_SETFD, flags & ~FD_CLOEXEC);
  }
  execv("/proc/self/exe", args);
  return halb_errno_error(env, "execv /proc/self/exe", errno);
}
