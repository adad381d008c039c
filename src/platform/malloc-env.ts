/**
 * The environment halb starts its own long-running processes with (the
 * supervisor's children, the checker process): glibc's malloc limited to one
 * arena unless the user chose otherwise. By default every thread that
 * allocates gets an arena of its own (up to eight per core) and each keeps its
 * free memory: in the firmware VM the VRRP daemon's seven threads held 8 MB in
 * arenas beside 5.6 MB in the main heap. These processes allocate little
 * outside V8's heap and mostly on the main thread, so one arena costs no
 * measurable contention. rootfs-overlay's halb-service sets it for the
 * supervisor itself.
 */
export function withOneMallocArena(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return env.MALLOC_ARENA_MAX ? env : { ...env, MALLOC_ARENA_MAX: '1' };
}
