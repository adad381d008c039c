/**
 * The fewest kernel changes that turn the current IPVS table into the desired
 * one. Unchanged services and destinations are not touched (a reload keeps
 * live connections); a service or destination that exists with other settings
 * is edited, never deleted and added again (so at start halb adopts what a
 * previous run left). Pure.
 *
 * Order: services that go away first, then for each wanted service its add or
 * edit, its destinations' edits, adds and, last, deletes: a service never
 * goes without a destination while one replaces another (the real servers
 * come back before the sorry server leaves, as keepalived does it), so no
 * new connection in between finds nowhere to go.
 */
import type { IpvsOp } from './ops';
import {
  destKeyId,
  serviceKeyId,
  serviceKeyOf,
  type IpvsDest,
  type IpvsService,
  type TableEntry,
} from './types';

export interface DiffOptions {
  /**
   * Which kernel services not in the desired table to delete. Default: all
   * (the appliance owns the kernel's table); pass a predicate to leave others' alone.
   */
  readonly owns?: (s: IpvsService) => boolean;
}

export function sameService(a: IpvsService, b: IpvsService): boolean {
  const pa = a.persistence;
  const pb = b.persistence;
  return (
    a.scheduler === b.scheduler &&
    !!a.flags.onePacket === !!b.flags.onePacket &&
    !!a.flags.fallback === !!b.flags.fallback &&
    !!a.flags.port === !!b.flags.port &&
    !!a.flags.flag3 === !!b.flags.flag3 &&
    (pa === undefined) === (pb === undefined) &&
    (pa === undefined ||
      pb === undefined ||
      (pa.timeoutS === pb.timeoutS &&
        pa.netmaskBits === pb.netmaskBits &&
        (pa.engine ?? '') === (pb.engine ?? '')))
  );
}

export function sameDest(a: IpvsDest, b: IpvsDest): boolean {
  if (
    a.forwarding !== b.forwarding ||
    a.weight !== b.weight ||
    a.upperThreshold !== b.upperThreshold ||
    a.lowerThreshold !== b.lowerThreshold
  )
    return false;
  if (a.forwarding !== 'TUN') return true;
  const ta = a.tunnel;
  const tb = b.tunnel;
  return (
    (ta?.type ?? 'ipip') === (tb?.type ?? 'ipip') &&
    (ta?.type === 'gue' ? (ta.port ?? 0) === (tb?.port ?? 0) : true) &&
    (ta?.checksum ?? 'nocsum') === (tb?.checksum ?? 'nocsum')
  );
}

/** Only the domain fields: listed entries carry counters the kernel must not be sent. */
function destOnly(d: IpvsDest): IpvsDest {
  return {
    family: d.family,
    address: d.address,
    port: d.port,
    forwarding: d.forwarding,
    weight: d.weight,
    upperThreshold: d.upperThreshold,
    lowerThreshold: d.lowerThreshold,
    ...(d.tunnel ? { tunnel: d.tunnel } : {}),
  };
}

export function diffTable(
  desired: readonly TableEntry[],
  current: readonly TableEntry[],
  opts: DiffOptions = {},
): IpvsOp[] {
  const ops: IpvsOp[] = [];
  const now = new Map(current.map((e) => [serviceKeyId(e.service), e]));
  const wanted = new Set(desired.map((e) => serviceKeyId(e.service)));
  const owns = opts.owns ?? (() => true);

  for (const [id, e] of now)
    if (!wanted.has(id) && owns(e.service))
      ops.push({ op: 'delete-service', service: serviceKeyOf(e.service) });

  for (const want of desired) {
    const key = serviceKeyOf(want.service);
    const have = now.get(serviceKeyId(want.service));
    if (!have) {
      ops.push({ op: 'add-service', service: want.service });
      for (const d of want.dests) ops.push({ op: 'add-dest', service: key, dest: destOnly(d) });
      continue;
    }
    if (!sameService(want.service, have.service))
      ops.push({ op: 'edit-service', service: want.service });
    const haveDests = new Map(have.dests.map((d) => [destKeyId(d), d]));
    const wantIds = new Set(want.dests.map(destKeyId));
    for (const d of want.dests) {
      const h = haveDests.get(destKeyId(d));
      if (h && !sameDest(d, h)) ops.push({ op: 'edit-dest', service: key, dest: destOnly(d) });
    }
    for (const d of want.dests)
      if (!haveDests.has(destKeyId(d)))
        ops.push({ op: 'add-dest', service: key, dest: destOnly(d) });
    for (const [id, d] of haveDests)
      if (!wantIds.has(id)) ops.push({ op: 'delete-dest', service: key, dest: destOnly(d) });
  }
  return ops;
}
