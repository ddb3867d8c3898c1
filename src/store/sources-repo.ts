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
}

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
           items_total = items_total + @n, last_new_items = @n`,
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

  list(): SourceHealth[] {
    return this.db
      .prepare<[], Row>('SELECT * FROM sources ORDER BY connector')
      .all()
      .map((r) => ({
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
      }));
  }
}
