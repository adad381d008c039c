/**
 * The daemon's SNMP side: with `enable_snmp_rfcv3` (or `enable_snmp_rfc`)
 * the VRRP instances are served as VRRPv3-MIB through the box's SNMP master
 * agent (snmp/agentx-agent.ts, at `snmp_socket`), and with `enable_traps` a
 * new master sends vrrpv3NewMaster, as keepalived's VRRP process does. A
 * reload that changes the socket or turns it off starts the subagent again
 * or stops it.
 */
import { flag, str } from '../config/access';
import type { ModelBlock } from '../config/validate';
import type { Logger } from '../core/log';
import { AgentxAgent, DEFAULT_SOCKET } from '../snmp/agentx-agent';
import {
  newMasterNotification,
  VRRPV3_MIB,
  vrrpv3Bindings,
  type SnmpVrrpRow,
} from '../snmp/vrrpv3-mib';

export interface SnmpSource {
  rows(): { rows: SnmpVrrpRow[]; nowMs: number };
  row(name: string): SnmpVrrpRow | undefined;
}

export class SnmpRuntime {
  private agent: AgentxAgent | undefined;
  private socket = '';
  private traps = false;

  constructor(
    private readonly log: Logger,
    private readonly source: () => SnmpSource | undefined,
  ) {}

  apply(model: ModelBlock): void {
    const g = model.global_defs as ModelBlock | undefined;
    const on = flag(g, 'enable_snmp_rfcv3') || flag(g, 'enable_snmp_rfc');
    this.traps = flag(g, 'enable_traps');
    const socket = on ? (str(g, 'snmp_socket') ?? DEFAULT_SOCKET) : '';
    if (socket === this.socket) return;
    void this.agent?.stop();
    this.agent = undefined;
    this.socket = socket;
    if (!on) return;
    this.log.info(`Starting SNMP subagent (VRRPv3-MIB) on ${socket}`);
    this.agent = new AgentxAgent({
      socket,
      subtrees: [VRRPV3_MIB],
      bindings: () => {
        const s = this.source()?.rows() ?? { rows: [], nowMs: 0 };
        return vrrpv3Bindings(s.rows, s.nowMs);
      },
      log: this.log,
    });
    this.agent.start();
  }

  /** An instance changed state: vrrpv3NewMaster when it became MASTER (enable_traps). */
  transition(name: string, to: string): void {
    if (to !== 'master' || !this.traps || !this.agent) return;
    const row = this.source()?.row(name);
    const vbs = row && newMasterNotification(row);
    if (!row || !vbs) return;
    this.log.detail(
      `(${name}) Sending SNMP notification vrrpv3NotifyNewMaster, reason ${row.stats.masterReason}`,
    );
    this.agent.notify(vbs);
  }

  async stop(): Promise<void> {
    await this.agent?.stop();
    this.agent = undefined;
    this.socket = '';
  }
}
