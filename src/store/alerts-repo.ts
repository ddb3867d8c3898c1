import { alertKey, type AlertEvent, type AlertNotice, type AlertRecord, type AlertStatus, type ChannelKind } from '../alerts/types';
import type { Db } from './database';

/** A delivery to enqueue with an alert transition. */
export interface OutboxInsert {
  idempotencyKey: string;
  channel: ChannelKind;
  target: string;
  notice: AlertNotice;
  /** Not before this time (epoch ms): the recipient's quiet hours. Default: due at once. */
  notBeforeMs?: number;
}

/** Alerts, their event history, and the enqueueing of their notifications. */
export class AlertsRepo {
  private readonly upsertStmt;
  private readonly eventStmt;
  private readonly outboxStmt;
  private readonly commitTx;

  constructor(private readonly db: Db) {
    this.upsertStmt = db.prepare(
      `INSERT INTO alerts (id, rule_id, alert_key, status, level, opened_ms, updated_ms, record) VALUES (@id, @ruleId, @key, @status, @level, @openedAt, @updatedAt, @record)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, level = excluded.level, updated_ms = excluded.updated_ms, record = excluded.record`,
    );
    this.eventStmt = db.prepare('INSERT OR IGNORE INTO alert_events (alert_id, seq, type, at_ms, event) VALUES (?, ?, ?, ?, ?)');
    this.outboxStmt = db.prepare(
      `INSERT OR IGNORE INTO outbox (idempotency_key, alert_id, channel, target, notice, status, attempts, created_ms, next_attempt_ms)
       VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)`,
    );
    this.commitTx = db.transaction((alert: AlertRecord, events: AlertEvent[], deliveries: OutboxInsert[], nowMs: number) => {
      this.upsertStmt.run({ id: alert.id, ruleId: alert.ruleId, key: alertKey(alert), status: alert.status, level: alert.level, openedAt: alert.openedAt, updatedAt: alert.updatedAt, record: JSON.stringify(alert) });
      for (const e of events) this.eventStmt.run(e.alertId, e.seq, e.type, e.at, JSON.stringify(e));
      for (const d of deliveries) this.outboxStmt.run(d.idempotencyKey, alert.id, d.channel, d.target, JSON.stringify(d.notice), nowMs, Math.max(nowMs, d.notBeforeMs ?? nowMs));
    });
  }

  /**
   * Run a read–decide–commit step under SQLite's write lock (BEGIN IMMEDIATE), so the daemon and a
   * `yuqing alerts ack` in another process can never both read the same alert and overwrite each
   * other's change. Synchronous by design: nothing can await inside.
   */
  exclusive<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /**
   * Save an alert's new state, its events and their deliveries in one transaction: a transition is
   * either fully recorded and queued for delivery, or not at all. Deliveries are keyed by idempotency
   * key, so committing the same transition twice queues nothing new.
   */
  commit(alert: AlertRecord, events: AlertEvent[], deliveries: OutboxInsert[], nowMs: number): void {
    this.commitTx(alert, events, deliveries, nowMs);
  }

  /**
   * The alert of a series that is not resolved yet, if any. A rule's crisis alerts are the series
   * named by the rule id; hot-spots and source alerts have keys of their own (see AlertRecord.key).
   */
  active(key: string): AlertRecord | undefined {
    const row = this.db
      .prepare<[string], { record: string }>("SELECT record FROM alerts WHERE alert_key = ? AND status != 'resolved' ORDER BY opened_ms DESC LIMIT 1")
      .get(key);
    return row ? (JSON.parse(row.record) as AlertRecord) : undefined;
  }

  /** Every alert not resolved yet, oldest first (the red clock ticks over them). */
  unresolved(): AlertRecord[] {
    return this.db
      .prepare<[], { record: string }>("SELECT record FROM alerts WHERE status != 'resolved' ORDER BY opened_ms, id")
      .all()
      .map((r) => JSON.parse(r.record) as AlertRecord);
  }

  /** Alerts opened in [fromMs, toMs), oldest first (KPIs). */
  openedBetween(fromMs: number, toMs: number): AlertRecord[] {
    return this.db
      .prepare<[number, number], { record: string }>('SELECT record FROM alerts WHERE opened_ms >= ? AND opened_ms < ? ORDER BY opened_ms, id')
      .all(fromMs, toMs)
      .map((r) => JSON.parse(r.record) as AlertRecord);
  }

  get(id: string): AlertRecord | undefined {
    const row = this.db.prepare<[string], { record: string }>('SELECT record FROM alerts WHERE id = ?').get(id);
    return row ? (JSON.parse(row.record) as AlertRecord) : undefined;
  }

  /** Alerts newest first, optionally only those with the given statuses. */
  list(options: { statuses?: AlertStatus[]; limit?: number } = {}): AlertRecord[] {
    const statuses = options.statuses ?? ['open', 'acknowledged', 'resolved'];
    const marks = statuses.map(() => '?').join(',');
    return this.db
      .prepare<unknown[], { record: string }>(`SELECT record FROM alerts WHERE status IN (${marks}) ORDER BY opened_ms DESC LIMIT ?`)
      .all(...statuses, options.limit ?? 100)
      .map((r) => JSON.parse(r.record) as AlertRecord);
  }

  events(alertId: string): AlertEvent[] {
    return this.db
      .prepare<[string], { event: string }>('SELECT event FROM alert_events WHERE alert_id = ? ORDER BY seq')
      .all(alertId)
      .map((r) => JSON.parse(r.event) as AlertEvent);
  }
}
