/**
 * The changes the reconciler asks of the kernel, how each is encoded, and how
 * a kernel error on one reads (naming the virtual and real server, with the
 * errno's name). Pure.
 */
import * as util from 'node:util';
import {
  hostPort,
  serviceKeyId,
  serviceName,
  type IpvsDest,
  type IpvsService,
  type ServiceKey,
} from './types';
import { AttrWriter } from '../platform/netlink-attrs';
import { encodeInto } from './encode';

export type IpvsOp =
  | { readonly op: 'add-service'; readonly service: IpvsService }
  | { readonly op: 'edit-service'; readonly service: IpvsService }
  | { readonly op: 'delete-service'; readonly service: ServiceKey }
  | { readonly op: 'add-dest'; readonly service: ServiceKey; readonly dest: IpvsDest }
  | { readonly op: 'edit-dest'; readonly service: ServiceKey; readonly dest: IpvsDest }
  | { readonly op: 'delete-dest'; readonly service: ServiceKey; readonly dest: IpvsDest };

/** Appends the request for one op to a writer (a batch). */
export function writeOp(w: AttrWriter, o: IpvsOp): void {
  switch (o.op) {
    case 'add-service':
      return encodeInto.newService(w, o.service);
    case 'edit-service':
      return encodeInto.setService(w, o.service);
    case 'delete-service':
      return encodeInto.delService(w, o.service);
    case 'add-dest':
      return encodeInto.newDest(w, o.service, o.dest);
    case 'edit-dest':
      return encodeInto.setDest(w, o.service, o.dest);
    case 'delete-dest':
      return encodeInto.delDest(w, o.service, o.dest);
  }
}

/** One op's request on its own (genl header and attributes). */
export function encodeOp(o: IpvsOp): Buffer {
  const w = new AttrWriter();
  writeOp(w, o);
  return w.finish();
}

export function errnoName(errno: number): string {
  try {
    return util.getSystemErrorName(-Math.abs(errno));
  } catch {
    return `errno ${errno}`;
  }
}

/** What a kernel errno means for this op, in words (ip_vs_ctl.c's return paths). */
function meaning(o: IpvsOp, code: string): string {
  const svc = o.op.endsWith('service');
  if (svc && 'scheduler' in o.service && code === 'ENOENT') {
    const pe = o.service.persistence?.engine;
    return pe
      ? `scheduler '${o.service.scheduler}' or persistence engine '${pe}' not available`
      : `scheduler '${o.service.scheduler}' not available`;
  }
  if (code === 'ESRCH') return 'no such virtual server';
  if (code === 'EEXIST') return svc ? 'already exists' : 'real server already exists';
  if (code === 'ENOENT' && !svc) return 'no such real server';
  if (code === 'EAFNOSUPPORT') return 'address family not supported by this kernel';
  if (code === 'EPERM') return 'not permitted (needs CAP_NET_ADMIN)';
  if (code === 'ERANGE' || code === 'EINVAL')
    return svc ? 'invalid settings' : 'invalid weight, thresholds or forwarding';
  return 'rejected';
}

const VERB: Record<IpvsOp['op'], string> = {
  'add-service': 'add',
  'edit-service': 'edit',
  'delete-service': 'delete',
  'add-dest': 'add',
  'edit-dest': 'edit',
  'delete-dest': 'delete',
};

/** "virtual server 192.0.2.10:80 (TCP): scheduler 'foo' not available (ENOENT)" */
export function opErrorMessage(o: IpvsOp, errno: number): string {
  const code = errnoName(errno);
  const dest =
    'dest' in o ? `: real server ${hostPort(o.dest.address, o.dest.port, o.dest.family)}` : '';
  return `virtual server ${serviceName(o.service)}${dest}: cannot ${VERB[o.op]}: ${meaning(o, code)} (${code})`;
}

export function describeOp(o: IpvsOp): string {
  const dest =
    'dest' in o
      ? ` real server ${hostPort(o.dest.address, o.dest.port, o.dest.family)}` +
        (o.op === 'delete-dest' ? '' : ` weight ${o.dest.weight}`)
      : '';
  return `${o.op} ${serviceName(o.service)}${dest}`;
}

export interface IpvsOpError {
  readonly op: IpvsOp;
  readonly errno: number;
  readonly code: string;
  readonly message: string;
}

export interface ApplyResult {
  readonly applied: number;
  readonly errors: readonly IpvsOpError[];
  /** Destination changes not attempted in the kernel's eyes because their service failed. */
  readonly skipped: number;
}

/**
 * The outcome of a batch from each op's errno (0: done). Destination ops that
 * failed with ESRCH because their service's own add failed are counted as
 * skipped: the service's error says it all.
 */
export function summarize(ops: readonly IpvsOp[], errnos: readonly number[]): ApplyResult {
  const failedServices = new Set<string>();
  const errors: IpvsOpError[] = [];
  let applied = 0;
  let skipped = 0;
  ops.forEach((o, i) => {
    const errno = errnos[i] ?? 0;
    if (errno === 0) {
      applied++;
      return;
    }
    const id = serviceKeyId(o.service);
    if ('dest' in o && failedServices.has(id) && errnoName(errno) === 'ESRCH') {
      skipped++;
      return;
    }
    if (o.op === 'add-service') failedServices.add(id);
    errors.push({ op: o, errno, code: errnoName(errno), message: opErrorMessage(o, errno) });
  });
  return { applied, errors, skipped };
}
