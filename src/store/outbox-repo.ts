import type { OutboxItem, OutboxStore } from '../alerts/outbox';
import type { AlertNotice, ChannelKind } from '../alerts/types';
import type { Db } from './database';

export interface OutboxSummary {
  pending: number;
  sent: number;
  failed: number;
  /** Creation time of the oldest pending delivery (ms), if any. */
  oldestPendingMs: number | null;
}

interface Row {
  id: number;
  idempotency_key: string;
  channel: ChannelKind;
  target: string;
  notice: string;
  attempts: number;
  created_ms: number;
  next_attempt_ms: number;
}

/**
 * The persistent outbox. A row stays `pending` until a send succeeds, so a crash between sending and
 * recording re-sends it after restart under the same idempotency key (at-least-once; receivers
 * de-duplicate on the key).
 */
export class OutboxRepo implements OutboxStore {
  constructor(private readonly db: Db) {}

  claimDue(nowMs: number, limit: number, channels?: readonly ChannelKind[]): OutboxItem[] {
    const only = channels ? ` AND channel IN (${channels.map(() => '?').join(', ') || 'NULL'})` : '';
    return this.db
      .prepare<unknown[], Row>(`SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_ms <= ?${only} ORDER BY next_attempt_ms, id LIMIT ?`)
      .all(nowMs, ...(channels ?? []), limit)
      .map((r) => ({
        id: r.id,
        idempotencyKey: r.idempotency_key,
        channel: r.channel,
        target: r.target,
        notice: JSON.parse(r.notice) as AlertNotice,
        attempts: r.attempts,
        createdAt: r.created_ms,
        nextAttemptAt: r.next_attempt_ms,
      }));
  }

  markSent(id: number, atMs: number, detail?: string): void {
    this.db.prepare("UPDATE outbox SET status = 'sent', sent_ms = ?, attempts = attempts + 1, detail = ?, last_error = NULL WHERE id = ?").run(atMs, detail ?? null, id);
  }

  markRetry(id: number, retry: { nextAttemptAt: number; error: string; attempts: number }): void {
    this.db.prepare('UPDATE outbox SET next_attempt_ms = ?, last_error = ?, attempts = ? WHERE id = ?').run(retry.nextAttemptAt, retry.error.slice(0, 1000), retry.attempts, id);
  }

  markFailed(id: number, failure: { error: string; atMs: number }): void {
    this.db.prepare("UPDATE outbox SET status = 'failed', last_error = ?, sent_ms = NULL, next_attempt_ms = ?, attempts = attempts + 1 WHERE id = ?").run(failure.error.slice(0, 1000), failure.atMs, id);
  }

  summary(): OutboxSummary {
    const counts = Object.fromEntries(
      this.db.prepare<[], { status: string; n: number }>('SELECT status, COUNT(*) AS n FROM outbox GROUP BY status').all().map((r) => [r.status, r.n]),
    ) as Record<string, number>;
    const oldest = this.db.prepare<[], { m: number | null }>("SELECT MIN(created_ms) AS m FROM outbox WHERE status = 'pending'").get();
    return { pending: counts.pending ?? 0, sent: counts.sent ?? 0, failed: counts.failed ?? 0, oldestPendingMs: oldest?.m ?? null };
  }

  /** Deliveries of one alert (for `yuqing alerts show`). */
  forAlert(alertId: string): Array<{ idempotencyKey: string; channel: string; target: string; status: string; attempts: number; lastError: string | null; sentMs: number | null }> {
    return this.db
      .prepare<[string], { idempotency_key: string; channel: string; target: string; status: string; attempts: number; last_error: string | null; sent_ms: number | null }>(
        'SELECT idempotency_key, channel, target, status, attempts, last_error, sent_ms FROM outbox WHERE alert_id = ? ORDER BY id',
      )
      .all(alertId)
      .map((r) => ({ idempotencyKey: r.idempotency_key, channel: r.channel, target: r.target, status: r.status, attempts: r.attempts, lastError: r.last_error, sentMs: r.sent_ms }));
  }
}
