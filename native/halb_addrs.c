/*
 * halb_sys, interface addresses: one synchronous RTM_GETADDR dump over
 * rtnetlink, every address of every interface whatever its link state
 * (os.networkInterfaces() leaves out interfaces that are not up and running,
 * so an instance on a cable unplugged at boot would find no address). Returns
 * [{ index, family (4 | 6), address, prefix, scope, flags }] in the kernel's
 * order, IPv4 primaries before their secondaries.
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "halb_net.h"

#define CHECK(call)                                                           \
  do {                                                                        \
    if ((call) != napi_ok) {                                                  \
      close(fd);                                                              \
      napi_throw_error(env, "EHALBSYS", "N-API call failed: " #call);        \
      return NULL;                                                            \
    }                                                                         \
  } while (0)

static napi_status set_u32(napi_env env, napi_value obj, const char *name, uint32_t v) {
  napi_value n;
  napi_status s = napi_create_uint32(env, v, &n);
  return s == napi_ok ? napi_set_named_property(env, obj, name, n) : s;
}

/* One RTM_NEWADDR as an object, or NULL in *out when it has no address. */
static napi_status address_entry(napi_env env, struct nlmsghdr *nh, napi_value *out) {
  struct ifaddrmsg *ifa = NLMSG_DATA(nh);
  *out = NULL;
  if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6) return napi_ok;
  const void *local = NULL, *address = NULL;
  uint32_t flags = ifa->ifa_flags;
  int len = (int)IFA_PAYLOAD(nh);
  for (struct rtattr *rta = IFA_RTA(ifa); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
    if (rta->rta_type == IFA_LOCAL) local = RTA_DATA(rta);
    else if (rta->rta_type == IFA_ADDRESS) address = RTA_DATA(rta);
    else if (rta->rta_type == IFA_FLAGS && RTA_PAYLOAD(rta) >= 4)
      memcpy(&flags, RTA_DATA(rta), 4);
  }
  /* IFA_LOCAL is the box's own end (IFA_ADDRESS the peer's on a point-to-point link). */
  const void *own = local ? local : address;
  if (!own) return napi_ok;
  char text[INET6_ADDRSTRLEN];
  if (!inet_ntop(ifa->ifa_family, own, text, sizeof text)) return napi_ok;
  napi_value obj, s;
  napi_status st;
  if ((st = napi_create_object(env, &obj)) != napi_ok) return st;
  if ((st = set_u32(env, obj, "index", ifa->ifa_index)) != napi_ok) return st;
  if ((st = set_u32(env, obj, "family", ifa->ifa_family == AF_INET ? 4 : 6)) != napi_ok) return st;
  if ((st = napi_create_string_latin1(env, text, NAPI_AUTO_LENGTH, &s)) != napi_ok) return st;
  if ((st = napi_set_named_property(env, obj, "address", s)) != napi_ok) return st;
  if ((st = set_u32(env, obj, "prefix", ifa->ifa_prefixlen)) != napi_ok) return st;
  if ((st = set_u32(env, obj, "scope", ifa->ifa_scope)) != napi_ok) return st;
  if ((st = set_u32(env, obj, "flags", flags)) != napi_ok) return st;
  *out = obj;
  return napi_ok;
}

napi_value halb_addresses(napi_env env, napi_callback_info info) {
  (void)info;
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) return halb_errno_error(env, "socket(NETLINK_ROUTE)", errno);
  struct {
    struct nlmsghdr nh;
    struct ifaddrmsg ifa;
  } req;
  memset(&req, 0, sizeof req);
  req.nh.nlmsg_len = sizeof req;
  req.nh.nlmsg_type = RTM_GETADDR;
  req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.nh.nlmsg_seq = 1;
  req.ifa.ifa_family = AF_UNSPEC;
  if (send(fd, &req, sizeof req, 0) < 0) {
    int err = errno;
    close(fd);
    return halb_errno_error(env, "RTM_GETADDR", err);
  }
  napi_value list;
  CHECK(napi_create_array(env, &list));
  uint32_t n = 0;
  /* Not static: a worker thread may dump at the same time as the main one. */
  char buf[32768] __attribute__((aligned(4)));
  for (;;) {
    ssize_t got = recv(fd, buf, sizeof buf, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      int err = got < 0 ? errno : EPROTO;
      close(fd);
      return halb_errno_error(env, "RTM_GETADDR dump", err);
    }
    int len = (int)got;
    for (struct nlmsghdr *nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
      if (nh->nlmsg_type == NLMSG_DONE) {
        close(fd);
        return list;
      }
      if (nh->nlmsg_type == NLMSG_ERROR) {
        struct nlmsgerr *e = NLMSG_DATA(nh);
        close(fd);
        return halb_errno_error(env, "RTM_GETADDR dump", e->error ? -e->error : EPROTO);
      }
      if (nh->nlmsg_type != RTM_NEWADDR) continue;
      napi_value entry;
      CHECK(address_entry(env, nh, &entry));
      if (entry) CHECK(napi_set_element(env, list, n++, entry));
    }
  }
}
