/*
 * halb_sys, lockFileMappings(on): keepalived's *_no_swap for a V8 process.
 * keepalived calls mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT); in a Node
 * process that is fatal: V8 gives heap pages back with madvise(), which the
 * kernel refuses on locked memory, and V8 aborts (Check failed: 0 == ret in
 * DiscardSystemPages). So halb locks what V8 never gives back: every
 * file-backed mapping (the executable's text and read-only data, the shared
 * libraries, the addons), on fault (mlock2 MLOCK_ONFAULT), so a page in use
 * is never dropped and read back from flash under memory pressure. Anonymous
 * memory can only leave RAM for swap, which the firmware does not have.
 * false unlocks them. Returns the number of mappings locked or unlocked.
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "halb_net.h"

#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT 1
#endif

static int lock_on_fault(unsigned long start, unsigned long len) {
  return (int)syscall(SYS_mlock2, (void *)start, len, MLOCK_ONFAULT);
}

napi_value halb_lock_file_mappings(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  bool on = true;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok ||
      (argc >= 1 && napi_get_value_bool(env, argv[0], &on) != napi_ok)) {
    napi_throw_type_error(env, NULL, "lockFileMappings(on)");
    return NULL;
  }
  FILE *f = fopen("/proc/self/maps", "re");
  if (!f) return halb_errno_error(env, "open /proc/self/maps", errno);
  char line[4352];
  int count = 0, err = 0;
  while (fgets(line, sizeof line, f)) {
    unsigned long a, b;
    char perms[8];
    int name_at = 0;
    if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %n", &a, &b, perms, &name_at) != 3 || name_at <= 0) continue;
    const char *name = line + name_at;
    // A file: a path, not [heap], [stack], [vdso] or an anonymous mapping; not one without access.
    if (name[0] != '/' || strstr(name, " (deleted)") || strncmp(perms, "---", 3) == 0) continue;
    if ((on ? lock_on_fault(a, b - a) : munlock((void *)a, b - a)) == 0) count++;
    else if (!err) err = errno;
  }
  fclose(f);
  if (count == 0 && err) return halb_errno_error(env, on ? "mlock2" : "munlock", err);
  napi_create_int32(env, count, &out);
  return out;
}
