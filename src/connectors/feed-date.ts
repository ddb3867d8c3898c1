/**
 * Item dates from feeds, checked for plausibility. A wrong date is worse than none: it would put
 * a mention in the wrong volume bucket, so implausible dates are dropped (the pipeline then uses
 * the fetch time) and reported.
 */

/** Nothing we monitor was published before this (the web-news era starts around 1995). */
export const EARLIEST_PLAUSIBLE_MS = Date.UTC(1995, 0, 1);
/** Clock skew and time-zone mistakes tolerated into the future. */
export const MAX_FUTURE_SKEW_MS = 86_400_000;

// "2026-03-02 14:05[:00]" or "2026/03/02 14:05" with no zone: Taiwanese sites mean Taipei time
// (UTC+8, no daylight saving since 1979), not the machine's zone.
const ZONELESS_LOCAL = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/;
const TAIPEI_OFFSET_MS = 8 * 3_600_000;

export type FeedDateResult = { date: Date; problem?: undefined } | { date?: undefined; problem: string };

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = /^(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?$/i;
// RFC 822/1123 as RSS writes it: [weekday,] day month year hh:mm[:ss] [zone]. Sloppy spacing and
// single-digit fields are tolerated; a weekday that is not one is not.
const RFC822 = /^(?:([A-Za-z]+\.?),?\s*)?(\d{1,2})\s+([A-Za-z]{3,9})\.?\s+(\d{2}|\d{4})\s+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?\s*([A-Za-z]{1,5}|[+-]\d{2}:?\d{2})?$/;
// ISO 8601 as Atom and Dublin Core write it (a zone is required here; zone-less times are local).
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt\s](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?))?$/;
/** Zone names RFC 822 allows (and the North American ones feeds use), in hours from UTC. */
const ZONES: Record<string, number> = { ut: 0, utc: 0, gmt: 0, z: 0, est: -5, edt: -4, cst: -6, cdt: -5, mst: -7, mdt: -6, pst: -8, pdt: -7 };

/** Epoch ms of a calendar date and time, or NaN when a field is out of range (no Feb 30, no 25:00). 24:00:00 is the next midnight. */
function utcMs(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  if (mo < 1 || mo > 12 || d < 1 || h > 24 || mi > 59 || s > 60 || (h === 24 && (mi > 0 || s > 0))) return Number.NaN;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d > days) return Number.NaN;
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, Math.min(s, 59), 0);
  return date.getTime();
}

function offsetMs(zone: string | undefined): number | undefined {
  if (zone === undefined) return 0;
  const named = ZONES[zone.toLowerCase()];
  if (named !== undefined) return named * 3_600_000;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return minutes > 18 * 60 ? undefined : (m[1] === '-' ? -1 : 1) * minutes * 60_000;
}

/** The instant a feed date names, NaN when it cannot be read, or undefined when it is in no format known here. */
function strictParse(text: string): number | undefined {
  const local = ZONELESS_LOCAL.exec(text);
  if (local) {
    const [, y, mo, d, h, mi, s] = local.map(Number) as [number, number, number, number, number, number, number];
    return utcMs(y, mo, d, h, mi, Number.isNaN(s) ? 0 : s) - TAIPEI_OFFSET_MS;
  }
  const iso = ISO.exec(text);
  if (iso) {
    const [, y, mo, d, h, mi, s, fraction, zone] = iso;
    const off = offsetMs(zone);
    if (off === undefined) return Number.NaN;
    const millis = fraction ? Math.floor(Number(`0.${fraction}`) * 1000) : 0;
    return utcMs(Number(y), Number(mo), Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0)) - off + millis;
  }
  const rfc = RFC822.exec(text);
  if (rfc) {
    const [, weekday, d, monthName, yearText, h, mi, s, zone] = rfc;
    if (weekday !== undefined && !DAYS.test(weekday)) return Number.NaN;
    const mo = MONTHS.indexOf(monthName!.slice(0, 3).toLowerCase()) + 1;
    const off = offsetMs(zone);
    if (mo === 0 || off === undefined) return Number.NaN;
    let y = Number(yearText);
    // RFC 2822: two-digit years 00–49 are 2000–2049, 50–99 are 1950–1999.
    if (yearText!.length === 2) y += y < 50 ? 2000 : 1900;
    return utcMs(y, mo, Number(d), Number(h), Number(mi), Number(s ?? 0)) - off;
  }
  return undefined;
}

/**
 * The fallback for other wordings (`March 2, 2026 14:05 GMT+0800`, JavaScript's `Date#toString`):
 * the platform's lenient parser, trusted only when the four-digit year written in the text is the
 * year it read. It reads `026, 16 Mar 2026` as 2016 and year `0000` as 2000; those are dropped.
 */
function fallbackParse(text: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return ms;
  const years = [...text.matchAll(/(?<!\d)(\d{4})(?!\d)/g)].map((m) => Number(m[1]));
  const year = new Date(ms).getUTCFullYear();
  return years.length > 0 && years.some((y) => Math.abs(y - year) <= 1) ? ms : Number.NaN;
}

/**
 * Parse a feed date (RFC 822 as in RSS, ISO 8601 as in Atom and Dublin Core, or a zone-less
 * local time read as Asia/Taipei) and check it against `nowMs`. Fields out of range (Feb 30,
 * 25:00, a weekday that is not one) make a date unreadable rather than silently rolled over; other
 * wordings go to the platform's parser, checked against the year they write.
 * Returns the date, or a zh-TW description of why it was dropped.
 */
export function parseFeedDate(raw: string, nowMs: number): FeedDateResult {
  const text = raw.trim();
  const ms = strictParse(text) ?? fallbackParse(text);
  if (Number.isNaN(ms)) return { problem: `無法解析的日期「${text.slice(0, 80)}」(unparseable date)` };
  if (ms < EARLIEST_PLAUSIBLE_MS) return { problem: `日期「${text}」早於 1995 年，不合理 (implausibly old date)` };
  if (ms > nowMs + MAX_FUTURE_SKEW_MS) return { problem: `日期「${text}」在未來超過一天，不合理 (date in the future)` };
  return { date: new Date(ms) };
}
