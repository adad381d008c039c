/**
 * virtual_routes / virtual_rules into the kernel through rtnetlink, on the
 * same socket as the VIPs so the kernel sees them in order (a route with
 * `src VIP` needs the VIP in place first). Routes are tagged with protocol
 * 18 ("keepalived" in iproute2's rt_protos), as keepalived tags them; adding
 * replaces an equal route, removing an absent one is fine.
 */
import type { RtNetlinkSocket } from 'netlink/dist/rt/rt';
import { halbSys } from '../../platform/halb-sys';
import { ipBytes } from '../checksum';
import type { RouteSpec, RuleSpec } from '../routes';

const AF = { 4: 2, 6: 10 } as const;
const RTPROT_KEEPALIVED = 18;
const RT_TABLE_MAIN = 254;
const NLM_F_REPLACE = 0x100;
const NLM_F_CREATE = 0x400;
const NLM_F_EXCL = 0x200;
const RTNH_F_ONLINK = 4;
const RT_SCOPE_UNIVERSE = 0;
const RT_SCOPE_NOWHERE = 255;
const TYPE = { unicast: 1, local: 2, blackhole: 6, unreachable: 7, prohibit: 8, throw: 9 };
const RULE_ACTION = { lookup: 1, blackhole: 6, unreachable: 7, prohibit: 8 };

function gone(err: unknown): boolean {
  return /ESRCH|ENOENT|EADDRNOTAVAIL|ENODEV/.test((err as Error).message ?? '');
}

export class RtnetlinkRoutes {
  constructor(private readonly rtnl: () => RtNetlinkSocket) {}

  /**
   * keepalived 2.2.7's request: scope universe unless the route names one
   * (not `ip route`'s link scope for a route without a gateway); a removal
   * says "nowhere", which matches any scope.
   */
  private route(r: RouteSpec, removal = false): [object, object] {
    const table = r.table ?? RT_TABLE_MAIN;
    const scope = r.scope ?? (removal ? RT_SCOPE_NOWHERE : RT_SCOPE_UNIVERSE);
    const data = {
      family: AF[r.family],
      dstLen: r.dstLen,
      table: table < 256 ? table : 0,
      protocol: r.protocol ?? RTPROT_KEEPALIVED,
      scope,
      type: TYPE[r.type],
      ...(r.onlink ? { flags: { __unknown: RTNH_F_ONLINK } } : {}),
    };
    const attrs = {
      ...(r.dstLen > 0 ? { dst: ipBytes(r.dst) } : {}),
      ...(r.via ? { gateway: ipBytes(r.via) } : {}),
      ...(r.src ? { prefsrc: ipBytes(r.src) } : {}),
      ...(r.dev ? { oif: halbSys().ifNameToIndex(r.dev) } : {}),
      ...(r.metric !== undefined ? { priority: r.metric } : {}),
      table,
    };
    return [data, attrs];
  }

  async addRoute(r: RouteSpec): Promise<void> {
    const [data, attrs] = this.route(r);
    try {
      await this.rtnl().newRoute(data, attrs, { flags: NLM_F_CREATE | NLM_F_REPLACE });
    } catch (err) {
      throw new Error(`cannot add route '${r.text}': ${(err as Error).message}`);
    }
  }

  async removeRoute(r: RouteSpec): Promise<void> {
    const [data, attrs] = this.route(r, true);
    try {
      await this.rtnl().delRoute(data, attrs);
    } catch (err) {
      if (!gone(err)) throw new Error(`cannot remove route '${r.text}': ${(err as Error).message}`);
    }
  }

  private rule(r: RuleSpec): [object, object] {
    const data = {
      family: AF[r.family],
      srcLen: r.from?.len ?? 0,
      dstLen: r.to?.len ?? 0,
      table: r.table !== undefined && r.table < 256 ? r.table : 0,
      action: RULE_ACTION[r.action],
    };
    const attrs = {
      ...(r.from ? { src: ipBytes(r.from.address) } : {}),
      ...(r.to ? { dst: ipBytes(r.to.address) } : {}),
      ...(r.table !== undefined ? { table: r.table } : {}),
      ...(r.priority !== undefined ? { priority: r.priority } : {}),
      ...(r.fwmark !== undefined ? { fwmark: r.fwmark } : {}),
      ...(r.fwmask !== undefined ? { fwmask: r.fwmask } : {}),
      ...(r.iif ? { iifname: r.iif } : {}),
      ...(r.oif ? { oifname: r.oif } : {}),
      protocol: RTPROT_KEEPALIVED,
    };
    return [data, attrs];
  }

  async addRule(r: RuleSpec): Promise<void> {
    const [data, attrs] = this.rule(r);
    try {
      await this.rtnl().newRule(data, attrs, { flags: NLM_F_CREATE | NLM_F_EXCL });
    } catch (err) {
      if (!/EEXIST/.test((err as Error).message))
        throw new Error(`cannot add rule '${r.text}': ${(err as Error).message}`);
    }
  }

  async removeRule(r: RuleSpec): Promise<void> {
    const [data, attrs] = this.rule(r);
    try {
      await this.rtnl().delRule(data, attrs);
    } catch (err) {
      if (!gone(err)) throw new Error(`cannot remove rule '${r.text}': ${(err as Error).message}`);
    }
  }
}
