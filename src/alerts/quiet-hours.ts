import type { QuietHoursConfig } from '../config/alerting-schema';
import type { CrisisLevel } from '../core/types';

/**
 * Quiet hours per recipient: a notice of an L1 or L2 alert that falls inside them waits in the
 * outbox until they end (it is delayed, never dropped); L3 is never held back, whatever the hour.
 */

const MINUTE_MS = 60_000;
const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes since local midnight of `ms` in `timeZone`. */
function localMinuteOfDay(ms: number, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  let h = 0;
  let m = 0;
  for (const p of f.formatToParts(new Date(ms))) {
    if (p.type === 'hour') h = Number(p.value) % 24;
    else if (p.type === 'minute') m = Number(p.value);
  }
  return h * 60 + m;
}

/**
 * When a notice sent at `nowMs` may go out: `undefined` = now; otherwise the end of the quiet
 * period it falls in (epoch ms, on the minute). `from` later than `to` spans midnight.
 *
 * @param quiet the recipient's `quietHours`, if any
 * @param level the alert's level as notified; L3 is never delayed
 * @param defaultTimeZone zone of `from`/`to` when the recipient does not name one
 */
export function quietUntil(nowMs: number, quiet: QuietHoursConfig | undefined, level: CrisisLevel, defaultTimeZone: string): number | undefined {
  if (!quiet || level === 'L3') return undefined;
  const zone = quiet.timeZone ?? defaultTimeZone;
  const from = minutesOf(quiet.from);
  const to = minutesOf(quiet.to);
  const now = localMinuteOfDay(nowMs, zone);
  const inside = from < to ? now >= from && now < to : now >= from || now < to;
  if (!inside) return undefined;
  const waitMinutes = (to - now + 1440) % 1440;
  // Back to the start of the current minute, then forward to `to` (seconds within the minute are dropped).
  return Math.floor(nowMs / MINUTE_MS) * MINUTE_MS + waitMinutes * MINUTE_MS;
}
