/**
 * The first line of a reload_time_file, read as keepalived 2.2.7's
 * reload_monitor.c parse_datetime does: exactly `HH:MM:SS`, `YY-MM-DD
 * HH:MM:SS` or `YYYY-MM-DD HH:MM:SS`, each with an optional `Z` (UTC; else
 * the local time of the process's TZ). A time alone is today's, or
 * tomorrow's once it has passed; a date and time in the past is ignored; a
 * time that does not exist (February 30th, a daylight-saving gap) is invalid.
 * Pure: `now` is given.
 */

export type ReloadTime =
  | { readonly ok: true; readonly at: number; readonly dateSpecified: boolean }
  | { readonly ok: false; readonly past: boolean; readonly message: string };

const TIME = /^(\d\d):(\d\d):(\d\d)$/;
const DATE_TIME = /^(\d\d|\d\d\d\d)-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)$/;

interface Fields {
  year: number;
  month: number; // 0-11
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function toTime(f: Fields, utc: boolean): number {
  return utc
    ? Date.UTC(f.year, f.month, f.day, f.hour, f.minute, f.second)
    : new Date(f.year, f.month, f.day, f.hour, f.minute, f.second).getTime();
}

function fieldsOf(t: number, utc: boolean): Fields {
  const d = new Date(t);
  return utc
    ? {
        year: d.getUTCFullYear(),
        month: d.getUTCMonth(),
        day: d.getUTCDate(),
        hour: d.getUTCHours(),
        minute: d.getUTCMinutes(),
        second: d.getUTCSeconds(),
      }
    : {
        year: d.getFullYear(),
        month: d.getMonth(),
        day: d.getDate(),
        hour: d.getHours(),
        minute: d.getMinutes(),
        second: d.getSeconds(),
      };
}

export function parseReloadTime(line: string, now: number): ReloadTime {
  const utc = line.endsWith('Z');
  const text = utc ? line.slice(0, -1) : line;
  const invalid = (why: string): ReloadTime => ({
    ok: false,
    past: false,
    message: `Invalid reload time '${line}' specified - ignoring (${why})`,
  });
  const nowFields = fieldsOf(now, utc);
  let f: Fields;
  const t = TIME.exec(text);
  const dt = t ? null : DATE_TIME.exec(text);
  if (t) {
    f = { ...nowFields, hour: +t[1]!, minute: +t[2]!, second: +t[3]! };
  } else if (dt) {
    const y = dt[1]!;
    // strptime's %y: 69-99 are the 1900s, 00-68 the 2000s.
    const year = y.length === 4 ? +y : +y + (+y < 69 ? 2000 : 1900);
    f = {
      year,
      month: +dt[2]! - 1,
      day: +dt[3]!,
      hour: +dt[4]!,
      minute: +dt[5]!,
      second: +dt[6]!,
    };
  } else {
    return invalid(
      'the forms are HH:MM:SS, YY-MM-DD HH:MM:SS and YYYY-MM-DD HH:MM:SS, with an optional Z',
    );
  }
  let at = toTime(f, utc);
  const back = fieldsOf(at, utc);
  if (Number.isNaN(at) || (Object.keys(f) as Array<keyof Fields>).some((k) => f[k] !== back[k])) {
    return invalid('no such time');
  }
  if (at <= now) {
    if (!t) return { ok: false, past: true, message: 'Reload date/time is in the past - ignoring' };
    at = toTime({ ...f, day: f.day + 1 }, utc);
  }
  return { ok: true, at, dateSpecified: !t };
}

/** keepalived's "%Y-%m-%d %H:%M:%S" in local time, for its log lines. */
export function formatLocal(t: number): string {
  const f = fieldsOf(t, false);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${f.year}-${p(f.month + 1)}-${p(f.day)} ${p(f.hour)}:${p(f.minute)}:${p(f.second)}`;
}
