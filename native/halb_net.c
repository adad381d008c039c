/*
 * halb_sys, network part: raw VRRP sockets (IPv4 and IPv6, with the hop limit
 * and destination of each IPv6 packet from ancillary data), multicast group
 * membership, and AF_PACKET frames for gratuitous ARP / unsolicited NA. Each
 * receiving socket is watched by a libuv poll handle on Node's own loop, so
 * packets arrive as JS callbacks with no thread of our own.
 */
#define _GNU_SOURCE /* struct in6_pktinfo */
#define NAPI_VERSION 8
#include <node_api.h>
#include <uv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <linux/if_packet.h>
#include <linux/if_ether.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "halb_net.h"

#ifndef IPV6_MULTICAST_ALL
#define IPV6_MULTICAST_ALL 29
#endif

#define ARG_CHECK(env, call)                                                  \
  do {                                                                        \
    if ((call) != napi_ok) {                                                  \
      napi_throw_type_error((env), NULL, "halb_sys: bad argument: " #call);  \
      return NULL;                                                            \
    }                                                                         \
  } while (0)

napi_value halb_errno_error(napi_env env, const char *what, int err) {
  char msg[200];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_value code, text, error;
  napi_create_string_utf8(env, err == EPERM ? "EPERM" : err == EACCES ? "EACCES" : err == ENODEV ? "ENODEV" : err == EADDRNOTAVAIL ? "EADDRNOTAVAIL" : "ESYSCALL", NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &text);
  napi_create_error(env, code, text, &error);
  napi_value errnum;
  napi_create_int32(env, err, &errnum);
  napi_set_named_property(env, error, "errno", errnum);
  napi_throw(env, error);
  return NULL;
}

#define errno_error halb_errno_error

static int get_int(napi_env env, napi_value v, int32_t *out) {
  return napi_get_value_int32(env, v, out) == napi_ok ? 0 : -1;
}

static int get_buffer(napi_env env, napi_value v, void **data, size_t *len) {
  return napi_get_buffer_info(env, v, data, len) == napi_ok ? 0 : -1;
}

static napi_value make_int(napi_env env, int32_t v) {
  napi_value out;
  napi_create_int32(env, v, &out);
  return out;
}

static int set_opt(int fd, int level, int name, int value) {
  return setsockopt(fd, level, name, &value, sizeof value);
}

/* Fills a sockaddr for a 4- or 16-byte address; returns its length, 0 when the size is wrong. */
static socklen_t fill_sockaddr(struct sockaddr_storage *ss, int family, const void *addr, size_t alen, int ifindex) {
  memset(ss, 0, sizeof *ss);
  if (family == 4 && alen == 4) {
    struct sockaddr_in *sa = (struct sockaddr_in *)ss;
    sa->sin_family = AF_INET;
    memcpy(&sa->sin_addr, addr, 4);
    return sizeof *sa;
  }
  if (family == 6 && alen == 16) {
    struct sockaddr_in6 *sa = (struct sockaddr_in6 *)ss;
    sa->sin6_family = AF_INET6;
    memcpy(&sa->sin6_addr, addr, 16);
    sa->sin6_scope_id = (uint32_t)ifindex;
    return sizeof *sa;
  }
  return 0;
}

/* rawOpen(family 4|6, protocol, ifindex, ifname): fd, non-blocking, bound to the interface. */
napi_value halb_raw_open(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  int32_t family, protocol, ifindex;
  char ifname[IF_NAMESIZE + 1] = {0};
  size_t len = 0;
  ARG_CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 4 || get_int(env, argv[0], &family) || get_int(env, argv[1], &protocol) || get_int(env, argv[2], &ifindex)) {
    napi_throw_type_error(env, NULL, "rawOpen(family, protocol, ifindex, ifname)");
    return NULL;
  }
  ARG_CHECK(env, napi_get_value_string_utf8(env, argv[3], ifname, sizeof ifname, &len));
  int fd = socket(family == 6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
  if (fd < 0) return errno_error(env, "socket(raw)", errno);
  int rc = setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname));
  /*
   * Only the groups this socket joined, as keepalived (if_setsockopt_mcast_all):
   * by default a raw socket also gets the multicast of every group any socket
   * joined on the host, and with mcast_dst_ip an instance would take another
   * group's advert of the same VRID for its own. IPv6 has the option from
   * Linux 4.20; an older kernel says ENOPROTOOPT and keeps the default.
   */
  if (rc == 0 && family == 4) rc = set_opt(fd, IPPROTO_IP, IP_MULTICAST_ALL, 0);
  if (rc == 0 && family == 6 && set_opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_ALL, 0) != 0 && errno != ENOPROTOOPT) rc = -1;
  if (rc == 0 && family == 4) {
    struct ip_mreqn mreq;
    memset(&mreq, 0, sizeof mreq);
    mreq.imr_ifindex = ifindex;
    rc = set_opt(fd, IPPROTO_IP, IP_MULTICAST_TTL, 255);
    if (rc == 0) rc = set_opt(fd, IPPROTO_IP, IP_TTL, 255);
    if (rc == 0) rc = set_opt(fd, IPPROTO_IP, IP_TOS, 0xc0);
    if (rc == 0) rc = set_opt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0);
    if (rc == 0) rc = setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof mreq);
  } else if (rc == 0) {
    rc = set_opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 255);
    if (rc == 0) rc = set_opt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 255);
    if (rc == 0) rc = set_opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0);
    if (rc == 0) rc = set_opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex);
    if (rc == 0) rc = set_opt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1);
    if (rc == 0) rc = set_opt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
    if (rc == 0) rc = set_opt(fd, IPPROTO_IPV6, IPV6_TCLASS, 0xc0);
    /* The kernel computes and checks the checksum at offset 6 with the IPv6 pseudo-header. */
    if (rc == 0) rc = set_opt(fd, IPPROTO_IPV6, IPV6_CHECKSUM, 6);
  }
  if (rc != 0) {
    int err = errno;
    close(fd);
    return errno_error(env, "setsockopt(raw)", err);
  }
  return make_int(env, fd);
}

/*
 * udpOpen(port): a dual-stack UDP socket bound to [::]:port that hands every
 * datagram up with its TTL or hop limit and its destination (IP_RECVTTL,
 * IPV6_RECVHOPLIMIT, IPV6_RECVPKTINFO): BFD's receive socket, which must
 * check the TTL of what arrives (RFC 5881 section 5). IPv4 senders show as
 * IPv4-mapped addresses. Read it with recvStart(fd, 6, ...).
 */
napi_value halb_udp_open(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t port;
  ARG_CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || get_int(env, argv[0], &port) || port < 0 || port > 65535) {
    napi_throw_type_error(env, NULL, "udpOpen(port)");
    return NULL;
  }
  int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
  if (fd < 0) return errno_error(env, "socket(udp)", errno);
  int rc = set_opt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 0);
  if (rc == 0) rc = set_opt(fd, IPPROTO_IP, IP_RECVTTL, 1);
  if (rc == 0) rc = set_opt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1);
  if (rc == 0) rc = set_opt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
  if (rc == 0) {
    struct sockaddr_in6 sa;
    memset(&sa, 0, sizeof sa);
    sa.sin6_family = AF_INET6;
    sa.sin6_port = htons((uint16_t)port);
    sa.sin6_addr = in6addr_any;
    rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
  }
  if (rc != 0) {
    int err = errno;
    close(fd);
    return errno_error(env, "udpOpen", err);
  }
  return make_int(env, fd);
}

/*
 * icmpOpen(family): a raw ICMP (4) or ICMPv6 (6) socket on no particular
 * interface, for PING_CHECK echo requests. The kernel fills the ICMPv6
 * checksum; IPv4 packets arrive with their IP header.
 */
napi_value halb_icmp_open(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t family;
  ARG_CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || get_int(env, argv[0], &family) || (family != 4 && family != 6)) {
    napi_throw_type_error(env, NULL, "icmpOpen(family 4|6)");
    return NULL;
  }
  int fd = socket(family == 6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
                  family == 6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
  if (fd < 0) return errno_error(env, "socket(icmp)", errno);
  return make_int(env, fd);
}

/* setHopLimit(fd, family, ttl): TTL / hop limit of what the socket sends (unicast_ttl; tests). */
napi_value halb_set_hop_limit(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  int32_t fd, family, ttl;
  ARG_CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 3 || get_int(env, argv[0], &fd) || get_int(env, argv[1], &family) || get_int(env, argv[2], &ttl) || ttl < 0 || ttl > 255) {
    napi_throw_type_error(env, NULL, "setHopLimit(fd, family, ttl 0..255)");
    return NULL;
  }
  int rc = family == 4 ? set_opt(fd, IPPROTO_IP, IP_TTL, ttl) : set_opt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, ttl);
  if (rc == 0) rc = family == 4 ? set_opt(fd, IPPROTO_IP, IP_MULTICAST_TTL, ttl) : set_opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, ttl);
  if (rc != 0) return errno_error(env, "setsockopt(hop limit)", errno);
  return NULL;
}

/* membership(fd, family, groupBytes, ifindex, join: boolean) */
napi_value halb_membership(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  int32_t fd, family, ifindex;
  void *group;
  size_t glen;
  bool join;
  ARG_CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 5 || get_int(env, argv[0], &fd) || get_int(env, argv[1], &family) || get_buffer(env, argv[2], &group, &glen) ||
      get_int(env, argv[3], &ifindex) || napi_get_value_bool(env, argv[4], &join) != napi_ok) {
    napi_throw_type_error(env, NULL, "membership(fd, family, group, ifindex, join)");
    return NULL;
  }
  int rc;
  if (family == 4 && glen == 4) {
    struct ip_mreqn m;
    memset(&m, 0, sizeof m);
    memcpy(&m.imr_multiaddr, group, 4);
    m.imr_ifindex = ifindex;
    rc = setsockopt(fd, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, &m, sizeof m);
  } else if (family == 6 && glen == 16) {
    struct ipv6_mreq m;
    memcpy(&m.ipv6mr_multiaddr, group, 16);
    m.ipv6mr_interface = (unsigned)ifindex;
    rc = setsockopt(fd, IPPROTO_IPV6, join ? IPV6_ADD_MEMBERSHIP : IPV6_DROP_MEMBERSHIP, &m, sizeof m);
  } else {
    napi_throw_range_error(env, NULL, "membership: group must be 4 bytes (IPv4) or 16 (IPv6)");
    return NULL;
  }
  if (rc != 0) return errno_error(env, join ? "join group" : "leave group", errno);
  return NULL;
}

/*
 * sendTo(fd, family, dstBytes, ifindex, payload[, src6]): bytes sent. With
 * src6 (16 bytes) an IPv6 packet leaves from that address (IPV6_PKTINFO): the
 * kernel's own choice may be another address on the interface, such as a
 * link-local VIP, and a VRRPv3 advert's checksum covers its source.
 */
napi_value halb_send_to(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  int32_t fd, family, ifindex, ttl = -1;
  void *dst, *data, *src = NULL;
  size_t dlen, len, slen = 0;
  ARG_CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 5 || get_int(env, argv[0], &fd) || get_int(env, argv[1], &family) || get_buffer(env, argv[2], &dst, &dlen) ||
      get_int(env, argv[3], &ifindex) || get_buffer(env, argv[4], &data, &len)) {
    napi_throw_type_error(env, NULL, "sendTo(fd, family, dst, ifindex, payload[, src6[, ttl]])");
    return NULL;
  }
  if (argc >= 6 && get_buffer(env, argv[5], &src, &slen) == 0 && (family != 6 || slen != 16)) {
    napi_throw_range_error(env, NULL, "sendTo: src6 must be 16 bytes, for IPv6");
    return NULL;
  }
  if (argc >= 7 && get_int(env, argv[6], &ttl) == 0 && (ttl < 0 || ttl > 255)) {
    napi_throw_range_error(env, NULL, "sendTo: ttl must be 0..255");
    return NULL;
  }
  if (argc < 7) ttl = -1;
  struct sockaddr_storage ss;
  socklen_t sl = fill_sockaddr(&ss, family, dst, dlen, ifindex);
  if (sl == 0) {
    napi_throw_range_error(env, NULL, "sendTo: dst must be 4 bytes (IPv4) or 16 (IPv6)");
    return NULL;
  }
  ssize_t n;
  if ((src && slen == 16) || ttl >= 0) {
    /* Ancillary data: the IPv6 source (IPV6_PKTINFO), and a TTL / hop limit of this packet only. */
    struct iovec iov = {.iov_base = data, .iov_len = len};
    union {
      char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int))];
      struct cmsghdr align;
    } cbuf;
    memset(&cbuf, 0, sizeof cbuf);
    struct msghdr mh = {.msg_name = &ss, .msg_namelen = sl, .msg_iov = &iov, .msg_iovlen = 1,
                        .msg_control = cbuf.buf, .msg_controllen = sizeof cbuf.buf};
    struct cmsghdr *c = (struct cmsghdr *)cbuf.buf;
    size_t used = 0;
    if (src && slen == 16) {
      c->cmsg_level = IPPROTO_IPV6;
      c->cmsg_type = IPV6_PKTINFO;
      c->cmsg_len = CMSG_LEN(sizeof(struct in6_pktinfo));
      struct in6_pktinfo *pi = (struct in6_pktinfo *)CMSG_DATA(c);
      memcpy(&pi->ipi6_addr, src, 16);
      pi->ipi6_ifindex = (unsigned)ifindex;
      used += CMSG_SPACE(sizeof(struct in6_pktinfo));
      c = (struct cmsghdr *)(cbuf.buf + used);
    }
    if (ttl >= 0) {
      c->cmsg_level = family == 6 ? IPPROTO_IPV6 : IPPROTO_IP;
      c->cmsg_type = family == 6 ? IPV6_HOPLIMIT : IP_TTL;
      c->cmsg_len = CMSG_LEN(sizeof(int));
      int v = ttl;
      memcpy(CMSG_DATA(c), &v, sizeof v);
      used += CMSG_SPACE(sizeof(int));
    }
    mh.msg_controllen = used;
    n = sendmsg(fd, &mh, 0);
  } else {
    n = sendto(fd, data, len, 0, (struct sockaddr *)&ss, sl);
  }
  if (n < 0) return errno_error(env, "sendto", errno);
  return make_int(env, (int32_t)n);
}

/* bindAddress(fd, family, addrBytes): the source address of what the socket sends. */
napi_value halb_bind_address(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  int32_t fd, family;
  void *addr;
  size_t alen;
  ARG_CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 3 || get_int(env, argv[0], &fd) || get_int(env, argv[1], &family) || get_buffer(env, argv[2], &addr, &alen)) {
    napi_throw_type_error(env, NULL, "bindAddress(fd, family, addr)");
    return NULL;
  }
  struct sockaddr_storage ss;
  socklen_t sl = fill_sockaddr(&ss, family, addr, alen, 0);
  if (sl == 0) {
    napi_throw_range_error(env, NULL, "bindAddress: 4 or 16 bytes");
    return NULL;
  }
  int rc = bind(fd, (struct sockaddr *)&ss, sl);
  if (rc != 0) return errno_error(env, "bind", errno);
  return NULL;
}

/*
 * setRcvBuf(fd, bytes): the socket's receive buffer (SO_RCVBUFFORCE, past
 * rmem_max, as root; else SO_RCVBUF, capped by rmem_max); returns the size
 * the kernel then reports (twice the request: its bookkeeping is counted in).
 */
napi_value halb_set_rcvbuf(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t fd, bytes;
  ARG_CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2 || get_int(env, argv[0], &fd) || get_int(env, argv[1], &bytes) || bytes < 0) {
    napi_throw_type_error(env, NULL, "setRcvBuf(fd, bytes)");
    return NULL;
  }
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) != 0 &&
      setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes) != 0)
    return errno_error(env, "setsockopt(SO_RCVBUF)", errno);
  int got = 0;
  socklen_t len = sizeof got;
  if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &len) != 0)
    return errno_error(env, "getsockopt(SO_RCVBUF)", errno);
  return make_int(env, got);
}

/*
 * multicastSource(fd, ifindex, addr4): IPv4 multicast leaves by ifindex with
 * source addr4 (IP_MULTICAST_IF with ip_mreqn). Unlike bind(), this does not
 * filter what the socket receives by destination (use_vmac: the VMAC holds no
 * address of its own, the adverts carry the base interface's).
 */
napi_value halb_multicast_source(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  int32_t fd, ifindex;
  void *addr;
  size_t alen;
  ARG_CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 3 || get_int(env, argv[0], &fd) || get_int(env, argv[1], &ifindex) || get_buffer(env, argv[2], &addr, &alen) || alen != 4) {
    napi_throw_type_error(env, NULL, "multicastSource(fd, ifindex, addr: 4 bytes)");
    return NULL;
  }
  struct ip_mreqn mreq;
  memset(&mreq, 0, sizeof mreq);
  mreq.imr_ifindex = ifindex;
  memcpy(&mreq.imr_address, addr, 4);
  if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof mreq) != 0)
    return errno_error(env, "setsockopt(IP_MULTICAST_IF)", errno);
  return NULL;
}

/* mkfifo(path, mode): creates a FIFO; an existing one is fine (notify_fifo). */
napi_value halb_mkfifo(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  char path[4096];
  size_t len;
  int32_t mode;
  ARG_CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2 || napi_get_value_string_utf8(env, argv[0], path, sizeof path, &len) != napi_ok || get_int(env, argv[1], &mode)) {
    napi_throw_type_error(env, NULL, "mkfifo(path, mode)");
    return NULL;
  }
  if (mkfifo(path, (mode_t)mode) != 0 && errno != EEXIST) return errno_error(env, path, errno);
  return NULL;
}

/* packetOpen(): an AF_PACKET socket that only sends (protocol 0: it receives nothing). */
napi_value halb_packet_open(napi_env env, napi_callback_info info) {
  (void)info;
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno_error(env, "socket(AF_PACKET)", errno);
  return make_int(env, fd);
}

/* packetSend(fd, ifindex, frame): sends a whole Ethernet frame on the interface. */
napi_value halb_packet_send(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  int32_t fd, ifindex;
  void *frame;
  size_t len;
  ARG_CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 3 || get_int(env, argv[0], &fd) || get_int(env, argv[1], &ifindex) || get_buffer(env, argv[2], &frame, &len) || len < 14) {
    napi_throw_type_error(env, NULL, "packetSend(fd, ifindex, frame of at least 14 bytes)");
    return NULL;
  }
  struct sockaddr_ll ll;
  memset(&ll, 0, sizeof ll);
  ll.sll_family = AF_PACKET;
  ll.sll_ifindex = ifindex;
  ll.sll_halen = ETH_ALEN;
  memcpy(ll.sll_addr, frame, ETH_ALEN);
  memcpy(&ll.sll_protocol, (unsigned char *)frame + 12, 2);
  ssize_t n = sendto(fd, frame, len, 0, (struct sockaddr *)&ll, sizeof ll);
  if (n < 0) return errno_error(env, "sendto(AF_PACKET)", errno);
  return make_int(env, (int32_t)n);
}

napi_value halb_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t fd;
  ARG_CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || get_int(env, argv[0], &fd)) {
    napi_throw_type_error(env, NULL, "close(fd)");
    return NULL;
  }
  if (close(fd) != 0) return errno_error(env, "close", errno);
  return NULL;
}

/* --- receiving ----------------------------------------------------------- */

/* The batch each wakeup fills (see deliver_batch), the room kept for one packet, an IPv6 record's head. */
#define BATCH_BYTES 65536
#define BATCH_ROOM 4096
#define V6_HEAD 34 /* hop limit, source, destination */

typedef struct {
  uv_poll_t poll;
  napi_env env;
  napi_ref callback;
  napi_async_context ctx;
  int fd;
  int family;
  int stopped;
  napi_ref batch_ref; /* the watcher's buffer (a Node Buffer made once, reused every wakeup) */
  unsigned char *batch_buf;
  /* The repeat fast path (below): one entry per VRID, made when armed. */
  struct fast_entry *fast[256];
  napi_ref fast_ref;  /* the ArrayBuffer JS reads: last seen (f64 ms) then counts (u32), by VRID */
  double *fast_seen;
  uint32_t *fast_count;
} watcher_t;

/*
 * The repeat fast path. A backup hears its master's same advert every
 * interval, byte for byte, and all it does with it is move its master-down
 * time later. Once JS has checked an advert and found it changes nothing but
 * that time, it arms an entry for the VRID with the packet (source,
 * destination, TTL, VRRP bytes); a packet equal to the entry in all of them
 * is then not handed up: its arrival time (CLOCK_MONOTONIC, ms) and a count
 * go into an ArrayBuffer that JS reads when its master-down check comes. A
 * wakeup whose packets were all repeats calls no JS at all, which was most of
 * a backup's cost (napi_make_callback and the JS around each wakeup). Anything
 * else (another priority, a priority-0 advert, another source, an AH or
 * auth_hmac packet, which differ every time) goes up as before. JS clears the
 * entry whenever the instance's state changes (vrrp/instance.ts).
 */
typedef struct fast_entry {
  int ttl; /* -1: any */
  unsigned char src[16];
  unsigned char dst[16];
  size_t len;
  unsigned char payload[];
} fast_entry_t;

static double monotonic_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Whether the packet at rec (n bytes, as recorded for the watcher's family) repeats an armed entry; if so it is counted. */
static int fast_repeat(watcher_t *w, const unsigned char *rec, size_t n) {
  if (!w->fast_seen) return 0;
  const unsigned char *src, *dst, *payload;
  size_t alen, plen;
  int ttl;
  if (w->family == 4) {
    if (n < 20) return 0;
    size_t ihl = (size_t)(rec[0] & 15) * 4;
    if (ihl < 20 || n < ihl + 2 || rec[9] != 112) return 0;
    ttl = rec[8];
    src = rec + 12;
    dst = rec + 16;
    alen = 4;
    payload = rec + ihl;
    plen = n - ihl;
  } else if (w->family == 6) {
    if (n < V6_HEAD + 2) return 0;
    uint16_t hop;
    memcpy(&hop, rec, 2);
    hop = ntohs(hop);
    ttl = hop == 0xffff ? -1 : hop;
    src = rec + 2;
    dst = rec + 18;
    alen = 16;
    payload = rec + V6_HEAD;
    plen = n - V6_HEAD;
  } else {
    return 0;
  }
  const fast_entry_t *e = w->fast[payload[1]];
  if (!e || e->len != plen || (e->ttl >= 0 && e->ttl != ttl)) return 0;
  if (memcmp(e->src, src, alen) != 0 || memcmp(e->dst, dst, alen) != 0 || memcmp(e->payload, payload, plen) != 0)
    return 0;
  w->fast_seen[payload[1]] = monotonic_ms();
  w->fast_count[payload[1]]++;
  return 1;
}

static void fast_free(watcher_t *w) {
  for (int i = 0; i < 256; i++) {
    free(w->fast[i]);
    w->fast[i] = NULL;
  }
}

/* Calls the watcher's callback; never leaves an exception pending. */
static void call_back(watcher_t *w, size_t argc, napi_value *argv) {
  napi_env env = w->env;
  napi_value cb, recv, result;
  napi_get_reference_value(env, w->callback, &cb);
  napi_get_global(env, &recv); /* napi_make_callback needs an object as `this` */
  if (napi_make_callback(env, w->ctx, recv, cb, argc, argv, &result) != napi_ok) {
    /* Never leave an exception pending: it would surface in an unrelated call. */
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (pending) {
      napi_value ex;
      napi_get_and_clear_last_exception(env, &ex);
      napi_fatal_exception(env, ex);
    }
  }
}

/*
 * A watcher: up to 64 packets read in one wakeup go up in one
 * callback, (buffer, length), in a buffer the watcher made once and fills
 * again at the next wakeup: no Buffer is made per wakeup or per packet (the
 * per-call cost a backup paid for every advert). Records, one per packet:
 *   IPv4 / family 0:  u16 length, the datagram (IPv4: with its IP header)
 *   IPv6:             u16 length, u16 hop limit (0xffff: none), source (16),
 *                     destination (16), the VRRP packet
 * (lengths in network order; family 0 length 0: the socket overran and
 * events were lost). A VRRP packet is at most about 1.1 KB; room for a 4 KB
 * one is kept, and a bigger one arrives truncated, which the caller's length
 * check drops.
 */

static void deliver_batch(watcher_t *w, size_t used) {
  napi_env env = w->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value argv[2];
  napi_get_reference_value(env, w->batch_ref, &argv[0]);
  napi_create_uint32(env, (uint32_t)used, &argv[1]);
  call_back(w, 2, argv);
  napi_close_handle_scope(env, scope);
}

/* One IPv6 packet into the batch at `rec`: the record's head from the ancillary data. */
static ssize_t recv_v6_record(int fd, unsigned char *rec) {
  struct sockaddr_in6 from;
  unsigned char control[256];
  struct iovec iov = {rec + 2 + V6_HEAD, BATCH_ROOM};
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_name = &from;
  msg.msg_namelen = sizeof from;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n = recvmsg(fd, &msg, 0);
  if (n < 0) return n;
  uint16_t hop = 0xffff;
  memset(rec + 2, 0, V6_HEAD);
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) {
      /* An IPv4 datagram on a dual-stack socket (udpOpen): its TTL. */
      int h;
      memcpy(&h, CMSG_DATA(c), sizeof h);
      if (h >= 0 && h <= 255) hop = (uint16_t)h;
      continue;
    }
    if (c->cmsg_level != IPPROTO_IPV6) continue;
    if (c->cmsg_type == IPV6_HOPLIMIT) {
      int h;
      memcpy(&h, CMSG_DATA(c), sizeof h);
      if (h >= 0 && h <= 255) hop = (uint16_t)h;
    }
    if (c->cmsg_type == IPV6_PKTINFO)
      memcpy(rec + 2 + 18, &((struct in6_pktinfo *)CMSG_DATA(c))->ipi6_addr, 16);
  }
  uint16_t hop_be = htons(hop);
  memcpy(rec + 2, &hop_be, 2);
  memcpy(rec + 2 + 2, &from.sin6_addr, 16);
  return n + V6_HEAD;
}

static void on_readable_batch(watcher_t *w) {
  unsigned char *batch = w->batch_buf;
  size_t used = 0;
  for (int i = 0; i < 64 && !w->stopped; i++) {
    if (BATCH_BYTES - used < BATCH_ROOM + 2 + V6_HEAD) {
      deliver_batch(w, used);
      used = 0;
      if (w->stopped) return;
    }
    ssize_t n = w->family == 6 ? recv_v6_record(w->fd, batch + used) : recv(w->fd, batch + used + 2, BATCH_ROOM, 0);
    if (n < 0 && errno == ENOBUFS && w->family == 0) {
      /* The socket overran and events were lost: an empty record says so (the caller rescans). */
      memset(batch + used, 0, 2);
      used += 2;
      continue;
    }
    if (n < 0) break; /* EAGAIN: drained */
    if (fast_repeat(w, batch + used + 2, (size_t)n)) continue;
    uint16_t len = htons((uint16_t)n);
    memcpy(batch + used, &len, sizeof len);
    used += 2 + (size_t)n;
  }
  if (used > 0 && !w->stopped) deliver_batch(w, used);
}

static void on_readable(uv_poll_t *handle, int status, int events) {
  watcher_t *w = (watcher_t *)handle->data;
  if (status < 0 || !(events & UV_READABLE)) return;
  on_readable_batch(w);
}

static void free_watcher(uv_handle_t *h) {
  free(h->data);
}

static void finalize_watcher(napi_env env, void *data, void *hint) {
  (void)env;
  (void)data;
  (void)hint;
}

/*
 * recvStart(fd, family, callback(buffer, length)): a watcher handle. Every packet of a
 * wakeup as records (above) in a buffer that is filled again at the next wakeup: what
 * the callback keeps, it copies. family 0: datagrams of another kind (the proc
 * connector), recorded as IPv4 packets are.
 */
napi_value halb_recv_start(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  int32_t fd, family;
  ARG_CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 3 || get_int(env, argv[0], &fd) || get_int(env, argv[1], &family) ||
      (family != 0 && family != 4 && family != 6)) {
    napi_throw_type_error(env, NULL, "recvStart(fd, family (0, 4 or 6), callback)");
    return NULL;
  }
  uv_loop_t *loop;
  ARG_CHECK(env, napi_get_uv_event_loop(env, &loop));
  watcher_t *w = calloc(1, sizeof *w);
  if (!w) return errno_error(env, "calloc", ENOMEM);
  w->env = env;
  w->fd = fd;
  w->family = family;
  napi_value buf;
  if (napi_create_buffer(env, BATCH_BYTES, (void **)&w->batch_buf, &buf) != napi_ok ||
      napi_create_reference(env, buf, 1, &w->batch_ref) != napi_ok) {
    free(w);
    napi_throw_error(env, NULL, "recvStart: no batch buffer");
    return NULL;
  }
  napi_value name, resource;
  napi_create_string_utf8(env, "halb.recv", NAPI_AUTO_LENGTH, &name);
  napi_create_object(env, &resource);
  if (napi_create_reference(env, argv[2], 1, &w->callback) != napi_ok || napi_async_init(env, resource, name, &w->ctx) != napi_ok) {
    napi_delete_reference(env, w->batch_ref);
    free(w);
    napi_throw_error(env, NULL, "recvStart: cannot hold the callback");
    return NULL;
  }
  int rc = uv_poll_init(loop, &w->poll, fd);
  if (rc == 0) {
    w->poll.data = w;
    rc = uv_poll_start(&w->poll, UV_READABLE, on_readable);
  }
  if (rc != 0) {
    napi_delete_reference(env, w->callback);
    napi_delete_reference(env, w->batch_ref);
    napi_async_destroy(env, w->ctx);
    free(w);
    napi_throw_error(env, NULL, uv_strerror(rc));
    return NULL;
  }
  napi_value handle;
  napi_create_external(env, w, finalize_watcher, NULL, &handle);
  return handle;
}

/* recvStop(handle): stops the watcher (the fd stays open: close it after). */
napi_value halb_recv_stop(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *data;
  ARG_CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || napi_get_value_external(env, argv[0], &data) != napi_ok) {
    napi_throw_type_error(env, NULL, "recvStop(handle)");
    return NULL;
  }
  watcher_t *w = data;
  if (w->stopped) return NULL;
  w->stopped = 1;
  uv_poll_stop(&w->poll);
  napi_delete_reference(env, w->callback);
  if (w->batch_ref) napi_delete_reference(env, w->batch_ref);
  w->batch_ref = NULL;
  if (w->fast_ref) napi_delete_reference(env, w->fast_ref);
  w->fast_ref = NULL;
  w->fast_seen = NULL;
  w->fast_count = NULL;
  fast_free(w);
  w->batch_buf = NULL;
  napi_async_destroy(env, w->ctx);
  uv_close((uv_handle_t *)&w->poll, free_watcher);
  return NULL;
}

/* --- the repeat fast path (see fast_repeat) --------------------------------- */

static watcher_t *watcher_arg(napi_env env, napi_value v) {
  void *data;
  if (napi_get_value_external(env, v, &data) != napi_ok) return NULL;
  watcher_t *w = data;
  return w->stopped ? NULL : w;
}

/* fastInit(handle): the ArrayBuffer of last-seen times (256 f64, ms) and counts (256 u32), by VRID. */
napi_value halb_fast_init(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  ARG_CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  watcher_t *w = argc < 1 ? NULL : watcher_arg(env, argv[0]);
  if (!w) {
    napi_throw_type_error(env, NULL, "fastInit(handle of a running watcher)");
    return NULL;
  }
  napi_value ab;
  if (w->fast_ref) {
    napi_get_reference_value(env, w->fast_ref, &ab);
    return ab;
  }
  void *data;
  if (napi_create_arraybuffer(env, 256 * 8 + 256 * 4, &data, &ab) != napi_ok ||
      napi_create_reference(env, ab, 1, &w->fast_ref) != napi_ok) {
    napi_throw_error(env, NULL, "fastInit: no buffer");
    return NULL;
  }
  memset(data, 0, 256 * 8 + 256 * 4);
  w->fast_seen = data;
  w->fast_count = (uint32_t *)((unsigned char *)data + 256 * 8);
  return ab;
}

/* fastArm(handle, vrid, ttl (-1: any), src, dst, payload): repeats of this packet are counted, not handed up. */
napi_value halb_fast_arm(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  int32_t vrid, ttl;
  void *src, *dst, *payload;
  size_t slen, dlen, plen;
  ARG_CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  watcher_t *w = argc < 6 ? NULL : watcher_arg(env, argv[0]);
  if (!w || !w->fast_seen || get_int(env, argv[1], &vrid) || get_int(env, argv[2], &ttl) ||
      get_buffer(env, argv[3], &src, &slen) || get_buffer(env, argv[4], &dst, &dlen) ||
      get_buffer(env, argv[5], &payload, &plen) || vrid < 0 || vrid > 255 || ttl < -1 || ttl > 255 ||
      slen != (w->family == 6 ? 16u : 4u) || dlen != slen || plen < 2 || plen > BATCH_ROOM ||
      ((unsigned char *)payload)[1] != vrid) {
    napi_throw_type_error(env, NULL, "fastArm(handle, vrid, ttl, src, dst, payload)");
    return NULL;
  }
  fast_entry_t *e = realloc(w->fast[vrid], sizeof *e + plen);
  if (!e) return errno_error(env, "fastArm", ENOMEM);
  e->ttl = ttl;
  memset(e->src, 0, sizeof e->src);
  memset(e->dst, 0, sizeof e->dst);
  memcpy(e->src, src, slen);
  memcpy(e->dst, dst, dlen);
  e->len = plen;
  memcpy(e->payload, payload, plen);
  w->fast[vrid] = e;
  return NULL;
}

/* fastClear(handle, vrid): every packet of this VRID goes up again. */
napi_value halb_fast_clear(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t vrid;
  ARG_CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  watcher_t *w = argc < 2 ? NULL : watcher_arg(env, argv[0]);
  if (!w) return NULL; /* a stopped watcher has none */
  if (get_int(env, argv[1], &vrid) || vrid < 0 || vrid > 255) {
    napi_throw_type_error(env, NULL, "fastClear(handle, vrid)");
    return NULL;
  }
  free(w->fast[vrid]);
  w->fast[vrid] = NULL;
  return NULL;
}

/* monotonicMs(): CLOCK_MONOTONIC in milliseconds, the clock of fastInit's times. */
napi_value halb_monotonic_ms(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  napi_create_double(env, monotonic_ms(), &out);
  return out;
}
