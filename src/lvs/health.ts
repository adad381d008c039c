/**
 * The contract between the health checkers (their own process) and the IPVS
 * reconciler: what the checkers report about each real server. Keys follow
 * keepalived's log spelling so they read the same in logs and `halb status`.
 */

/** "[192.0.2.10]:tcp:80", "FWM 1", "group web" (keepalived's FMT_VS spelling). */
export type ServiceId = string;
/** "[192.0.2.21]:tcp:80" (keepalived's FMT_RS spelling). */
export type ServerId = string;

export interface HealthReport {
  readonly service: ServiceId;
  readonly server: ServerId;
  /** All of the server's checkers pass (keepalived: every checker must be up). */
  readonly up: boolean;
  /** A new weight from MISC_CHECK's misc_dynamic, when it gave one. */
  readonly weight?: number;
  /** The last result in words: "connected", "HTTP status 503", "timeout after 3 s". */
  readonly detail: string;
  /** Wall-clock milliseconds of the check that produced this report. */
  readonly at: number;
  /** ha_suspend: the checks are suspended (the virtual server's address is not on this box). */
  readonly suspended?: boolean;
}

/** The same real server can serve several virtual servers: key by both. */
export function healthKey(service: ServiceId, server: ServerId): string {
  return `${service} ${server}`;
}

/** What the reconciler needs to know: the health of every checked server, by healthKey. */
export type HealthTable = ReadonlyMap<string, HealthReport>;
