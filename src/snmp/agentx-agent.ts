/**
 * halb as an AgentX subagent (RFC 2741) of the box's SNMP master agent
 * (net-snmp's snmpd with `master agentx`), as keepalived's `enable_snmp_*`
 * make it one: it connects to `snmp_socket` (net-snmp's spelling:
 * unix:/var/agentx/master by default, or tcp:HOST:PORT), opens a session,
 * registers its subtrees and answers Get / GetNext / GetBulk from a snapshot
 * of the MIB made for each request; notifications go out as Notify PDUs.
 * A lost master is connected to again every RECONNECT_MS.
 */
import * as net from 'node:net';
import type { Logger } from '../core/log';
import {
  closePdu,
  decodePdu,
  HEADER_LEN,
  headerOf,
  notifyPdu,
  openPdu,
  PDU,
  registerPdu,
  responsePdu,
  type Oid,
  type VarBind,
} from './agentx-pdu';
import { MibView } from './mib-view';

export const DEFAULT_SOCKET = 'unix:/var/agentx/master';
export const RECONNECT_MS = 5000;
/** Notifications kept for the first session. */
const MAX_EARLY = 64;
/** keepalived's subagent identifies itself with its enterprise OID. */
const HALB_ID: Oid = [1, 3, 6, 1, 4, 1, 9586, 100];

export interface AgentOptions {
  readonly socket: string;
  readonly subtrees: readonly Oid[];
  /** The objects served, made again for each request. */
  readonly bindings: () => readonly VarBind[];
  readonly log: Pick<Logger, 'info' | 'error' | 'detail'>;
  readonly descr?: string;
}

type Pending = (error: number, sessionId: number) => void;

/** net-snmp's transport spec to node:net connection options. */
export function connectOptions(spec: string): net.NetConnectOpts {
  const s = spec.trim();
  const tcp = /^tcp6?:(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(s) ?? /^tcp6?:(\d+)$/.exec(s);
  if (tcp) {
    if (tcp.length === 2) return { host: 'localhost', port: Number(tcp[1]) };
    return { host: (tcp[1] ?? tcp[2]) as string, port: Number(tcp[3]) };
  }
  return { path: s.replace(/^unix:/, '') };
}

export class AgentxAgent {
  private sock: net.Socket | undefined;
  private buf: Buffer = Buffer.alloc(0);
  private sessionId = 0;
  private packetId = 0;
  private readonly pending = new Map<number, Pending>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private ready = false;
  private readonly started = Date.now();
  private connectedOnce = false;

  constructor(private readonly o: AgentOptions) {}

  start(): void {
    this.connect();
  }

  get connected(): boolean {
    return this.ready;
  }

  /**
   * A notification (snmpTrapOID.0 first). Those of the first moments, before
   * the session is first open, wait for it (keepalived opens its session
   * before its instances start, so it sends them); later, while no master is
   * connected, they are dropped, as net-snmp does.
   */
  notify(vbs: readonly VarBind[]): void {
    if (!this.ready || !this.sock) {
      if (!this.connectedOnce && !this.stopped && this.early.length < MAX_EARLY)
        this.early.push(vbs);
      return;
    }
    this.sock.write(notifyPdu(this.ids(), vbs));
  }

  private early: Array<readonly VarBind[]> = [];

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const s = this.sock;
    this.sock = undefined;
    if (!s) return;
    if (this.ready) s.write(closePdu(this.ids()));
    this.ready = false;
    await new Promise<void>((resolve) => s.end(resolve));
    s.destroy();
  }

  private ids(): { sessionId: number; transactionId: number; packetId: number } {
    this.packetId = (this.packetId + 1) >>> 0;
    return { sessionId: this.sessionId, transactionId: 0, packetId: this.packetId };
  }

  private connect(): void {
    if (this.stopped) return;
    const s = net.createConnection(connectOptions(this.o.socket));
    this.sock = s;
    this.buf = Buffer.alloc(0);
    s.on('connect', () => void this.open(s));
    s.on('data', (d: Buffer) => this.received(s, d));
    s.on('error', (err: Error) => {
      if (!this.connectedOnce)
        this.o.log.detail(
          `SNMP: cannot reach the AgentX master at ${this.o.socket}: ${err.message}`,
        );
    });
    s.on('close', () => {
      if (this.sock !== s) return;
      if (this.ready) this.o.log.info('SNMP: the AgentX master went away; connecting again');
      this.ready = false;
      this.sock = undefined;
      for (const p of this.pending.values()) p(-1, 0);
      this.pending.clear();
      if (!this.stopped) this.timer = setTimeout(() => this.connect(), RECONNECT_MS);
    });
  }

  /** Sends a PDU expecting a Response; resolves with its error code. */
  private request(
    s: net.Socket,
    make: (ids: ReturnType<AgentxAgent['ids']>) => Buffer,
  ): Promise<{ error: number; sessionId: number }> {
    const ids = this.ids();
    return new Promise((resolve) => {
      this.pending.set(ids.packetId, (error, sessionId) => resolve({ error, sessionId }));
      s.write(make(ids));
    });
  }

  private async open(s: net.Socket): Promise<void> {
    this.sessionId = 0;
    const opened = await this.request(s, (ids) => openPdu(ids, 0, HALB_ID, this.o.descr ?? 'halb'));
    if (opened.error !== 0) {
      this.o.log.error(`SNMP: the AgentX master refused the session (error ${opened.error})`);
      s.destroy();
      return;
    }
    this.sessionId = opened.sessionId;
    for (const t of this.o.subtrees) {
      const r = await this.request(s, (ids) => registerPdu(ids, t));
      if (r.error !== 0)
        this.o.log.error(`SNMP: registering ${t.join('.')} failed (AgentX error ${r.error})`);
    }
    this.ready = true;
    this.connectedOnce = true;
    this.o.log.info('SNMP: AgentX subagent connected');
    for (const vbs of this.early.splice(0)) this.notify(vbs);
  }

  private received(s: net.Socket, d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    for (;;) {
      const h = headerOf(this.buf);
      if (!h || this.buf.length < HEADER_LEN + h.payloadLength) return;
      const one = this.buf.subarray(0, HEADER_LEN + h.payloadLength);
      this.buf = this.buf.subarray(HEADER_LEN + h.payloadLength);
      try {
        this.handle(s, one);
      } catch (err) {
        this.o.log.error(`SNMP: a malformed AgentX PDU was dropped: ${(err as Error).message}`);
      }
    }
  }

  private handle(s: net.Socket, one: Buffer): void {
    const p = decodePdu(one);
    const h = p.header;
    if (p.kind === 'response') {
      const pend = this.pending.get(h.packetId);
      this.pending.delete(h.packetId);
      pend?.(p.error, h.sessionId);
      return;
    }
    const upTime = Math.floor((Date.now() - this.started) / 10);
    const reply = (vbs: readonly VarBind[], error = 0): void =>
      void s.write(
        responsePdu(
          { sessionId: h.sessionId, transactionId: h.transactionId, packetId: h.packetId },
          upTime,
          error,
          0,
          vbs,
        ),
      );
    if (p.kind === 'other') {
      // Ping and the set phases: halb's objects are read-only (notWritable, 17, for a TestSet).
      if (h.type === PDU.close) {
        s.destroy();
        return;
      }
      reply([], h.type === PDU.testSet ? 17 : 0);
      return;
    }
    const view = new MibView(this.o.bindings());
    if (p.kind === 'get') reply(p.ranges.map((r) => view.get(r.start)));
    else if (p.kind === 'getBulk') reply(view.bulk(p.ranges, p.nonRepeaters, p.maxRepetitions));
    else reply(p.ranges.map((r) => view.next(r)));
  }
}
