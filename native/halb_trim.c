/*
 * halb_sys, trimMappings(path): gives back the pages of `path`'s read-only
 * file mappings that this process has mapped (MADV_DONTNEED). A Node process
 * touches a few MB of its 100 MB executable's text and read-only data while it
 * runs, but starting it up (and the kernel's fault-around, 64 KB per fault)
 * maps tens of MB that are never used again. The pages stay in the page cache
 * (shared, reclaimable); whatever runs again faults back in from there. Only
 * mappings that are not writable and hold no anonymous (copy-on-write) page
 * are touched: a relocated RELRO page would otherwise be read back from the
 * file unrelocated. Returns the kB that were mapped in the mappings trimmed.
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <malloc.h>
#include <sys/mman.h>

#include "halb_net.h"

typedef struct {
  unsigned long start, end;
  int eligible;
  long rss_kb;
} mapping_t;

static void trim(mapping_t *m, long *total) {
  if (!m->eligible || m->end <= m->start) return;
  if (madvise((void *)m->start, m->end - m->start, MADV_DONTNEED) == 0) *total += m->rss_kb;
}

napi_value halb_trim_mappings(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  char path[4096];
  size_t plen = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_string_utf8(env, argv[0], path, sizeof path, &plen) != napi_ok || plen == 0) {
    napi_throw_type_error(env, NULL, "trimMappings(path)");
    return NULL;
  }
  FILE *f = fopen("/proc/self/smaps", "re");
  if (!f) return halb_errno_error(env, "open /proc/self/smaps", errno);
  char line[8192];
  mapping_t cur = {0, 0, 0, 0};
  long total = 0;
  while (fgets(line, sizeof line, f)) {
    unsigned long a, b;
    char perms[8];
    int name_at = 0;
    if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %n", &a, &b, perms, &name_at) == 3 && strchr(line, '-') &&
        name_at > 0) {
      trim(&cur, &total);
      char *name = line + name_at;
      name[strcspn(name, "\n")] = 0;
      cur.start = a;
      cur.end = b;
      cur.rss_kb = 0;
      cur.eligible = perms[1] != 'w' && strcmp(name, path) == 0;
      continue;
    }
    long kb;
    if (sscanf(line, "Rss: %ld kB", &kb) == 1) cur.rss_kb = kb;
    else if (sscanf(line, "Anonymous: %ld kB", &kb) == 1 && kb > 0) cur.eligible = 0;
  }
  trim(&cur, &total);
  fclose(f);
  napi_create_int64(env, total, &out);
  return out;
}

/*
 * mallocTrim(): glibc's malloc_trim(0), after a heap compaction: the free
 * pages inside every malloc arena go back to the kernel (a reload's burst
 * leaves megabytes of them that malloc keeps for reuse). Returns whether any
 * memory was released.
 */
napi_value halb_malloc_trim(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  napi_get_boolean(env, malloc_trim(0) != 0, &out);
  return out;
}
