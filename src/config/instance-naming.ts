/**
 * keepalived's names for one of several keepalived instances on a host:
 * `instance NAME`, `use_pid_dir` and `net_namespace NAME` at the top level,
 * `data_use_instance` in global_defs (keepalived 2.2.7 main.c, pidfile.c and
 * global_data.c's open_dump_file):
 * - the pid file: a -p given wins; with an instance name
 *   /run/keepalived/keepalived_NAME.pid; with use_pid_dir or a namespace
 *   /run/keepalived/keepalived.pid; else keepalived's /run/keepalived.pid, or
 *   none for `halb run` (the appliance's own command writes one only when asked);
 * - the log ident gains _NAMESPACE and _NAME ("Changing syslog ident to ...");
 * - with data_use_instance, SIGUSR1's file is keepalived.NAME.data
 *   (NAMESPACE_NAME with both); keepalived.stats keeps its name, as in 2.2.7.
 * The instance name is read at start only: keepalived ignores it on a reload.
 * Pure: the run-state directory (/run) comes from the caller.
 */
import { bool, str } from './access';
import type { ModelBlock } from './validate';

export interface InstanceNaming {
  readonly instance: string | undefined;
  readonly netns: string | undefined;
  /** Pid files in RUNDIR/keepalived/ (use_pid_dir, or an instance or a namespace). */
  readonly pidDir: boolean;
}

export function instanceNaming(root: ModelBlock): InstanceNaming {
  const instance = str(root, 'instance');
  const netns = str(root, 'net_namespace');
  return {
    instance,
    netns,
    pidDir: root.use_pid_dir === true || instance !== undefined || netns !== undefined,
  };
}

/**
 * The main pid file, or undefined for none. `keepalivedDefault`: the
 * executable runs as keepalived, which always writes one.
 */
export function pidFilePath(
  n: InstanceNaming,
  given: string | undefined,
  keepalivedDefault: boolean,
  runDir = '/run',
): string | undefined {
  if (given !== undefined) return given;
  if (n.instance !== undefined) return `${runDir}/keepalived/keepalived_${n.instance}.pid`;
  if (n.pidDir) return `${runDir}/keepalived/keepalived.pid`;
  return keepalivedDefault ? `${runDir}/keepalived.pid` : undefined;
}

/** NAMESPACE_NAME, NAMESPACE or NAME, as keepalived joins them; undefined when there are none. */
function names(n: InstanceNaming): string | undefined {
  const given = [n.netns, n.instance].filter((x) => x !== undefined);
  return given.length > 0 ? given.join('_') : undefined;
}

/** The log ident with the namespace and instance names, or undefined when there are none. */
export function instanceIdent(base: string, n: InstanceNaming): string | undefined {
  const suffix = names(n);
  return suffix === undefined ? undefined : `${base}_${suffix}`;
}

/** keepalived.data -> keepalived.NAME.data when data_use_instance is on and there is a name. */
export function dumpFileName(file: string, n: InstanceNaming, root: ModelBlock): string {
  const g = root.global_defs as ModelBlock | undefined;
  const suffix = names(n);
  if (!bool(g, 'data_use_instance', false) || suffix === undefined) return file;
  const dot = file.lastIndexOf('.');
  return `${file.slice(0, dot)}.${suffix}${file.slice(dot)}`;
}
