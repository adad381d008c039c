/*
 * halb_sys, TCP probes for TCP_CHECK: a non-blocking connect() watched on
 * Node's own loop, closed with a reset (SO_LINGER 0) as soon as it completes,
 * so a check costs one socket and no JS stream. Results come back through one
 * callback registered with probeInit: callback(id, errno, fd), errno 0 when
 * connected, ETIMEDOUT when connect_timeout passed first. The socket can
 * carry a mark (fwmark: SO_MARK) and be bound to an interface (bind_if:
 * SO_BINDTODEVICE) before it binds and connects; with `keep` a connected
 * socket is handed over (fd >= 0) instead of reset, for a checker that talks
 * on it (HTTP, SMTP) through a node:net socket made from the fd.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <uv.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "halb_net.h"

typedef struct {
  uv_poll_t poll;
  uv_timer_t timer;
  int fd;
  int32_t id;
  int open_handles;
  int done;
  int keep;
} probe_t;

static napi_env probe_env;
static napi_ref probe_callback;
static napi_async_context probe_ctx;

static void probe_free(uv_handle_t *h) {
  probe_t *p = h->data;
  if (--p->open_handles == 0) free(p);
}

static void probe_finish(probe_t *p, int err) {
  if (p->done) return;
  p->done = 1;
  uv_poll_stop(&p->poll);
  uv_timer_stop(&p->timer);
  int handed = p->keep && err == 0 ? p->fd : -1;
  if (handed < 0) {
    struct linger lg = {1, 0};
    setsockopt(p->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(p->fd);
  }
  int32_t id = p->id;
  uv_close((uv_handle_t *)&p->poll, probe_free);
  uv_close((uv_handle_t *)&p->timer, probe_free);
  napi_env env = probe_env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value cb, recv, argv[3], result;
  napi_get_reference_value(env, probe_callback, &cb);
  napi_get_global(env, &recv);
  napi_create_int32(env, id, &argv[0]);
  napi_create_int32(env, err, &argv[1]);
  napi_create_int32(env, handed, &argv[2]);
  napi_make_callback(env, probe_ctx, recv, cb, 3, argv, &result);
  napi_close_handle_scope(env, scope);
}

static void on_writable(uv_poll_t *h, int status, int events) {
  (void)events;
  probe_t *p = h->data;
  int err = 0;
  socklen_t len = sizeof err;
  /* A refused connect comes as POLLERR, which libuv reports as status UV_EBADF:
     the socket's own error says what happened. */
  if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  if (err == 0 && status < 0) err = EIO;
  probe_finish(p, err);
}

static void on_timeout(uv_timer_t *t) {
  probe_finish(t->data, ETIMEDOUT);
}

/* probeInit(callback): where every probe's result goes. */
napi_value halb_probe_init(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], name, resource;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) {
    napi_throw_type_error(env, NULL, "probeInit(callback)");
    return NULL;
  }
  if (probe_callback) {
    napi_delete_reference(env, probe_callback);
    napi_async_destroy(env, probe_ctx);
  }
  probe_env = env;
  napi_create_string_utf8(env, "halb.probe", NAPI_AUTO_LENGTH, &name);
  napi_create_object(env, &resource);
  if (napi_create_reference(env, argv[0], 1, &probe_callback) != napi_ok ||
      napi_async_init(env, resource, name, &probe_ctx) != napi_ok) {
    napi_throw_error(env, NULL, "probeInit: cannot hold the callback");
    return NULL;
  }
  return NULL;
}

static socklen_t probe_addr(struct sockaddr_storage *ss, int family, const void *addr, size_t alen, int port) {
  memset(ss, 0, sizeof *ss);
  if (family == 4 && alen == 4) {
    struct sockaddr_in *sa = (struct sockaddr_in *)ss;
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    memcpy(&sa->sin_addr, addr, 4);
    return sizeof *sa;
  }
  if (family == 6 && alen == 16) {
    struct sockaddr_in6 *sa = (struct sockaddr_in6 *)ss;
    sa->sin6_family = AF_INET6;
    sa->sin6_port = htons((uint16_t)port);
    memcpy(&sa->sin6_addr, addr, 16);
    return sizeof *sa;
  }
  return 0;
}

/*
 * tcpProbe(id, family, dst, port, src | null, srcPort, timeoutMs[, mark,
 * ifname | null, keep]): starts a probe; throws only when no socket could be
 * made or set up (the error is the result).
 */
napi_value halb_tcp_probe(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  int32_t id, family, port, src_port, timeout_ms;
  uint32_t mark = 0;
  bool keep = false;
  char ifname[64] = "";
  void *dst, *src = NULL;
  size_t dlen, slen = 0;
  napi_valuetype st;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 7 ||
      napi_get_value_int32(env, argv[0], &id) != napi_ok || napi_get_value_int32(env, argv[1], &family) != napi_ok ||
      napi_get_buffer_info(env, argv[2], &dst, &dlen) != napi_ok || napi_get_value_int32(env, argv[3], &port) != napi_ok ||
      napi_typeof(env, argv[4], &st) != napi_ok ||
      (st != napi_null && napi_get_buffer_info(env, argv[4], &src, &slen) != napi_ok) ||
      napi_get_value_int32(env, argv[5], &src_port) != napi_ok || napi_get_value_int32(env, argv[6], &timeout_ms) != napi_ok) {
    napi_throw_type_error(env, NULL, "tcpProbe(id, family, dst, port, src|null, srcPort, timeoutMs)");
    return NULL;
  }
  if (argc >= 10) {
    napi_valuetype it;
    size_t ilen = 0;
    if (napi_get_value_uint32(env, argv[7], &mark) != napi_ok || napi_typeof(env, argv[8], &it) != napi_ok ||
        (it != napi_null && napi_get_value_string_utf8(env, argv[8], ifname, sizeof ifname, &ilen) != napi_ok) ||
        napi_get_value_bool(env, argv[9], &keep) != napi_ok) {
      napi_throw_type_error(env, NULL, "tcpProbe(..., mark, ifname|null, keep)");
      return NULL;
    }
  }
  if (!probe_callback) {
    napi_throw_error(env, NULL, "tcpProbe: call probeInit first");
    return NULL;
  }
  struct sockaddr_storage to, from;
  socklen_t tl = probe_addr(&to, family, dst, dlen, port);
  socklen_t fl = (src || src_port) ? probe_addr(&from, family, src ? src : (family == 6 ? (const void *)&in6addr_any : (const void *)"\0\0\0\0"), src ? slen : (family == 6 ? 16 : 4), src_port) : 0;
  if (tl == 0 || ((src || src_port) && fl == 0)) {
    napi_throw_range_error(env, NULL, "tcpProbe: addresses must be 4 (IPv4) or 16 (IPv6) bytes");
    return NULL;
  }
  int fd = socket(family == 6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return halb_errno_error(env, "socket(tcp)", errno);
  if (mark && setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof mark) != 0) {
    int err = errno;
    close(fd);
    return halb_errno_error(env, "setsockopt(SO_MARK)", err);
  }
  if (ifname[0] && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname) + 1) != 0) {
    int err = errno;
    close(fd);
    return halb_errno_error(env, "setsockopt(SO_BINDTODEVICE)", err);
  }
  if (fl) {
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&from, fl) != 0) {
      int err = errno;
      close(fd);
      return halb_errno_error(env, "bind", err);
    }
  }
  if (connect(fd, (struct sockaddr *)&to, tl) != 0 && errno != EINPROGRESS) {
    int err = errno;
    close(fd);
    return halb_errno_error(env, "connect", err);
  }
  uv_loop_t *loop;
  napi_get_uv_event_loop(env, &loop);
  probe_t *p = calloc(1, sizeof *p);
  if (!p) {
    close(fd);
    return halb_errno_error(env, "calloc", ENOMEM);
  }
  p->fd = fd;
  p->id = id;
  p->keep = keep;
  p->poll.data = p;
  p->timer.data = p;
  uv_poll_init(loop, &p->poll, fd);
  uv_timer_init(loop, &p->timer);
  p->open_handles = 2;
  uv_poll_start(&p->poll, UV_WRITABLE, on_writable);
  uv_timer_start(&p->timer, on_timeout, (uint64_t)(timeout_ms > 0 ? timeout_ms : 1), 0);
  return NULL;
}
