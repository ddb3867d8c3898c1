import { HttpError } from '../core/errors';
import type { BackoffReason } from '../store/sources-repo';

/**
 * How long a source is left alone after it failed: exponential in the number of consecutive
 * failures, with "equal jitter" (half the step fixed, half random, so sources that failed together
 * do not come back together), capped. A block (403, Cloudflare challenge) starts at hours: asking
 * again soon would not help and looks like evasion. A Retry-After the source sent is a floor.
 *
 * | failure                        | delay before the next poll may run                          |
 * |--------------------------------|-------------------------------------------------------------|
 * | n-th consecutive failure       | step = min(failureMaxMs, failureInitialMs × 2^(n−1)); ½–1 × step |
 * | blocked (E_HTTP_BLOCKED)       | step = min(blockedMaxMs, blockedInitialMs × 2^(n−1)); ½–1 × step |
 * | either, with Retry-After = r   | max(that delay, r)                                          |
 *
 * The cron schedule keeps ticking; ticks before the delay has passed are skipped and counted.
 */
export interface SourceBackoffPolicy {
  failureInitialMs: number;
  failureMaxMs: number;
  blockedInitialMs: number;
  blockedMaxMs: number;
}

export const DEFAULT_SOURCE_BACKOFF: SourceBackoffPolicy = {
  failureInitialMs: 60_000,
  failureMaxMs: 6 * 3_600_000,
  blockedInitialMs: 6 * 3_600_000,
  blockedMaxMs: 24 * 3_600_000,
};

export interface BackoffDecision {
  delayMs: number;
  reason: BackoffReason;
}

/**
 * The delay after the `failures`-th consecutive failure (1 = the first).
 * @param random a source in [0, 1) (injectable for tests).
 */
export function sourceBackoff(failures: number, err: unknown, policy: SourceBackoffPolicy, random: () => number = Math.random): BackoffDecision {
  const blocked = err instanceof HttpError && err.code === 'E_HTTP_BLOCKED';
  const [initial, max] = blocked ? [policy.blockedInitialMs, policy.blockedMaxMs] : [policy.failureInitialMs, policy.failureMaxMs];
  const step = Math.min(max, initial * 2 ** Math.max(0, failures - 1));
  const jittered = Math.round(step / 2 + random() * (step / 2));
  const retryAfterMs = err instanceof HttpError ? err.retryAfterMs : undefined;
  if (retryAfterMs !== undefined && retryAfterMs > jittered) return { delayMs: retryAfterMs, reason: 'retry-after' };
  return { delayMs: jittered, reason: blocked ? 'blocked' : 'failing' };
}
