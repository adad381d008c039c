/**
 * Everything the console menu reaches outside itself, behind one interface:
 * the real one (real-context.ts) talks to the config store, the daemon and
 * the system; unit tests give a fake. The menu itself never touches a file.
 */
import type { IfAddress } from '../netconf/model';
import type { InterfaceView } from '../netconf/settings';
import type { GenerationInfo } from '../store/config-store';
import type { SecretsAccess } from './login';

export interface ConfigView {
  readonly body: string;
  /** 0: the shipped defaults; null: no config. */
  readonly generation: number | null;
  readonly note: string | null;
}

export interface ValidationView {
  readonly ok: boolean;
  /** file:line:col diagnostics (errors and warnings), named as keepalived.conf. */
  readonly messages: readonly string[];
}

export interface ConsoleContext {
  readonly banner: string;
  readonly secrets: SecretsAccess;
  /** The box's network interfaces (not lo). */
  interfaces(): string[];
  interfaceViews(): InterfaceView[];
  /** Saves the interface's addresses (kept across reboots) and applies them now. */
  setInterfaceAddresses(name: string, addresses: readonly IfAddress[]): Promise<string[]>;
  config(): ConfigView;
  validate(body: string): ValidationView;
  /** Saves as a new generation and reloads halb; one line saying what happened. */
  apply(body: string, reason: string): Promise<string>;
  generations(): GenerationInfo[];
  rollback(generation?: number): Promise<string>;
  factoryReset(): Promise<string>;
  /** halb status (daemon, instances, servers, supervisor) as text lines. */
  statusLines(): Promise<string[]>;
  /** One line per VRRP instance for the menu header ('' when halb does not answer). */
  summary(): Promise<string>;
  /** CPU, memory, temperatures, NICs, uptime (systeminformation). */
  systemLines(): Promise<string[]>;
  reboot(): Promise<void>;
  /** A root shell on the console until it exits. */
  shell(): Promise<void>;
  sleep(ms: number): Promise<void>;
}
