/**
 * The daemon's SNMP side: with `enable_snmp_rfcv3` the VRRP instances are
 * served as VRRPv3-MIB, with `enable_snmp_rfcv2` the VRRPv2 ones also as
 * VRRP-MIB (`enable_snmp_rfc`: both), through the box's SNMP master agent
 * (snmp/agentx-agent.ts, at `snmp_socket`); with `enable_traps` a new master
 * sends vrrpv3NewMaster / vrrpTrapNewMaster, as keepalived's VRRP process
 * does. With `enable_snmp_vrrp` (`enable_snmp_keepalived`) also
 * KEEPALIVED-MIB's global and VRRP parts (snmp/keepalived-mib.ts). A reload
 * that changes what is served or the socket starts the subagent again, or
 * stops it.
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
import { newMasterTrap, VRRP_MIB, vrrpBindings } from '../snmp/vrrp-mib';
import {
  globalBindings,
  groupStateTrap,
  instanceStateTrap,
  KEEPALIVED_MIB,
  vrrpBindings as kaVrrpBindings,
} from '../snmp/keepalived-mib';
import {
  type KaFacts,
  kaGlobals,
  kaInitialState,
  kaInstances,
  type KaRuntime,
  kaScripts,
  type KaScriptState,
  kaStaticAddresses,
  kaSyncGroups,
} from '../snmp/keepalived-rows';
import type {
  SyncGroupConfig,
  Vip,
  VrrpInstanceConfig,
  VrrpScriptConfig,
} from '../config/vrrp-config';

export interface SnmpSource {
  rows(): { rows: SnmpVrrpRow[]; nowMs: number };
  row(name: string): SnmpVrrpRow | undefined;
  ka(): {
    instances: readonly KaRuntime[];
    groups: readonly SyncGroupConfig[];
    groupState: (name: string) => 'init' | 'backup' | 'master' | 'fault';
    scripts: readonly VrrpScriptConfig[];
    scriptState: (name: string) => KaScriptState | undefined;
    statics: readonly Vip[];
  };
}

export class SnmpRuntime {
  private agent: AgentxAgent | undefined;
  private key = '';
  private traps = false;
  private v2 = false;
  private v3 = false;
  private ka = false;
  private model: ModelBlock = {};
  private agentStartedMs = 0;

  constructor(
    private readonly log: Logger,
    private readonly source: () => SnmpSource | undefined,
    private readonly facts: KaFacts & { readonly version: string },
  ) {}

  apply(model: ModelBlock): void {
    const g = model.global_defs as ModelBlock | undefined;
    const all = flag(g, 'enable_snmp_rfc');
    this.v3 = all || flag(g, 'enable_snmp_rfcv3');
    this.v2 = all || flag(g, 'enable_snmp_rfcv2');
    this.ka = flag(g, 'enable_snmp_vrrp');
    this.traps = flag(g, 'enable_traps');
    this.model = model;
    const on = this.v2 || this.v3 || this.ka;
    const socket = str(g, 'snmp_socket') ?? DEFAULT_SOCKET;
    const key = on ? `${socket} ${this.v2} ${this.v3} ${this.ka}` : '';
    if (key === this.key) return;
    void this.agent?.stop();
    this.agent = undefined;
    this.key = key;
    if (!on) return;
    const mibs = [
      ...(this.ka ? ['KEEPALIVED-MIB'] : []),
      ...(this.v3 ? ['VRRPv3-MIB'] : []),
      ...(this.v2 ? ['VRRP-MIB'] : []),
    ];
    this.log.info(`Starting SNMP subagent (${mibs.join(', ')}) on ${socket}`);
    this.agentStartedMs = performance.now();
    this.agent = new AgentxAgent({
      socket,
      subtrees: [
        ...(this.ka
          ? [
              [...KEEPALIVED_MIB, 1],
              [...KEEPALIVED_MIB, 2],
            ]
          : []),
        ...(this.v3 ? [VRRPV3_MIB] : []),
        ...(this.v2 ? [VRRP_MIB] : []),
      ],
      bindings: () => {
        const s = this.source()?.rows() ?? { rows: [], nowMs: 0 };
        return [
          ...(this.ka ? this.keepalivedBindings() : []),
          ...(this.v3 ? vrrpv3Bindings(s.rows, s.nowMs) : []),
          ...(this.v2
            ? vrrpBindings(s.rows, { traps: this.traps, agentStartedMs: this.agentStartedMs })
            : []),
        ];
      },
      log: this.log,
    });
    this.agent.start();
  }

  private keepalivedBindings() {
    const k = this.source()?.ka() ?? {
      instances: [],
      groups: [],
      groupState: () => 'init' as const,
      scripts: [],
      scriptState: () => undefined,
      statics: [],
    };
    return [
      ...globalBindings(kaGlobals(this.model, this.facts.version, this.facts)),
      ...kaVrrpBindings(
        kaSyncGroups(k.groups, k.groupState, this.model, this.facts.realPath),
        kaInstances(this.model, k.instances, k.groups, this.facts, k.scripts),
        kaScripts(k.scripts, k.scriptState, this.facts.realPath),
        kaStaticAddresses(k.statics, this.facts),
      ),
    ];
  }

  /**
   * An instance or sync group notification (MASTER, BACKUP, FAULT, STOP,
   * DELETED): KEEPALIVED-MIB's vrrpInstanceStateChange / vrrpSyncGroupStateChange
   * (enable_snmp_vrrp and enable_traps), sent where keepalived sends them.
   */
  notified(
    kind: 'INSTANCE' | 'GROUP',
    name: string,
    state: string,
    instance?: VrrpInstanceConfig,
  ): void {
    if (!this.ka || !this.traps || !this.agent) return;
    const routerId = kaGlobals(this.model, this.facts.version, this.facts).routerId ?? '';
    this.agent.notify(
      kind === 'GROUP' || !instance
        ? groupStateTrap(name, state, routerId)
        : instanceStateTrap(name, state, kaInitialState(instance), routerId),
    );
  }

  /** An instance changed state: vrrpv3NewMaster when it became MASTER (enable_traps). */
  transition(name: string, to: string): void {
    if (to !== 'master' || !this.traps || !this.agent) return;
    const row = this.source()?.row(name);
    if (!row) return;
    const v3 = this.v3 ? newMasterNotification(row) : undefined;
    if (v3) {
      this.log.detail(
        `(${name}) Sending SNMP notification vrrpv3NotifyNewMaster, reason ${row.stats.masterReason}`,
      );
      this.agent.notify(v3);
    }
    const v2 = this.v2 ? newMasterTrap(row) : undefined;
    if (v2) {
      this.log.detail(`(${name}) Sending SNMP notification vrrpTrapNewMaster`);
      this.agent.notify(v2);
    }
  }

  async stop(): Promise<void> {
    await this.agent?.stop();
    this.agent = undefined;
    this.key = '';
  }
}
