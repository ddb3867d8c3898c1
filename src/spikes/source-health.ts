/**
 * Connector silence and failure as a detector: a source that keeps failing (or is blocked) for
 * `failingAfter`, or brings nothing new for `silentAfter`, is a problem of its own — otherwise a
 * broken PTT parser looks exactly like a quiet week. Pure; the pipeline reads the store.
 */

/** A source's problem: what a `source` alert says. Times are epoch ms. */
export interface SourceProblem {
  connector: string;
  /** `failing` / `blocked`: its runs fail; `silent`: it runs but brings nothing new. */
  problem: 'failing' | 'blocked' | 'silent';
  /** Since when (failing since, or the last new item). */
  sinceMs: number;
  /** The threshold that was crossed, ms. */
  thresholdMs: number;
  consecutiveFailures: number;
  lastErrorCode: string | null;
  lastError: string | null;
}

/** What the check reads about one source. Times are epoch ms. */
export interface SourceHealthInput {
  connector: string;
  /** The store's view (`sources` table): absent until the source's first run. */
  health?: {
    status: 'ok' | 'failing' | 'blocked';
    sinceMs: number;
    lastOkMs: number | null;
    consecutiveFailures: number;
    lastErrorCode: string | null;
    lastError: string | null;
  };
  /** When it last brought an item never seen before; null if never. */
  lastNewItemMs: number | null;
  /** When Yuqing first watched this source (silence is not counted before it). */
  firstObservedMs: number;
  nowMs: number;
  failingAfterMs: number | 'off';
  silentAfterMs: number | 'off';
}

/**
 * The source's problem, or null when it is healthy.
 *
 * - failing / blocked: the latest runs failed, continuously since `health.sinceMs`, for at least
 *   `failingAfterMs`. Takes precedence over silence (a failing source is silent too).
 * - silent: nothing new since `lastNewItemMs` (or since first observed) for at least `silentAfterMs`,
 *   *and* a successful run happened after that much time had passed. The second part keeps a
 *   daemon that was itself stopped from blaming every source when it starts again: silence is
 *   declared only once a source was looked at and found empty.
 */
export function assessSource(input: SourceHealthInput): SourceProblem | null {
  const { health, nowMs } = input;
  const base = {
    connector: input.connector,
    consecutiveFailures: health?.consecutiveFailures ?? 0,
    lastErrorCode: health?.lastErrorCode ?? null,
    lastError: health?.lastError ?? null,
  };
  if (health && health.status !== 'ok' && input.failingAfterMs !== 'off' && nowMs - health.sinceMs >= input.failingAfterMs) {
    return { ...base, problem: health.status, sinceMs: health.sinceMs, thresholdMs: input.failingAfterMs };
  }
  if (input.silentAfterMs === 'off' || health?.status !== 'ok') return null;
  const quietSince = Math.max(input.lastNewItemMs ?? input.firstObservedMs, input.firstObservedMs);
  const lookedLate = health.lastOkMs !== null && health.lastOkMs >= quietSince + input.silentAfterMs;
  if (nowMs - quietSince >= input.silentAfterMs && lookedLate) {
    return { ...base, problem: 'silent', sinceMs: quietSince, thresholdMs: input.silentAfterMs };
  }
  return null;
}
