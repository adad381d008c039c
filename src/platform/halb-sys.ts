/** Typed face of the project's own addon (native/halb_sys.c, native/halb_net.c). */
import { loadAddon } from './native-addons';

/** See HalbSys.recvStart. */
export type BatchCallback = (buf: Buffer, length: number) => void;

/** One address of an interface, from an RTM_GETADDR dump (HalbSys.addresses). */
export interface InterfaceAddress {
  readonly index: number;
  readonly family: 4 | 6;
  readonly address: string;
  readonly prefix: number;
  /** RT_SCOPE_* (0 universe, 253 link, 254 host). */
  readonly scope: number;
  /** IFA_F_* (0x40 tentative, 0x08 DAD failed, 0x80 permanent...). */
  readonly flags: number;
}

export interface HalbSys {
  ifNameToIndex(name: string): number;
  /** Every address of every interface, up or down, in the kernel's order. */
  addresses(): InterfaceAddress[];
  /** MADV_DONTNEED on path's read-only, unmodified mappings; the kB that were mapped there. */
  trimMappings(path: string): number;
  /** glibc's malloc_trim(0): every arena's free pages back to the kernel; whether any went. */
  mallocTrim(): boolean;
  uname(): { sysname: string; release: string; machine: string };
  /** A raw socket for `protocol`, bound to the interface, TTL/hop limit 255, TOS 0xc0. */
  rawOpen(family: 4 | 6, protocol: number, ifindex: number, ifname: string): number;
  /**
   * A dual-stack UDP socket bound to [::]:port whose datagrams (read with
   * recvStart(fd, 6, ...)) carry their TTL / hop limit and destination; IPv4
   * peers appear as IPv4-mapped addresses. BFD's receive socket.
   */
  udpOpen(port: number): number;
  /**
   * Where every tcpProbe result goes: (id, errno, fd), errno 0 when connected,
   * ETIMEDOUT at the timeout; fd is the connected socket when the probe kept it, else -1.
   */
  probeInit(callback: (id: number, errno: number, fd: number) => void): void;
  /**
   * A non-blocking connect, reset as soon as it completes (TCP_CHECK), or
   * handed over connected with `keep`; `mark` (SO_MARK, 0: none) and `ifname`
   * (SO_BINDTODEVICE) are set before it binds and connects.
   */
  tcpProbe(
    id: number,
    family: 4 | 6,
    dst: Buffer,
    port: number,
    src: Buffer | null,
    srcPort: number,
    timeoutMs: number,
    mark?: number,
    ifname?: string | null,
    keep?: boolean,
  ): void;
  /** A raw ICMP (4) or ICMPv6 (6) socket on no particular interface (PING_CHECK). */
  icmpOpen(family: 4 | 6): number;
  setHopLimit(fd: number, family: 4 | 6, ttl: number): void;
  membership(fd: number, family: 4 | 6, group: Buffer, ifindex: number, join: boolean): void;
  /**
   * With src6, an IPv6 packet leaves from that address (IPV6_PKTINFO), whatever the kernel
   * would pick; with ttl, this packet's TTL / hop limit (IP_TTL / IPV6_HOPLIMIT ancillary data).
   */
  sendTo(
    fd: number,
    family: 4 | 6,
    dst: Buffer,
    ifindex: number,
    payload: Buffer,
    src6?: Buffer,
    ttl?: number,
  ): number;
  bindAddress(fd: number, family: 4 | 6, address: Buffer): void;
  /** SO_RCVBUFFORCE (else SO_RCVBUF); the size the kernel then reports. */
  setRcvBuf(fd: number, bytes: number): number;
  /** IPv4 multicast from this source address and interface, without bind()'s receive filter. */
  multicastSource(fd: number, ifindex: number, address: Buffer): void;
  /** SCHED_RR at this priority (1..99) for the calling thread; 0: back to SCHED_OTHER. */
  setRealtime(priority: number): void;
  /** *_no_swap: every file-backed mapping locked on fault (native/halb_lock.c); false unlocks. Returns the mappings. */
  lockFileMappings(on: boolean): number;
  /** The interface's hardware address (ioctl, this thread's namespace); undefined without one. */
  ifHwAddr(name: string): Buffer | undefined;
  /** The interface's MTU (ioctl); undefined when it cannot be read. */
  ifMtu(name: string): number | undefined;
  /** Every interface's name in this thread's namespace (if_nameindex). */
  ifNames(): string[];
  /** net_namespace: setns() into the namespace at `path` and execute this program again there (native/halb_netns.c). */
  enterNetns(path: string, marker: string): never;
  /** keepalived's linkbeat probes (native/halb_linkbeat.c): 1 link, 0 none, -1 not supported. */
  linkProbe(ifname: string, kind: 'mii' | 'ethtool' | 'ioctl'): number;
  /** RLIMIT_RTTIME as [soft, hard] in microseconds, -1 unlimited. */
  getRtTimeLimit(): [number, number];
  /** *_rlimit_rttime: sets RLIMIT_RTTIME (µs, -1 unlimited) of this process, or of `pid`. */
  setRtTimeLimit(soft: number, hard: number, pid?: number): void;
  /** sched_setaffinity for every thread of the process (vrrp_cpu_affinity, checker_cpu_affinity). */
  setAffinity(cpus: readonly number[]): void;
  /** The CPUs the calling thread may run on (what a removed *_cpu_affinity goes back to). */
  getAffinity(): number[];
  /** PR_SET_PDEATHSIG: this process gets `signal` when its parent dies; returns getppid(). */
  dieWithParent(signal: number): number;
  /** The Linux watchdog device (opening it starts the timer). */
  wdtOpen(path: string): number;
  /** Sets the timeout; returns what the driver actually set. */
  wdtSetTimeout(fd: number, seconds: number): number;
  wdtGetTimeout(fd: number): number;
  wdtKeepalive(fd: number): void;
  /** WDIOF_* flags about the last reboot (WDIOF_CARDRESET 0x20: the watchdog did it). */
  wdtBootStatus(fd: number): number;
  wdtIdentity(fd: number): string;
  /** magic: write 'V' first, so the driver stops the timer (a deliberate stop). */
  wdtClose(fd: number, magic: boolean): void;
  packetOpen(): number;
  /**
   * The proc connector, listening (vrrp_track_process); rcvbuf: its receive buffer;
   * initialNetns: where to make it when this network namespace has no connector.
   */
  procEventsOpen(rcvbuf: number, initialNetns: string): number;
  packetSend(fd: number, ifindex: number, frame: Buffer): number;
  mkfifo(path: string, mode: number): void;
  close(fd: number): void;
  /**
   * Every packet read in one wakeup in one callback, as records in `buf` up to `length`
   * (native/halb_net.c: IPv4 and family 0, the proc connector's datagrams: u16 length,
   * datagram; IPv6: u16 length, u16 hop limit, source, destination, packet). `buf` is the
   * watcher's own and is filled again at the next wakeup: copy what you keep.
   */
  recvStart(fd: number, family: 0 | 4 | 6, cb: BatchCallback): object;
  /** The watcher's repeat fast path (native/halb_net.c fast_repeat): last-seen ms (256 f64) then counts (256 u32), by VRID. */
  fastInit(watcher: object): ArrayBuffer;
  /** Repeats of this packet (ttl -1: any TTL) are counted, not handed up. */
  fastArm(
    watcher: object,
    vrid: number,
    ttl: number,
    src: Buffer,
    dst: Buffer,
    payload: Buffer,
  ): void;
  fastClear(watcher: object, vrid: number): void;
  /** CLOCK_MONOTONIC in milliseconds: the clock of fastInit's times. */
  monotonicMs(): number;
  /** The process's (main thread's) comm, as `ps` and `pgrep` show it: PR_SET_NAME, 15 characters. */
  setProcessName(name: string): void;
  recvStop(handle: object): void;
}

export function halbSys(): HalbSys {
  return loadAddon<HalbSys>('halb_sys');
}
