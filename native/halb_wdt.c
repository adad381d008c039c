/*
 * halb_sys watchdog functions: the Linux watchdog device API
 * (include/uapi/linux/watchdog.h) — open, set and read back the timeout,
 * keepalive, boot status, and the magic close ('V' before close) that tells
 * the driver a stop is deliberate.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/watchdog.h>

#include "halb_wdt.h"

static napi_value wdt_error(napi_env env, const char *what, int err) {
  char msg[200];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_value code, text, error, errnum;
  napi_create_string_utf8(env, err == ENOENT ? "ENOENT" : err == EBUSY ? "EBUSY" : err == EACCES ? "EACCES" : "EWATCHDOG", NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &text);
  napi_create_error(env, code, text, &error);
  napi_create_int32(env, err, &errnum);
  napi_set_named_property(env, error, "errno", errnum);
  napi_throw(env, error);
  return NULL;
}

static int args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want) {
    napi_throw_type_error(env, NULL, "halb_sys watchdog: missing argument");
    return -1;
  }
  return 0;
}

static napi_value int_value(napi_env env, int32_t v) {
  napi_value out;
  napi_create_int32(env, v, &out);
  return out;
}

/* wdtOpen(path): fd. Opening starts the watchdog. */
napi_value halb_wdt_open(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  char path[256] = {0};
  size_t len = 0;
  if (args(env, info, 1, argv)) return NULL;
  if (napi_get_value_string_utf8(env, argv[0], path, sizeof path, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "wdtOpen(path)");
    return NULL;
  }
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return wdt_error(env, path, errno);
  return int_value(env, fd);
}

/* wdtSetTimeout(fd, seconds): the timeout the driver actually set (it may round). */
napi_value halb_wdt_set_timeout(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd, secs;
  if (args(env, info, 2, argv)) return NULL;
  napi_get_value_int32(env, argv[0], &fd);
  napi_get_value_int32(env, argv[1], &secs);
  int t = secs;
  if (ioctl(fd, WDIOC_SETTIMEOUT, &t) != 0) return wdt_error(env, "WDIOC_SETTIMEOUT", errno);
  return int_value(env, t);
}

/* wdtGetTimeout(fd): seconds. */
napi_value halb_wdt_get_timeout(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (args(env, info, 1, argv)) return NULL;
  napi_get_value_int32(env, argv[0], &fd);
  int t = 0;
  if (ioctl(fd, WDIOC_GETTIMEOUT, &t) != 0) return wdt_error(env, "WDIOC_GETTIMEOUT", errno);
  return int_value(env, t);
}

/* wdtKeepalive(fd) */
napi_value halb_wdt_keepalive(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (args(env, info, 1, argv)) return NULL;
  napi_get_value_int32(env, argv[0], &fd);
  int dummy = 0;
  if (ioctl(fd, WDIOC_KEEPALIVE, &dummy) != 0) return wdt_error(env, "WDIOC_KEEPALIVE", errno);
  return NULL;
}

/* wdtBootStatus(fd): WDIOF_* flags of the last reboot (WDIOF_CARDRESET = the watchdog's). */
napi_value halb_wdt_boot_status(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (args(env, info, 1, argv)) return NULL;
  napi_get_value_int32(env, argv[0], &fd);
  int flags = 0;
  if (ioctl(fd, WDIOC_GETBOOTSTATUS, &flags) != 0) return wdt_error(env, "WDIOC_GETBOOTSTATUS", errno);
  return int_value(env, flags);
}

/* wdtIdentity(fd): the driver's name (WDIOC_GETSUPPORT). */
napi_value halb_wdt_identity(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (args(env, info, 1, argv)) return NULL;
  napi_get_value_int32(env, argv[0], &fd);
  struct watchdog_info wi;
  memset(&wi, 0, sizeof wi);
  if (ioctl(fd, WDIOC_GETSUPPORT, &wi) != 0) return wdt_error(env, "WDIOC_GETSUPPORT", errno);
  napi_value out;
  napi_create_string_utf8(env, (const char *)wi.identity, strnlen((const char *)wi.identity, sizeof wi.identity), &out);
  return out;
}

/* wdtClose(fd, magic): with magic, write 'V' first so the driver stops the timer. */
napi_value halb_wdt_close(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd;
  bool magic = false;
  if (args(env, info, 2, argv)) return NULL;
  napi_get_value_int32(env, argv[0], &fd);
  napi_get_value_bool(env, argv[1], &magic);
  if (magic && write(fd, "V", 1) != 1) {
    int err = errno;
    close(fd);
    return wdt_error(env, "watchdog magic close", err);
  }
  if (close(fd) != 0) return wdt_error(env, "close(watchdog)", errno);
  return NULL;
}
