/**
 * net_namespace (keepalived's set_namespaces): the daemon runs in the named
 * network namespace, /var/run/netns/NAME as `ip netns add` makes it. At the
 * start, once the config is read and before anything opens a socket, the
 * process moves there and executes itself again (the addon's enterNetns, which
 * says why), with HALB_NETNS=NAME so that the new image knows it has arrived:
 * the same PID, the same command line, every thread and every child (the
 * checker process, scripts) in the namespace. What halb reads of interfaces
 * comes from netlink and ioctls, which answer for the namespace, never from
 * sysfs, which answers for the one it was mounted in. The name cannot change
 * at a reload (the daemon says so, as keepalived).
 */
import * as fs from 'node:fs';
import type { ModelBlock } from '../config/validate';
import type { Logger } from '../core/log';
import { halbSys } from '../platform/halb-sys';

export const NETNS_DIR = '/var/run/netns';

/** Moves into the config's namespace unless already there; returns its name ('' for none). Throws when it cannot. */
export function enterNetNamespace(model: ModelBlock, log: Pick<Logger, 'info'>): string {
  const name = model.net_namespace;
  if (typeof name !== 'string' || name === '') return '';
  if (process.env.HALB_NETNS === name) {
    log.info(`Running in network namespace ${name}`);
    return name;
  }
  const path = `${NETNS_DIR}/${name}`;
  if (!fs.existsSync(path))
    throw new Error(
      `net_namespace ${name}: no ${path}; make it first ('ip netns add ${name}') or remove the line`,
    );
  log.info(`Entering network namespace ${name}`);
  halbSys().enterNetns(path, name);
  throw new Error(`net_namespace ${name}: could not enter it`);
}
