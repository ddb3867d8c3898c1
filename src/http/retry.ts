/**
 * Retry policy: which failures are worth another attempt, and how long to wait before it.
 * Pure functions; the client owns the loop.
 */

/** Statuses that say "try again later" rather than "you are wrong". */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** First backoff delay. */
export const BACKOFF_BASE_MS = 500;
/** Backoff never waits longer than this. */
export const BACKOFF_MAX_MS = 30_000;
/** A Retry-After further away than a day is treated as a day (a date far in the future is a server bug). */
export const RETRY_AFTER_CAP_MS = 86_400_000;

/** Whether a response status is worth retrying (idempotent requests only; the caller checks that). */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/**
 * Delay before retry number `attempt + 1` (attempt 0 = after the first failure): exponential
 * from 0.5 s, doubling, capped at 30 s, with "equal jitter" — a uniform value between half the
 * step and the full step, so concurrent pollers spread out but never retry immediately.
 * @param random a source in [0, 1) (injectable for tests).
 */
export function backoffDelayMs(attempt: number, random: () => number = Math.random, baseMs = BACKOFF_BASE_MS, maxMs = BACKOFF_MAX_MS): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(step / 2 + random() * (step / 2));
}

/**
 * Milliseconds a `Retry-After` header asks us to wait: delta-seconds (`120`) or an HTTP-date
 * (`Wed, 21 Oct 2026 07:28:00 GMT`, compared with `nowMs`). Past dates give 0; the result is
 * capped at `capMs`. `undefined` when the header is absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number, capMs: number = RETRY_AFTER_CAP_MS): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) return Math.min(capMs, Number(text) * 1000);
  // Only date-shaped values: Date.parse accepts odd strings like "1.5" that are not HTTP-dates.
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.min(capMs, Math.max(0, at - nowMs));
}
