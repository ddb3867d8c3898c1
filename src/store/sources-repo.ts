import type { Db } from './database';

export type SourceStatus = 'ok' | 'failing' | 'blocked';

/** The health of one source, as shown by /healthz, metrics and `yuqing status`. */
export interface SourceHealth {
  connector: string;
  status: SourceStatus;
  sinceMs: number;
  lastRunMs: number | null;
  lastOkMs: number | null;
  lastErrorCode: string | null;
  lastError: string | null;
  consecutiveFailures: number;
  itemsTotal: number;
  lastNewItems: number;
  /** No poll before this (epoch ms): backoff after failures, a block, or the source's Retry-After. Null = on schedule. */
  nextAttemptMs: number | null;
  /** Why `nextAttemptMs` is set. */
  backoffReason: BackoffReason | null;
}

/** Why a source is held back: consecutive failures, a block (403 / challenge), or the source asked (Retry-After, rate limit). */
export type BackoffReason = 'failing' | 'blocked' | 'retry-after';

interface Row {
  connector: string;
  status: SourceStatus;
  since_ms: number;
  last_run_ms: number | null;
  last_ok_ms: number | null;
  last_error_code: string | null;
  last_error: string | null;
  consecutive_failures: number;
  items_total: number;
  last_new_items: number;
  next_attempt_ms: number | null;
  backoff_reason: BackoffReason | null;
}

/** Records every connector run's outcome, so a failing source is visible and never silently "empty". */
export class SourcesRepo {
  constructor(private readonly db: Db) {}

  recordSuccess(connector: string, newItems: number, atMs: number): void {
    this.db
      .prepare(
        `INSERT INTO sources (connector, status, since_ms, last_run_ms, last_ok_ms, consecutive_failures, items_total, last_new_items)
         VALUES (@c, 'ok', @at, @at, @at, 0, @n, @n)
         ON CONFLICT (connector) DO UPDATE SET
           since_ms = CASE WHEN status = 'ok' THEN since_ms ELSE @at END,
           status = 'ok', last_run_ms = @at, last_ok_ms = @at, consecutive_failures = 0,
           items_total = items_total + @n, last_new_items = @n, next_attempt_ms = NULL, backoff_reason = NULL`,
      )
      .run({ c: connector, at: atMs, n: newItems });
  }

  recordFailure(connector: string, failure: { code: string; message: string; blocked: boolean }, atMs: number): void {
    const status: SourceStatus = failure.blocked ? 'blocked' : 'failing';
    this.db
      .prepare(
        `INSERT INTO sources (connector, status, since_ms, last_run_ms, last_error_code, last_error, consecutive_failures)
         VALUES (@c, @s, @at, @at, @code, @msg, 1)
         ON CONFLICT (connector) DO UPDATE SET
           since_ms = CASE WHEN status = @s THEN since_ms ELSE @at END,
           status = @s, last_run_ms = @at, last_error_code = @code, last_error = @msg,
           consecutive_failures = consecutive_failures + 1, last_new_items = 0`,
      )
      .run({ c: connector, s: status, at: atMs, code: failure.code, msg: failure.message.slice(0, 500) });
  }

  /**
   * Hold a source back until `untilMs` (or release it with null). The row must exist (a run was
   * recorded first); the status columns are not touched.
   */
  setNextAttempt(connector: string, untilMs: number | null, reason: BackoffReason | null): void {
    this.db.prepare('UPDATE sources SET next_attempt_ms = ?, backoff_reason = ? WHERE connector = ?').run(untilMs, untilMs === null ? null : reason, connector);
  }

  /** The health of one source, if it ever ran. */
  get(connector: string): SourceHealth | undefined {
    const row = this.db.prepare<[string], Row>('SELECT * FROM sources WHERE connector = ?').get(connector);
    return row ? toHealth(row) : undefined;
  }

  list(): SourceHealth[] {
    return this.db
      .prepare<[], Row>('SELECT * FROM sources ORDER BY connector')
      .all()
      .map(toHealth);
  }
}

function toHealth(r: Row): SourceHealth {
  return {
    connector: r.connector,
    status: r.status,
    sinceMs: r.since_ms,
    lastRunMs: r.last_run_ms,
    lastOkMs: r.last_ok_ms,
    lastErrorCode: r.last_error_code,
    lastError: r.last_error,
    consecutiveFailures: r.consecutive_failures,
    itemsTotal: r.items_total,
    lastNewItems: r.last_new_items,
    nextAttemptMs: r.next_attempt_ms,
    backoffReason: r.backoff_reason,
  };
}
