import { formatDurationZh } from '../../core/duration';
import { formatLocal } from '../../core/time';

/** Small formatters shared by the alert renderers. Times are epoch ms; zones are IANA names. */

/** `11/21 14:20` in the zone: for subjects, where the year is noise. */
export function formatShortLocal(ms: number, timeZone: string): string {
  const full = formatLocal(ms, timeZone); // `2025-11-21 14:20`
  return `${full.slice(5, 7)}/${full.slice(8, 10)} ${full.slice(11)}`;
}

/** `2025-11-21 13:05 – 14:05`, or both dates in full when the span crosses midnight in the zone. */
export function formatSpanLocal(startMs: number, endMs: number, timeZone: string): string {
  const a = formatLocal(startMs, timeZone);
  const b = formatLocal(endMs, timeZone);
  return a.slice(0, 10) === b.slice(0, 10) ? `${a} – ${b.slice(11)}` : `${a} – ${b}`;
}

/**
 * An ISO 8601 time from a mention (published/fetched) shown in the zone, or the text as written
 * when it does not parse: evidence is never altered or dropped for being odd.
 */
export function formatIsoLocal(iso: string, timeZone: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? formatLocal(ms, timeZone) : iso;
}

/** `尚餘 15 分` before the deadline, `已逾時 5 分` after it. */
export function formatTimeLeft(deadlineMs: number, nowMs: number): { text: string; overdue: boolean } {
  const left = deadlineMs - nowMs;
  return left >= 0 ? { text: `尚餘 ${formatDurationZh(left)}`, overdue: false } : { text: `已逾時 ${formatDurationZh(-left)}`, overdue: true };
}

/** A share in [0, 1] as a whole percentage: `0.666` → `67%`. */
export function formatPercent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** A number with at most one decimal, without a trailing `.0`: `3.04` → `3`, `2.25` → `2.3`. */
export function formatDecimal(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return String(Math.round(n * 10) / 10);
}

/** An expected count beside an observed one: one decimal, `<0.1` for what the baseline all but never saw. */
export function formatExpected(n: number): string {
  return n < 0.1 ? '<0.1' : formatDecimal(n);
}

/**
 * Outside text made safe for one line (subjects, table cells, log-free summaries): control
 * characters and line breaks become spaces, runs of whitespace collapse, and overlong text is cut
 * with an ellipsis at `maxChars` code points.
 */
export function oneLine(text: string, maxChars = 200): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
  const chars = Array.from(flat);
  return chars.length > maxChars ? `${chars.slice(0, maxChars - 1).join('')}…` : flat;
}
