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

/**
 * Parse a feed date (RFC 822 as in RSS, ISO 8601 as in Atom and Dublin Core, or a zone-less
 * local time read as Asia/Taipei) and check it against `nowMs`.
 * Returns the date, or a zh-TW description of why it was dropped.
 */
export function parseFeedDate(raw: string, nowMs: number): FeedDateResult {
  const text = raw.trim();
  let ms: number;
  const local = ZONELESS_LOCAL.exec(text);
  if (local) {
    const [, y, mo, d, h, mi, s] = local.map(Number) as [number, number, number, number, number, number, number];
    ms = Date.UTC(y, mo - 1, d, h, mi, Number.isNaN(s) ? 0 : s) - TAIPEI_OFFSET_MS;
  } else {
    ms = Date.parse(text);
  }
  if (Number.isNaN(ms)) return { problem: `無法解析的日期「${text}」(unparseable date)` };
  if (ms < EARLIEST_PLAUSIBLE_MS) return { problem: `日期「${text}」早於 1995 年，不合理 (implausibly old date)` };
  if (ms > nowMs + MAX_FUTURE_SKEW_MS) return { problem: `日期「${text}」在未來超過一天，不合理 (date in the future)` };
  return { date: new Date(ms) };
}
