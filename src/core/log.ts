/**
 * keepalived-style log lines ("Sun Nov 22 01:02:03 2026: Starting ..."), to the
 * console when asked (-l, or always for the appliance's own command) and to a
 * sink the tests can replace. Detail lines (-D) are dropped unless enabled.
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  detail(message: string): void;
  /** A new ident for the lines after this one (keepalived's instance names: config/instance-naming.ts). */
  rename?(ident: string): void;
}

export type Sink = (line: string) => void;

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** ctime(3) without the newline, in local time: "Sun Nov 22 01:02:03 2026". */
export function ctime(d: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${d.getFullYear()}`;
}

export function createLogger(opts: {
  ident: string;
  detail: boolean;
  sink: Sink;
  now?: () => Date;
}): Logger {
  const now = opts.now ?? (() => new Date());
  let ident = opts.ident;
  const emit = (message: string): void => {
    const stamp = ctime(now());
    opts.sink(`${stamp}: ${ident}: ${message}`);
  };
  return {
    info: emit,
    warn: (m) => emit(`WARNING - ${m}`),
    error: (m) => emit(`ERROR - ${m}`),
    detail: (m) => {
      if (opts.detail) emit(m);
    },
    rename: (name) => {
      ident = name;
    },
  };
}
