/**
 * Local hour-of-week of an instant in an IANA time zone, for hour-of-day / day-of-week aware
 * baselines. Intl is slow per call, so results are cached per quarter hour (every real UTC offset is
 * a multiple of 15 minutes, so a quarter hour never straddles a local hour boundary).
 */

const QUARTER_HOUR_MS = 15 * 60_000;
const WEEKDAY_INDEX: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };
/** Cap per zone, so a years-long backtest cannot grow the cache without bound. */
const MAX_CACHED = 200_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
const caches = new Map<string, Map<number, number>>();

/**
 * Hours since Monday 00:00 local time: 0 (Mon 00:00–00:59) … 167 (Sun 23:00–23:59).
 * `hourOfWeek % 24` is the hour of day.
 *
 * @param ms epoch milliseconds
 * @param timeZone IANA name (validated when the main config is loaded)
 */
export function localHourOfWeek(ms: number, timeZone: string): number {
  let cache = caches.get(timeZone);
  if (!cache) {
    cache = new Map();
    caches.set(timeZone, cache);
  }
  const key = Math.floor(ms / QUARTER_HOUR_MS);
  const hit = cache.get(key);
  if (hit !== undefined) return hit;

  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  let weekday = 0;
  let hour = 0;
  for (const part of f.formatToParts(new Date(key * QUARTER_HOUR_MS))) {
    if (part.type === 'weekday') weekday = WEEKDAY_INDEX[part.value] ?? 0;
    else if (part.type === 'hour') hour = Number(part.value) % 24;
  }
  const value = weekday * 24 + hour;
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, value);
  return value;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

/** Wall-clock parts of `ms` in `timeZone`, and the zone's offset from UTC at that instant (ms, east positive). */
function wallClock(ms: number, timeZone: string): { year: number; month: number; day: number; offsetMs: number } {
  let f = partsFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    partsFormatters.set(timeZone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const wallAsUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!, p.second!);
  return { year: p.year!, month: p.month!, day: p.day!, offsetMs: wallAsUtc - Math.floor(ms / 1000) * 1000 };
}

/**
 * Monday 00:00 local time of the calendar week `ms` falls in, as epoch ms. Computed from the
 * zone's offset at `ms` (a daylight-saving change inside the week would shift it by that hour;
 * Asia/Taipei has none).
 */
export function localWeekStart(ms: number, timeZone: string): number {
  const w = wallClock(ms, timeZone);
  const dayOfWeek = Math.floor(localHourOfWeek(ms, timeZone) / 24); // 0 = Monday
  return Date.UTC(w.year, w.month - 1, w.day) - dayOfWeek * 86_400_000 - w.offsetMs;
}

/**
 * The instant a wall-clock time in `timeZone` names (`2026-03-16 10:00:00` in Asia/Taipei →
 * 02:00Z). Arguments as for `Date.UTC` (month 0-based). In a daylight-saving gap or overlap the
 * offset before the change is used.
 */
export function zonedTimeToUtc(timeZone: string, year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  const asUtc = Date.UTC(year, month, day, hour, minute, second, ms);
  const first = asUtc - wallClock(asUtc, timeZone).offsetMs;
  return asUtc - wallClock(first, timeZone).offsetMs;
}
